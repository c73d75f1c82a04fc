/// Causal multi-head self-attention (Vaswani et al. 2017; GPT-2's masked variant), as in llm.c's
/// `attention_forward/backward`, but the products Q·Kᵀ and P·V go through `cblas_sgemm` per
/// (batch, head), reading Q, K, V in place from the fused qkv activations (row stride 3C). Only
/// the softmax probabilities are kept for backward (no separate pre-softmax scores); the masked
/// upper triangle is zero.
enum Attention {
    /// out (B, T, C) = per head h: softmax(Q_h·K_hᵀ/√hs, causal) · V_h, with Q, K, V the three
    /// C-wide parts of qkv (B, T, 3C) and hs = C/NH; att (B, NH, T, T) keeps the probabilities.
    static func forward<T: ModelScalar>(out: UnsafeMutablePointer<T>, att: UnsafeMutablePointer<T>, qkv: UnsafePointer<T>,
                                        B: Int, T seqLen: Int, C: Int, NH: Int) {
        let hs = C / NH, scale = 1 / T(hs).squareRoot(), TT = seqLen * seqLen
        for b in 0..<B {
            for h in 0..<NH {
                let q = qkv + b * seqLen * 3 * C + h * hs
                T.gemm(transA: false, transB: true, m: seqLen, n: seqLen, k: hs, alpha: scale, a: q, lda: 3 * C,
                       b: q + C, ldb: 3 * C, beta: 0, c: att + (b * NH + h) * TT, ldc: seqLen)
            }
        }
        Parallel.forRanges(B * NH * seqLen, grain: 64) { rows in
            for r in rows {
                let row = att + r * seqLen, i = r % seqLen
                let sum = Vector.expInPlace(row, i + 1, minus: Vector.max(row, i + 1))
                let inverse = 1 / sum
                for j in 0...i { row[j] *= inverse }
                for j in (i + 1)..<seqLen { row[j] = 0 }
            }
        }
        for b in 0..<B {
            for h in 0..<NH {
                T.gemm(transA: false, transB: false, m: seqLen, n: hs, k: seqLen, alpha: 1, a: att + (b * NH + h) * TT, lda: seqLen,
                       b: qkv + b * seqLen * 3 * C + 2 * C + h * hs, ldb: 3 * C, beta: 0,
                       c: out + b * seqLen * C + h * hs, ldc: C)
            }
        }
    }

    /// dqkv (B, T, 3C) = ∂/∂qkv (written, not added) from dout (B, T, C); datt (B, NH, T, T) is scratch.
    /// dP = dY·Vᵀ, dV = Pᵀ·dY, dS = P ⊙ (dP − rowsum(P ⊙ dP)) / √hs, dQ = dS·K, dK = dSᵀ·Q.
    static func backward<T: ModelScalar>(dqkv: UnsafeMutablePointer<T>, datt: UnsafeMutablePointer<T>, dout: UnsafePointer<T>,
                                         qkv: UnsafePointer<T>, att: UnsafePointer<T>, B: Int, T seqLen: Int, C: Int, NH: Int) {
        let hs = C / NH, scale = 1 / T(hs).squareRoot(), TT = seqLen * seqLen
        for b in 0..<B {
            for h in 0..<NH {
                let dy = dout + b * seqLen * C + h * hs, v = qkv + b * seqLen * 3 * C + 2 * C + h * hs
                let p = att + (b * NH + h) * TT
                T.gemm(transA: false, transB: true, m: seqLen, n: seqLen, k: hs, alpha: 1, a: dy, lda: C, b: v, ldb: 3 * C,
                       beta: 0, c: datt + (b * NH + h) * TT, ldc: seqLen)
                T.gemm(transA: true, transB: false, m: seqLen, n: hs, k: seqLen, alpha: 1, a: p, lda: seqLen, b: dy, ldb: C,
                       beta: 0, c: dqkv + b * seqLen * 3 * C + 2 * C + h * hs, ldc: 3 * C)
            }
        }
        Parallel.forRanges(B * NH * seqLen, grain: 64) { rows in
            for r in rows {
                let p = att + r * seqLen, d = datt + r * seqLen, i = r % seqLen
                let dot = Vector.dot(p, d, i + 1)
                for j in 0...i { d[j] = p[j] * (d[j] - dot) * scale }
                for j in (i + 1)..<seqLen { d[j] = 0 }
            }
        }
        for b in 0..<B {
            for h in 0..<NH {
                let q = qkv + b * seqLen * 3 * C + h * hs, dq = dqkv + b * seqLen * 3 * C + h * hs
                let ds = datt + (b * NH + h) * TT
                T.gemm(transA: false, transB: false, m: seqLen, n: hs, k: seqLen, alpha: 1, a: ds, lda: seqLen, b: q + C, ldb: 3 * C,
                       beta: 0, c: dq, ldc: 3 * C)
                T.gemm(transA: true, transB: false, m: seqLen, n: hs, k: seqLen, alpha: 1, a: ds, lda: seqLen, b: q, ldb: 3 * C,
                       beta: 0, c: dq + C, ldc: 3 * C)
            }
        }
    }
}
