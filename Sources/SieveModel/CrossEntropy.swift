/// Softmax and cross-entropy over the vocabulary, fused (llm.c's `softmax_forward`,
/// `crossentropy_forward` and `crossentropy_softmax_backward`). Forward leaves the logits as they
/// are and keeps each row's log-sum-exp; backward turns the logits into their gradients in place,
/// recomputing the probabilities: two passes over the (N, V) matrix in all, each row read twice
/// while it is in cache.
enum CrossEntropy {
    /// lse (N) = log Σ_j e^logits[i, j]; losses (N) = lse − logits[i, target]. Returns the mean loss.
    @_specialize(where T == Float)
    static func forward<T: ModelScalar>(logits: UnsafePointer<T>, lse: UnsafeMutablePointer<T>, losses: UnsafeMutablePointer<T>,
                                        targets: UnsafePointer<Int32>, N: Int, V: Int) -> T {
        Parallel.forRanges(N, grain: 4) { rows in
            for i in rows {
                let row = logits + i * V
                let maximum = Vector.max(row, V)
                lse[i] = maximum + T.log(Vector.sumExp(row, V, minus: maximum))
                losses[i] = lse[i] - row[Int(targets[i])]
            }
        }
        var total: T = 0
        for i in 0..<N { total += losses[i] }
        return total / T(N)
    }

    /// dlogits (N, V) = (softmax(logits) − onehot(target)) · dloss, in place over the logits
    /// (dloss = 1/(N·accumulation steps) for the mean loss).
    @_specialize(where T == Float)
    static func backward<T: ModelScalar>(logits: UnsafeMutablePointer<T>, lse: UnsafePointer<T>, targets: UnsafePointer<Int32>,
                                         dloss: T, N: Int, V: Int) {
        Parallel.forRanges(N, grain: 4) { rows in
            for i in rows {
                let row = logits + i * V, shift = lse[i]
                Vector.map(0..<V) { j, k in
                    Vector.store(T.exp(Vector.load(row + j, k) - shift) * dloss, row + j, k)
                }
                row[Int(targets[i])] -= dloss
            }
        }
    }
}
