/// Softmax and cross-entropy over the vocabulary, fused (llm.c's `softmax_forward`,
/// `crossentropy_forward` and `crossentropy_softmax_backward`), in place in the logits buffer:
/// logits → probabilities → gradients.
enum CrossEntropy {
    /// probs (N, V) = softmax(logits) in place; losses (N) = −log probs[target]. Returns the mean loss.
    static func forward<T: ModelScalar>(logits probs: UnsafeMutablePointer<T>, losses: UnsafeMutablePointer<T>,
                                        targets: UnsafePointer<Int32>, N: Int, V: Int) -> T {
        Parallel.forRanges(N, grain: 4) { rows in
            for i in rows {
                let row = probs + i * V
                let maximum = Vector.max(row, V)
                let target = row[Int(targets[i])] - maximum
                let sum = Vector.expInPlace(row, V, minus: maximum)
                let inverse = 1 / sum
                for j in 0..<V { row[j] *= inverse }
                losses[i] = T.log(sum) - target
            }
        }
        var total: T = 0
        for i in 0..<N { total += losses[i] }
        return total / T(N)
    }

    /// dlogits (N, V) = (probs − onehot(target)) · dloss, in place over the probabilities
    /// (dloss = 1/(N·accumulation steps) for the mean loss).
    static func backward<T: ModelScalar>(probs: UnsafeMutablePointer<T>, targets: UnsafePointer<Int32>, dloss: T, N: Int, V: Int) {
        Parallel.forRanges(N, grain: 4) { rows in
            for i in rows {
                let row = probs + i * V
                row[Int(targets[i])] -= 1
                for j in 0..<V { row[j] *= dloss }
            }
        }
    }
}
