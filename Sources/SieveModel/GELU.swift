/// GELU with GPT-2's tanh approximation (Hendrycks & Gimpel 2016, "Gaussian Error Linear Units"):
/// gelu(x) = ½·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))). llm.c's `gelu_forward/backward`.
enum GELU {
    static let scale = 0.7978845608028654  // √(2/π)

    /// out (N) = gelu(inp)
    static func forward<T: ModelScalar>(out: UnsafeMutablePointer<T>, inp: UnsafePointer<T>, N: Int) {
        Parallel.forRanges(N, grain: 4096) { range in
            let s = T(scale), a = T(0.044715)
            for i in range {
                let x = inp[i]
                out[i] = 0.5 * x * (1 + T.tanh(s * (x + a * x * x * x)))
            }
        }
    }

    /// dinp (N) = dout · gelu′(inp); `dinp` may be `dout` (in place).
    static func backward<T: ModelScalar>(dinp: UnsafeMutablePointer<T>, inp: UnsafePointer<T>, dout: UnsafePointer<T>, N: Int) {
        Parallel.forRanges(N, grain: 4096) { range in
            let s = T(scale), a = T(0.044715)
            for i in range {
                let x = inp[i]
                let th = T.tanh(s * (x + a * x * x * x))
                let sech2 = 1 - th * th
                let local = 0.5 * (1 + th) + 0.5 * x * sech2 * s * (1 + 3 * a * x * x)
                dinp[i] = local * dout[i]
            }
        }
    }
}
