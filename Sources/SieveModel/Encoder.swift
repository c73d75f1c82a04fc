/// Token and position embeddings (GPT-2: learned positions; Radford et al. 2019), as in llm.c's
/// `encoder_forward`/`encoder_backward`.
enum Encoder {
    /// out (B·T, C) = wte[tokens[b,t], :] + wpe[t, :]
    /// tokens (B·T), wte (V, C), wpe (maxT, C)
    @_specialize(where T == Float)
    static func forward<T: ModelScalar>(out: UnsafeMutablePointer<T>, tokens: UnsafePointer<Int32>,
                                        wte: UnsafePointer<T>, wpe: UnsafePointer<T>, B: Int, T seqLen: Int, C: Int) {
        Parallel.forRanges(B * seqLen, grain: 64) { rows in
            for i in rows {
                let o = out + i * C, e = wte + Int(tokens[i]) * C, p = wpe + (i % seqLen) * C
                for c in 0..<C { o[c] = e[c] + p[c] }
            }
        }
    }

    /// dwte (V, C) += Σ dout rows by token; dwpe (maxT, C) += Σ dout rows by position.
    /// Sequential over rows, in order: several rows may share a token.
    @_specialize(where T == Float)
    static func backward<T: ModelScalar>(dwte: UnsafeMutablePointer<T>, dwpe: UnsafeMutablePointer<T>,
                                         dout: UnsafePointer<T>, tokens: UnsafePointer<Int32>, B: Int, T seqLen: Int, C: Int) {
        for i in 0..<(B * seqLen) {
            let d = dout + i * C, e = dwte + Int(tokens[i]) * C, p = dwpe + (i % seqLen) * C
            for c in 0..<C {
                e[c] += d[c]
                p[c] += d[c]
            }
        }
    }
}
