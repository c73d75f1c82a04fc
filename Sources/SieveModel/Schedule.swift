#if canImport(Glibc)
import Glibc
#endif

/// The learning rate at each step: linear warmup to `maxLR` over `warmup` steps, then cosine decay
/// to `minLR` at the last step (Loshchilov & Hutter 2017, SGDR, without restarts; GPT-2/3 recipes).
public struct LearningRateSchedule: Sendable {
    public var maxLR: Double, minLR: Double, warmup: Int, steps: Int

    public init(maxLR: Double, minLR: Double, warmup: Int, steps: Int) {
        (self.maxLR, self.minLR, self.warmup, self.steps) = (maxLR, minLR, warmup, steps)
    }

    /// The rate for step `step` (0-based).
    public func rate(at step: Int) -> Double {
        if step < warmup { return maxLR * Double(step + 1) / Double(warmup) }
        let span = Swift.max(steps - warmup, 1)
        let progress = Swift.min(Double(step - warmup) / Double(span), 1)
        return minLR + 0.5 * (maxLR - minLR) * (1 + cos(Double.pi * progress))
    }
}
