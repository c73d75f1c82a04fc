/// Causal multi-head self-attention (Vaswani et al. 2017; GPT-2's masked variant), as llm.c's
/// `attention_forward/backward`, with the products through `cblas_sgemm`. Each (batch, head) pair
/// is one task on one thread (OpenBLAS single-threaded inside), reading Q, K, V in place from the
/// fused qkv activations (row stride 3C). Only the softmax probabilities are kept for backward (no
/// separate pre-softmax scores), and the products skip the masked part in blocks of `block` rows:
/// rows r0..<r1 only see keys 0..<r1, which saves about 3/8 of the work at T = 256.
enum Attention {
    /// out (B, T, C) = per head h: softmax(Q_h·K_hᵀ/√hs, causal) · V_h, with Q, K, V the three
    /// C-wide parts of qkv (B, T, 3C) and hs = C/NH; att (B, NH, T, T) keeps the probabilities
    /// (zero above the diagonal).
    @_specialize(where T == Float)
    static func forward<T: ModelScalar>(out: UnsafeMutablePointer<T>, att: UnsafeMutablePointer<T>, qkv: UnsafePointer<T>,
                                        B: Int, T seqLen: Int, C: Int, NH: Int, block: Int = 64) {
        let hs = C / NH, scale = 1 / T(hs).squareRoot(), TT = seqLen * seqLen, C3 = 3 * C
        eachHead(B: B, NH: NH) { pair, b, h in
            let q = qkv + b * seqLen * C3 + h * hs, k = q + C, v = q + 2 * C
            let a = att + pair * TT, o = out + b * seqLen * C + h * hs
            for r0 in stride(from: 0, to: seqLen, by: block) {
                let r1 = min(r0 + block, seqLen)
                // scores[r0..<r1, 0..<r1] = Q[r0..<r1] · K[0..<r1]ᵀ / √hs
                T.gemm(transA: false, transB: true, m: r1 - r0, n: r1, k: hs, alpha: scale, a: q + r0 * C3, lda: C3,
                       b: k, ldb: C3, beta: 0, c: a + r0 * seqLen, ldc: seqLen)
                for i in r0..<r1 {
                    let row = a + i * seqLen
                    let inverse = 1 / Vector.expInPlace(row, i + 1, minus: Vector.max(row, i + 1))
                    for j in 0...i { row[j] *= inverse }
                    for j in (i + 1)..<seqLen { row[j] = 0 }
                }
                // out[r0..<r1] = P[r0..<r1, 0..<r1] · V[0..<r1]
                T.gemm(transA: false, transB: false, m: r1 - r0, n: hs, k: r1, alpha: 1, a: a + r0 * seqLen, lda: seqLen,
                       b: v, ldb: C3, beta: 0, c: o + r0 * C, ldc: C)
            }
        }
    }

    /// dqkv (B, T, 3C) = ∂/∂qkv (written, not added) from dout (B, T, C); datt (B, NH, T, T) is scratch.
    /// dP = dY·Vᵀ, dV = Pᵀ·dY, dS = P ⊙ (dP − rowsum(P ⊙ dP)) / √hs, dQ = dS·K, dK = dSᵀ·Q.
    @_specialize(where T == Float)
    static func backward<T: ModelScalar>(dqkv: UnsafeMutablePointer<T>, datt: UnsafeMutablePointer<T>, dout: UnsafePointer<T>,
                                         qkv: UnsafePointer<T>, att: UnsafePointer<T>, B: Int, T seqLen: Int, C: Int, NH: Int,
                                         block: Int = 64) {
        let hs = C / NH, scale = 1 / T(hs).squareRoot(), TT = seqLen * seqLen, C3 = 3 * C
        eachHead(B: B, NH: NH) { pair, b, h in
            let q = qkv + b * seqLen * C3 + h * hs, k = q + C, v = q + 2 * C
            let dq = dqkv + b * seqLen * C3 + h * hs, dk = dq + C, dv = dq + 2 * C
            let p = att + pair * TT, d = datt + pair * TT, dy = dout + b * seqLen * C + h * hs
            for r0 in stride(from: 0, to: seqLen, by: block) {
                let r1 = min(r0 + block, seqLen)
                // dP[r0..<r1, 0..<r1] = dY[r0..<r1] · V[0..<r1]ᵀ
                T.gemm(transA: false, transB: true, m: r1 - r0, n: r1, k: hs, alpha: 1, a: dy + r0 * C, lda: C, b: v, ldb: C3,
                       beta: 0, c: d + r0 * seqLen, ldc: seqLen)
                // dV[r0..<r1] = P[r0..<T, r0..<r1]ᵀ · dY[r0..<T]  (P is zero above the diagonal)
                T.gemm(transA: true, transB: false, m: r1 - r0, n: hs, k: seqLen - r0, alpha: 1, a: p + r0 * seqLen + r0,
                       lda: seqLen, b: dy + r0 * C, ldb: C, beta: 0, c: dv + r0 * C3, ldc: C3)
                for i in r0..<r1 {
                    let pr = p + i * seqLen, dr = d + i * seqLen
                    let dot = Vector.dot(pr, dr, i + 1)
                    for j in 0...i { dr[j] = pr[j] * (dr[j] - dot) * scale }
                    for j in (i + 1)..<seqLen { dr[j] = 0 }
                }
            }
            for r0 in stride(from: 0, to: seqLen, by: block) {
                let r1 = min(r0 + block, seqLen)
                // dQ[r0..<r1] = dS[r0..<r1, 0..<r1] · K[0..<r1]
                T.gemm(transA: false, transB: false, m: r1 - r0, n: hs, k: r1, alpha: 1, a: d + r0 * seqLen, lda: seqLen,
                       b: k, ldb: C3, beta: 0, c: dq + r0 * C3, ldc: C3)
                // dK[r0..<r1] = dS[r0..<T, r0..<r1]ᵀ · Q[r0..<T]
                T.gemm(transA: true, transB: false, m: r1 - r0, n: hs, k: seqLen - r0, alpha: 1, a: d + r0 * seqLen + r0,
                       lda: seqLen, b: q + r0 * C3, ldb: C3, beta: 0, c: dk + r0 * C3, ldc: C3)
            }
        }
    }

    /// Runs body(pair, b, h) for every (batch, head) pair, spread over the threads, with OpenBLAS
    /// on one thread inside (each pair's products are small; one pair is one task).
    private static func eachHead(B: Int, NH: Int, _ body: (Int, Int, Int) -> Void) {
        BLAS.singleThreaded {
            Parallel.forRanges(B * NH) { pairs in
                for pair in pairs {
                    let (b, h) = pair.quotientAndRemainder(dividingBy: NH)
                    body(pair, b, h)
                }
            }
        }
    }
}
