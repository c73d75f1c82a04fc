import SieveCore

/// A GPT-2 model (Radford et al. 2019) with its parameters, gradients and activations, trained by
/// hand-written forward and backward passes (the structure of Karpathy's llm.c `train_gpt2.c`):
/// x = wte[tokens] + wpe; per block x += attn(ln_1(x)); x += mlp(ln_2(x)); logits = ln_f(x)·wteᵀ.
/// Activations are allocated once for a batch of B sequences of T tokens; a forward pass may use
/// fewer (generation).
public final class GPT<Scalar: ModelScalar>: @unchecked Sendable {
    public let config: GPTConfig
    public let params: ParameterTensors<Scalar>
    public let grads: ParameterTensors<Scalar>
    /// The batch size and sequence length the activations were allocated for.
    public let maxBatch: Int, maxLength: Int

    private var allocations: [UnsafeMutableRawPointer] = []
    private let tokens: UnsafeMutablePointer<Int32>, targets: UnsafeMutablePointer<Int32>
    private let encoded: UnsafeMutablePointer<Scalar>
    private let ln1, ln1Mean, ln1Rstd, qkv, atty, att, residual2, ln2, ln2Mean, ln2Rstd, fch, fchGelu, residual3: [UnsafeMutablePointer<Scalar>]
    private let lnf, lnfMean, lnfRstd: UnsafeMutablePointer<Scalar>
    /// (B, T, V): logits after forward; their gradients after backward.
    public let logits: UnsafeMutablePointer<Scalar>
    private let losses, lse: UnsafeMutablePointer<Scalar>
    // Backward scratch.
    private let dresidual, dsmall, dbig, dqkv, datt: UnsafeMutablePointer<Scalar>
    /// The B and T of the last forward pass, and whether it computed the loss.
    private var lastB = 0, lastT = 0, hasTargets = false

    public init(config: GPTConfig, batch B: Int, length T: Int) {
        precondition(config.problem == nil && T <= config.contextLength && B >= 1 && T >= 1)
        self.config = config
        let layout = ParameterLayout(config)
        params = ParameterTensors(layout)
        grads = ParameterTensors(layout)
        maxBatch = B
        maxLength = T
        let N = B * T, C = config.channels, L = config.layers, NH = config.heads
        var allocations: [UnsafeMutableRawPointer] = []
        func buffer<E: Numeric>(_ count: Int, _: E.Type = Scalar.self) -> UnsafeMutablePointer<E> {
            let p = UnsafeMutablePointer<E>.allocate(capacity: count)
            p.initialize(repeating: 0, count: count)
            allocations.append(UnsafeMutableRawPointer(p))
            return p
        }
        func perLayer(_ count: Int) -> [UnsafeMutablePointer<Scalar>] { (0..<L).map { _ in buffer(count) } }
        tokens = buffer(N, Int32.self)
        targets = buffer(N, Int32.self)
        encoded = buffer(N * C)
        ln1 = perLayer(N * C); ln1Mean = perLayer(N); ln1Rstd = perLayer(N)
        qkv = perLayer(N * 3 * C); atty = perLayer(N * C); att = perLayer(B * NH * T * T)
        residual2 = perLayer(N * C); ln2 = perLayer(N * C); ln2Mean = perLayer(N); ln2Rstd = perLayer(N)
        fch = perLayer(N * 4 * C); fchGelu = perLayer(N * 4 * C); residual3 = perLayer(N * C)
        lnf = buffer(N * C); lnfMean = buffer(N); lnfRstd = buffer(N)
        logits = buffer(N * config.vocabSize)
        losses = buffer(N)
        lse = buffer(N)
        dresidual = buffer(N * C); dsmall = buffer(N * C); dbig = buffer(N * 4 * C); dqkv = buffer(N * 3 * C)
        datt = buffer(B * NH * T * T)
        self.allocations = allocations
    }

    deinit { for p in allocations { p.deallocate() } }

    /// GPT-2's initialisation (as in llm.c and nanoGPT): weights 𝒩(0, 0.02), the two residual
    /// projections per block 𝒩(0, 0.02/√(2L)), biases 0, LayerNorm gains 1.
    public func initialize(seed: UInt64) {
        var rng = SplitMix64(seed: seed)
        let residualStd = 0.02 / (2 * Double(config.layers)).squareRoot()
        for e in params.layout.entries {
            let p = params.data + e.offset
            if e.name.hasSuffix("weight") && e.shape.count == 1 {
                p.update(repeating: 1, count: e.count)
            } else if e.shape.count == 1 {
                p.update(repeating: 0, count: e.count)
            } else {
                let std = e.name.hasSuffix("c_proj.weight") ? residualStd : 0.02
                for i in 0..<e.count { p[i] = Scalar(rng.normal() * std) }
            }
        }
    }

    /// Runs the model on tokens (B, T), leaving the logits (B, T, V) in `logits`; with targets
    /// (B, T), returns the mean cross-entropy loss and keeps what backward needs.
    @discardableResult
    @_specialize(where Scalar == Float)
    public func forward(tokens input: UnsafePointer<Int32>, targets target: UnsafePointer<Int32>?, B: Int, T: Int) -> Scalar {
        precondition(B <= maxBatch && T <= maxLength)
        let N = B * T, C = config.channels, V = config.vocabSize, NH = config.heads
        tokens.update(from: input, count: N)
        lastB = B; lastT = T; hasTargets = target != nil
        Encoder.forward(out: encoded, tokens: tokens, wte: params.wte, wpe: params.wpe, B: B, T: T, C: C)
        var residual = encoded
        for l in 0..<config.layers {
            let w = params.block(l)
            LayerNorm.forward(out: ln1[l], mean: ln1Mean[l], rstd: ln1Rstd[l], inp: residual, weight: w.ln1w, bias: w.ln1b, N: N, C: C)
            Linear.forward(out: qkv[l], inp: ln1[l], weight: w.qkvw, bias: w.qkvb, N: N, C: C, OC: 3 * C)
            Attention.forward(out: atty[l], att: att[l], qkv: qkv[l], B: B, T: T, C: C, NH: NH)
            residual2[l].update(from: residual, count: N * C)
            Linear.forward(out: residual2[l], inp: atty[l], weight: w.attprojw, bias: w.attprojb, N: N, C: C, OC: C, accumulate: true)
            LayerNorm.forward(out: ln2[l], mean: ln2Mean[l], rstd: ln2Rstd[l], inp: residual2[l], weight: w.ln2w, bias: w.ln2b, N: N, C: C)
            Linear.forward(out: fch[l], inp: ln2[l], weight: w.fcw, bias: w.fcb, N: N, C: C, OC: 4 * C)
            GELU.forward(out: fchGelu[l], inp: fch[l], N: N * 4 * C)
            residual3[l].update(from: residual2[l], count: N * C)
            Linear.forward(out: residual3[l], inp: fchGelu[l], weight: w.fcprojw, bias: w.fcprojb, N: N, C: 4 * C, OC: C, accumulate: true)
            residual = residual3[l]
        }
        LayerNorm.forward(out: lnf, mean: lnfMean, rstd: lnfRstd, inp: residual, weight: params.lnfw, bias: params.lnfb, N: N, C: C)
        // logits (N, V) = lnf (N, C) · wteᵀ (tied embeddings)
        Scalar.gemm(transA: false, transB: true, m: N, n: V, k: C, alpha: 1, a: lnf, lda: C, b: params.wte, ldb: C,
                    beta: 0, c: logits, ldc: V)
        guard let target else { return 0 }
        targets.update(from: target, count: N)
        return CrossEntropy.forward(logits: logits, lse: lse, losses: losses, targets: targets, N: N, V: V)
    }

    /// Adds the gradient of `lossScale` × (the mean loss of the last forward pass) to `grads`.
    /// With gradient accumulation over k micro-batches, lossScale = 1/k.
    @_specialize(where Scalar == Float)
    public func backward(lossScale: Scalar = 1) {
        precondition(hasTargets, "backward needs a forward pass with targets")
        let B = lastB, T = lastT, N = B * T, C = config.channels, V = config.vocabSize, NH = config.heads
        CrossEntropy.backward(logits: logits, lse: lse, targets: targets, dloss: lossScale / Scalar(N), N: N, V: V)
        // dlnf (N, C) = dlogits · wte; dwte += dlogitsᵀ · lnf
        Scalar.gemm(transA: false, transB: false, m: N, n: C, k: V, alpha: 1, a: logits, lda: V, b: params.wte, ldb: C,
                    beta: 0, c: dsmall, ldc: C)
        Scalar.gemm(transA: true, transB: false, m: V, n: C, k: N, alpha: 1, a: logits, lda: V, b: lnf, ldb: C,
                    beta: 1, c: grads.wte, ldc: C)
        let last = config.layers - 1
        dresidual.update(repeating: 0, count: N * C)
        LayerNorm.backward(dinp: dresidual, dweight: grads.lnfw, dbias: grads.lnfb, dout: dsmall, inp: residual3[last],
                           weight: params.lnfw, mean: lnfMean, rstd: lnfRstd, N: N, C: C)
        for l in stride(from: last, through: 0, by: -1) {
            let w = params.block(l), g = grads.block(l)
            let input = l == 0 ? encoded : residual3[l - 1]
            // MLP: dresidual is d(residual3); it becomes d(residual2) when ln_2's part is added.
            Linear.backward(dinp: dbig, dweight: g.fcprojw, dbias: g.fcprojb, dout: dresidual, inp: fchGelu[l], weight: w.fcprojw,
                            N: N, C: 4 * C, OC: C)
            GELU.backward(dinp: dbig, inp: fch[l], dout: dbig, N: N * 4 * C)
            Linear.backward(dinp: dsmall, dweight: g.fcw, dbias: g.fcb, dout: dbig, inp: ln2[l], weight: w.fcw, N: N, C: C, OC: 4 * C)
            LayerNorm.backward(dinp: dresidual, dweight: g.ln2w, dbias: g.ln2b, dout: dsmall, inp: residual2[l], weight: w.ln2w,
                               mean: ln2Mean[l], rstd: ln2Rstd[l], N: N, C: C)
            // Attention: dresidual becomes d(input) when ln_1's part is added.
            Linear.backward(dinp: dsmall, dweight: g.attprojw, dbias: g.attprojb, dout: dresidual, inp: atty[l], weight: w.attprojw,
                            N: N, C: C, OC: C)
            Attention.backward(dqkv: dqkv, datt: datt, dout: dsmall, qkv: qkv[l], att: att[l], B: B, T: T, C: C, NH: NH)
            Linear.backward(dinp: dsmall, dweight: g.qkvw, dbias: g.qkvb, dout: dqkv, inp: ln1[l], weight: w.qkvw, N: N, C: C, OC: 3 * C)
            LayerNorm.backward(dinp: dresidual, dweight: g.ln1w, dbias: g.ln1b, dout: dsmall, inp: input, weight: w.ln1w,
                               mean: ln1Mean[l], rstd: ln1Rstd[l], N: N, C: C)
        }
        Encoder.backward(dwte: grads.wte, dwpe: grads.wpe, dout: dresidual, tokens: tokens, B: B, T: T, C: C)
        hasTargets = false
    }
}
