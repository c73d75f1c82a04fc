import SieveCore
import Testing
@testable import SieveModel

/// Every backward function against central finite differences, in double precision, on small
/// shapes: for L = Σ out ⊙ R (R random), backward with dout = R must give ∂L/∂input.
@Suite struct GradientCheckTests {
    var rng = SplitMix64(seed: 7)

    mutating func random(_ count: Int, scale: Double = 1) -> [Double] {
        (0..<count).map { _ in rng.normal() * scale }
    }

    /// Compares `analytic` with (f(x + h) − f(x − h)) / 2h for every element of `x`.
    func expectGradient(_ name: String, _ x: [Double], _ analytic: [Double], sourceLocation: SourceLocation = #_sourceLocation,
                        _ f: ([Double]) -> Double) {
        #expect(x.count == analytic.count)
        let h = 1e-6
        var worst = 0.0
        for i in x.indices {
            var plus = x, minus = x
            plus[i] += h
            minus[i] -= h
            let numeric = (f(plus) - f(minus)) / (2 * h)
            worst = max(worst, abs(numeric - analytic[i]) / max(1, abs(numeric)))
        }
        #expect(worst < 1e-6, "\(name): worst relative error \(worst)", sourceLocation: sourceLocation)
    }

    func dot(_ a: [Double], _ b: [Double]) -> Double { zip(a, b).reduce(0) { $0 + $1.0 * $1.1 } }

    @Test mutating func encoder() {
        let (B, T, C, V) = (2, 3, 4, 5)
        let tokens: [Int32] = [1, 4, 1, 0, 2, 1]
        let wte = random(V * C), wpe = random(T * C), r = random(B * T * C)
        func f(_ wte: [Double], _ wpe: [Double]) -> Double {
            var out = [Double](repeating: 0, count: B * T * C)
            Encoder.forward(out: &out, tokens: tokens, wte: wte, wpe: wpe, B: B, T: T, C: C)
            return dot(out, r)
        }
        var dwte = [Double](repeating: 0, count: V * C), dwpe = [Double](repeating: 0, count: T * C)
        Encoder.backward(dwte: &dwte, dwpe: &dwpe, dout: r, tokens: tokens, B: B, T: T, C: C)
        expectGradient("wte", wte, dwte) { f($0, wpe) }
        expectGradient("wpe", wpe, dwpe) { f(wte, $0) }
    }

    @Test mutating func layerNorm() {
        let (N, C) = (5, 6)
        let x = random(N * C, scale: 2), w = random(C), b = random(C), r = random(N * C)
        func f(_ x: [Double], _ w: [Double], _ b: [Double]) -> Double {
            var out = [Double](repeating: 0, count: N * C), mean = [Double](repeating: 0, count: N), rstd = mean
            LayerNorm.forward(out: &out, mean: &mean, rstd: &rstd, inp: x, weight: w, bias: b, N: N, C: C)
            return dot(out, r)
        }
        var out = [Double](repeating: 0, count: N * C), mean = [Double](repeating: 0, count: N), rstd = mean
        LayerNorm.forward(out: &out, mean: &mean, rstd: &rstd, inp: x, weight: w, bias: b, N: N, C: C)
        var dx = [Double](repeating: 0, count: N * C), dw = [Double](repeating: 0, count: C), db = dw
        LayerNorm.backward(dinp: &dx, dweight: &dw, dbias: &db, dout: r, inp: x, weight: w, mean: mean, rstd: rstd, N: N, C: C)
        expectGradient("inp", x, dx) { f($0, w, b) }
        expectGradient("weight", w, dw) { f(x, $0, b) }
        expectGradient("bias", b, db) { f(x, w, $0) }
    }

    @Test mutating func linear() {
        let (N, C, OC) = (5, 4, 3)
        let x = random(N * C), w = random(C * OC), b = random(OC), r = random(N * OC)
        func f(_ x: [Double], _ w: [Double], _ b: [Double]) -> Double {
            var out = [Double](repeating: 0, count: N * OC)
            Linear.forward(out: &out, inp: x, weight: w, bias: b, N: N, C: C, OC: OC)
            return dot(out, r)
        }
        var dx = [Double](repeating: 0, count: N * C), dw = [Double](repeating: 0, count: C * OC), db = [Double](repeating: 0, count: OC)
        Linear.backward(dinp: &dx, dweight: &dw, dbias: &db, dout: r, inp: x, weight: w, N: N, C: C, OC: OC)
        expectGradient("inp", x, dx) { f($0, w, b) }
        expectGradient("weight", w, dw) { f(x, $0, b) }
        expectGradient("bias", b, db) { f(x, w, $0) }
    }

    /// With causal blocks of 2 rows over T = 5 (uneven last block) and one block covering everything.
    @Test(arguments: [2, 64]) mutating func attention(block: Int) {
        let (B, T, C, NH) = (2, 5, 6, 2)
        let qkv = random(B * T * 3 * C), r = random(B * T * C)
        func f(_ qkv: [Double]) -> Double {
            var out = [Double](repeating: 0, count: B * T * C), att = [Double](repeating: 0, count: B * NH * T * T)
            Attention.forward(out: &out, att: &att, qkv: qkv, B: B, T: T, C: C, NH: NH, block: block)
            return dot(out, r)
        }
        var out = [Double](repeating: 0, count: B * T * C), att = [Double](repeating: 0, count: B * NH * T * T)
        Attention.forward(out: &out, att: &att, qkv: qkv, B: B, T: T, C: C, NH: NH, block: block)
        var dqkv = [Double](repeating: 0, count: B * T * 3 * C), datt = att
        Attention.backward(dqkv: &dqkv, datt: &datt, dout: r, qkv: qkv, att: att, B: B, T: T, C: C, NH: NH, block: block)
        expectGradient("qkv", qkv, dqkv, f)
    }

    @Test mutating func gelu() {
        let x = random(40, scale: 2), r = random(40)
        func f(_ x: [Double]) -> Double {
            var out = [Double](repeating: 0, count: x.count)
            GELU.forward(out: &out, inp: x, N: x.count)
            return dot(out, r)
        }
        var dx = r
        dx.withUnsafeMutableBufferPointer { d in GELU.backward(dinp: d.baseAddress!, inp: x, dout: d.baseAddress!, N: x.count) }
        expectGradient("inp", x, dx, f)
    }

    @Test mutating func crossEntropy() {
        let (N, V) = (4, 7)
        let logits = random(N * V, scale: 3)
        let targets: [Int32] = [0, 6, 3, 3]
        func f(_ x: [Double]) -> Double {
            var lse = [Double](repeating: 0, count: N), losses = lse
            return CrossEntropy.forward(logits: x, lse: &lse, losses: &losses, targets: targets, N: N, V: V)
        }
        var grad = logits, lse = [Double](repeating: 0, count: N), losses = lse
        _ = CrossEntropy.forward(logits: grad, lse: &lse, losses: &losses, targets: targets, N: N, V: V)
        CrossEntropy.backward(logits: &grad, lse: lse, targets: targets, dloss: 1 / Double(N), N: N, V: V)
        expectGradient("logits", logits, grad, f)
    }

    /// The whole model: every parameter of a tiny two-block GPT.
    @Test func wholeModel() {
        let config = GPTConfig(vocabSize: 11, contextLength: 5, layers: 2, heads: 2, channels: 4)
        let (B, T) = (2, 4)
        let model = GPT<Double>(config: config, batch: B, length: T)
        model.initialize(seed: 3)
        var rng = SplitMix64(seed: 5)
        // Larger weights than GPT-2's initialisation, so every path carries a visible gradient.
        for i in 0..<model.params.count { model.params.data[i] += rng.normal() * 0.3 }
        let tokens: [Int32] = [1, 2, 3, 4, 10, 9, 8, 7], targets: [Int32] = [2, 3, 4, 5, 9, 8, 7, 0]
        model.grads.zero()
        model.forward(tokens: tokens, targets: targets, B: B, T: T)
        model.backward()
        let analytic = Array(model.grads.buffer)
        let x = Array(model.params.buffer)
        expectGradient("parameters", x, analytic) { p in
            for i in p.indices { model.params.data[i] = p[i] }
            return model.forward(tokens: tokens, targets: targets, B: B, T: T)
        }
    }

    /// Gradient accumulation: backward on two micro-batches with lossScale ½ adds up to the mean of
    /// their separate gradients.
    @Test func accumulationAveragesMicroBatches() {
        let config = GPTConfig(vocabSize: 11, contextLength: 4, layers: 1, heads: 2, channels: 4)
        let model = GPT<Double>(config: config, batch: 1, length: 4)
        model.initialize(seed: 4)
        let batches: [([Int32], [Int32])] = [([1, 2, 3, 4], [2, 3, 4, 5]), ([9, 8, 7, 6], [8, 7, 6, 5])]
        var separate: [[Double]] = []
        for (x, y) in batches {
            model.grads.zero()
            model.forward(tokens: x, targets: y, B: 1, T: 4)
            model.backward()
            separate.append(Array(model.grads.buffer))
        }
        model.grads.zero()
        for (x, y) in batches {
            model.forward(tokens: x, targets: y, B: 1, T: 4)
            model.backward(lossScale: 0.5)
        }
        let accumulated = Array(model.grads.buffer)
        let worst = accumulated.indices.map { abs(accumulated[$0] - (separate[0][$0] + separate[1][$0]) / 2) }.max()!
        #expect(worst < 1e-12)
        #expect(separate[0] != separate[1])
    }

    @Test func fastExpIsAccurate() {
        var worst: Float = 0
        for i in 0...20000 {
            let x = Float(i) / 20000 * 170 - 87
            let exact = Float(Double.exp(Double(x)))
            worst = max(worst, abs(Float.exp(x) - exact) / exact)
        }
        #expect(worst < 5e-7)
    }
}
