/// AdamW (Loshchilov & Hutter 2019, "Decoupled Weight Decay Regularization"), as PyTorch's
/// `torch.optim.AdamW`: θ ← θ·(1 − lr·λ) for matrices only (not biases and norms), then the Adam
/// step with bias-corrected moments, θ ← θ − lr·m̂/(√v̂ + ε).
public final class AdamW {
    public struct Options: Codable, Equatable, Sendable {
        public var beta1 = 0.9, beta2 = 0.95, epsilon = 1e-8, weightDecay = 0.1
        public init() {}
    }

    public var options: Options
    /// First and second moments, in the parameters' layout.
    public let m: ParameterTensors<Float>, v: ParameterTensors<Float>
    /// The number of updates done so far (the bias corrections use it).
    public var steps = 0

    public init(layout: ParameterLayout, options: Options = Options()) {
        self.options = options
        m = ParameterTensors(layout)
        v = ParameterTensors(layout)
    }

    /// One update of `params` from `grads` × `gradScale` (the clipping factor).
    public func update(params: ParameterTensors<Float>, grads: ParameterTensors<Float>, lr: Float, gradScale: Float = 1) {
        steps += 1
        let b1 = Float(options.beta1), b2 = Float(options.beta2), eps = Float(options.epsilon)
        let correction1 = 1 - Float(Double.pow(options.beta1, steps)), correction2 = 1 - Float(Double.pow(options.beta2, steps))
        let (p, g, m, v) = (params.data, grads.data, self.m.data, self.v.data)
        for e in params.layout.entries {
            let decay: Float = e.decays ? 1 - lr * Float(options.weightDecay) : 1
            let base = e.offset
            Parallel.forRanges(e.count, grain: 8192) { range in
                for i in (base + range.lowerBound)..<(base + range.upperBound) {
                    let grad = g[i] * gradScale
                    m[i] = b1 * m[i] + (1 - b1) * grad
                    v[i] = b2 * v[i] + (1 - b2) * grad * grad
                    p[i] = p[i] * decay - lr * (m[i] / correction1) / ((v[i] / correction2).squareRoot() + eps)
                }
            }
        }
    }

    /// The global L2 norm of `grads`, summed in a fixed order.
    public static func norm(_ grads: ParameterTensors<Float>) -> Double {
        let g = grads.data
        return Parallel.sum(grads.count) { range in
            var s: Float = 0
            for i in range { s += g[i] * g[i] }
            return Double(s)
        }.squareRoot()
    }
}

extension Double {
    static func pow(_ x: Double, _ n: Int) -> Double { (0..<n).reduce(1) { r, _ in r * x } }
}
