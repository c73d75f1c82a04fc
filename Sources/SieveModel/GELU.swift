/// GELU with GPT-2's tanh approximation (Hendrycks & Gimpel 2016, "Gaussian Error Linear Units"):
/// gelu(x) = ½·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))). llm.c's `gelu_forward/backward`.
enum GELU {
    static let scale = 0.7978845608028654  // √(2/π)

    /// out (N) = gelu(inp)
    @_specialize(where T == Float)
    static func forward<T: ModelScalar>(out: UnsafeMutablePointer<T>, inp: UnsafePointer<T>, N: Int) {
        Parallel.forRanges(N, grain: 4096) { range in
            let s = T(scale), a = T(0.044715)
            Vector.map(range) { i, k in
                let x = Vector.load(inp + i, k)
                Vector.store(0.5 * x * (1 + T.tanh(s * (x + a * x * x * x))), out + i, k)
            }
        }
    }

    /// dinp (N) = dout · gelu′(inp); `dinp` may be `dout` (in place).
    @_specialize(where T == Float)
    static func backward<T: ModelScalar>(dinp: UnsafeMutablePointer<T>, inp: UnsafePointer<T>, dout: UnsafePointer<T>, N: Int) {
        Parallel.forRanges(N, grain: 4096) { range in
            let s = T(scale), a = T(0.044715)
            Vector.map(range) { i, k in
                let x = Vector.load(inp + i, k)
                let x2: SIMD8<T> = x * x
                let th: SIMD8<T> = T.tanh(s * (x + a * x2 * x))
                let slope: SIMD8<T> = 0.5 * x * (1 - th * th) * s * (1 + 3 * a * x2)
                let local: SIMD8<T> = 0.5 * (1 + th) + slope
                Vector.store(local * Vector.load(dout + i, k), dinp + i, k)
            }
        }
    }
}
