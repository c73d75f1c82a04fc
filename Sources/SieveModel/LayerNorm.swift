/// Layer normalisation (Ba et al. 2016, "Layer Normalization"), ε = 1e-5 as in GPT-2; llm.c's
/// `layernorm_forward`/`layernorm_backward`.
enum LayerNorm {
    static let epsilon = 1e-5

    /// out (N, C) = (inp − mean) · rstd · weight + bias, per row; mean, rstd (N) kept for backward.
    @_specialize(where T == Float)
    static func forward<T: ModelScalar>(out: UnsafeMutablePointer<T>, mean: UnsafeMutablePointer<T>, rstd: UnsafeMutablePointer<T>,
                                        inp: UnsafePointer<T>, weight: UnsafePointer<T>, bias: UnsafePointer<T>, N: Int, C: Int) {
        Parallel.forRanges(N, grain: 16) { rows in
            for i in rows {
                let x = inp + i * C, o = out + i * C
                let m = Vector.sum(x, C) / T(C)
                var variance: T = 0
                for c in 0..<C { let d = x[c] - m; variance += d * d }
                let s = 1 / (variance / T(C) + T(epsilon)).squareRoot()
                for c in 0..<C { o[c] = (x[c] - m) * s * weight[c] + bias[c] }
                mean[i] = m
                rstd[i] = s
            }
        }
    }

    /// dinp (N, C) += ∂/∂inp; dweight (C) += Σ dout·norm; dbias (C) += Σ dout, where
    /// norm = (inp − mean)·rstd and dinp = rstd · (dnorm − mean(dnorm) − norm · mean(dnorm·norm)), dnorm = dout·weight.
    @_specialize(where T == Float)
    static func backward<T: ModelScalar>(dinp: UnsafeMutablePointer<T>, dweight: UnsafeMutablePointer<T>, dbias: UnsafeMutablePointer<T>,
                                         dout: UnsafePointer<T>, inp: UnsafePointer<T>, weight: UnsafePointer<T>,
                                         mean: UnsafePointer<T>, rstd: UnsafePointer<T>, N: Int, C: Int) {
        Parallel.forRanges(N, grain: 16) { rows in
            for i in rows {
                let x = inp + i * C, d = dout + i * C, dx = dinp + i * C
                let m = mean[i], s = rstd[i]
                var dnormMean: T = 0, dnormNormMean: T = 0
                for c in 0..<C {
                    let dnorm = d[c] * weight[c]
                    dnormMean += dnorm
                    dnormNormMean += dnorm * (x[c] - m) * s
                }
                dnormMean /= T(C)
                dnormNormMean /= T(C)
                for c in 0..<C {
                    let norm = (x[c] - m) * s
                    dx[c] += (d[c] * weight[c] - dnormMean - norm * dnormNormMean) * s
                }
            }
        }
        // [dweight | dbias] as one reduction over rows.
        let both = UnsafeMutablePointer<T>.allocate(capacity: 2 * C)
        defer { both.deallocate() }
        both.initialize(repeating: 0, count: 2 * C)
        Parallel.reduceRows(N, width: 2 * C, into: both) { i, partial in
            let x = inp + i * C, d = dout + i * C
            let m = mean[i], s = rstd[i]
            for c in 0..<C {
                partial[c] += d[c] * (x[c] - m) * s
                partial[C + c] += d[c]
            }
        }
        for c in 0..<C {
            dweight[c] += both[c]
            dbias[c] += both[C + c]
        }
    }
}
