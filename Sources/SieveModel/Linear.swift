/// A fully connected layer in GPT-2's `Conv1D` layout (weight is in × out, so checkpoints load as
/// Hugging Face GPT-2 tensors); products through `cblas_sgemm`. llm.c's `matmul_forward/backward`.
enum Linear {
    /// out (N, OC) = inp (N, C) · weight (C, OC) + bias (OC); with `accumulate`, out += … instead
    /// (the residual connection, added in place).
    @_specialize(where T == Float)
    static func forward<T: ModelScalar>(out: UnsafeMutablePointer<T>, inp: UnsafePointer<T>, weight: UnsafePointer<T>,
                                        bias: UnsafePointer<T>?, N: Int, C: Int, OC: Int, accumulate: Bool = false) {
        if let bias {
            Parallel.forRanges(N, grain: 64) { rows in
                for i in rows {
                    let o = out + i * OC
                    if accumulate { for j in 0..<OC { o[j] += bias[j] } } else { for j in 0..<OC { o[j] = bias[j] } }
                }
            }
        }
        let beta: T = (bias != nil || accumulate) ? 1 : 0
        T.gemm(transA: false, transB: false, m: N, n: OC, k: C, alpha: 1, a: inp, lda: C, b: weight, ldb: OC,
               beta: beta, c: out, ldc: OC)
    }

    /// dinp (N, C) = dout · weightᵀ (or += with `accumulateInput`); dweight (C, OC) += inpᵀ · dout;
    /// dbias (OC) += Σ rows of dout.
    @_specialize(where T == Float)
    static func backward<T: ModelScalar>(dinp: UnsafeMutablePointer<T>, dweight: UnsafeMutablePointer<T>, dbias: UnsafeMutablePointer<T>?,
                                         dout: UnsafePointer<T>, inp: UnsafePointer<T>, weight: UnsafePointer<T>,
                                         N: Int, C: Int, OC: Int, accumulateInput: Bool = false) {
        T.gemm(transA: false, transB: true, m: N, n: C, k: OC, alpha: 1, a: dout, lda: OC, b: weight, ldb: OC,
               beta: accumulateInput ? 1 : 0, c: dinp, ldc: C)
        T.gemm(transA: true, transB: false, m: C, n: OC, k: N, alpha: 1, a: inp, lda: C, b: dout, ldb: OC,
               beta: 1, c: dweight, ldc: OC)
        if let dbias {
            Parallel.reduceRows(N, width: OC, into: dbias) { i, partial in
                let d = dout + i * OC
                for j in 0..<OC { partial[j] += d[j] }
            }
        }
    }
}
