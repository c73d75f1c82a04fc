/// Where each named tensor of a GPT lives in one flat buffer. Names and shapes are Hugging Face
/// GPT-2's (`wte.weight`, `h.0.attn.c_attn.weight` of shape (C, 3C), …): Conv1D weights are
/// in × out, so a checkpoint loads into `GPT2LMHeadModel` as it is.
public struct ParameterLayout: Sendable {
    public struct Entry: Sendable {
        public var name: String
        public var shape: [Int]
        public var offset: Int
        public var count: Int { shape.reduce(1, *) }
        /// Weight decay applies to matrices (embeddings and linear weights), not to biases and norms.
        public var decays: Bool { shape.count == 2 }
    }

    public private(set) var entries: [Entry] = []
    public private(set) var count = 0

    public init(_ config: GPTConfig) {
        let C = config.channels
        add("wte.weight", [config.vocabSize, C])
        add("wpe.weight", [config.contextLength, C])
        for l in 0..<config.layers {
            let p = "h.\(l)."
            add(p + "ln_1.weight", [C]); add(p + "ln_1.bias", [C])
            add(p + "attn.c_attn.weight", [C, 3 * C]); add(p + "attn.c_attn.bias", [3 * C])
            add(p + "attn.c_proj.weight", [C, C]); add(p + "attn.c_proj.bias", [C])
            add(p + "ln_2.weight", [C]); add(p + "ln_2.bias", [C])
            add(p + "mlp.c_fc.weight", [C, 4 * C]); add(p + "mlp.c_fc.bias", [4 * C])
            add(p + "mlp.c_proj.weight", [4 * C, C]); add(p + "mlp.c_proj.bias", [C])
        }
        add("ln_f.weight", [C]); add("ln_f.bias", [C])
    }

    private mutating func add(_ name: String, _ shape: [Int]) {
        entries.append(Entry(name: name, shape: shape, offset: count))
        count += shape.reduce(1, *)
    }
}

/// A flat buffer of model scalars (parameters, their gradients or optimizer moments), with
/// pointers to each tensor of a block.
public final class ParameterTensors<T: ModelScalar>: @unchecked Sendable {
    public let layout: ParameterLayout
    public let data: UnsafeMutablePointer<T>
    public var count: Int { layout.count }

    public init(_ layout: ParameterLayout) {
        self.layout = layout
        data = .allocate(capacity: layout.count)
        data.initialize(repeating: 0, count: layout.count)
    }

    deinit { data.deallocate() }

    public var buffer: UnsafeMutableBufferPointer<T> { UnsafeMutableBufferPointer(start: data, count: count) }

    public func zero() { data.update(repeating: 0, count: count) }

    /// The tensors of one transformer block, in the layout's order.
    struct Block {
        var ln1w, ln1b, qkvw, qkvb, attprojw, attprojb, ln2w, ln2b, fcw, fcb, fcprojw, fcprojb: UnsafeMutablePointer<T>
    }

    var wte: UnsafeMutablePointer<T> { data + layout.entries[0].offset }
    var wpe: UnsafeMutablePointer<T> { data + layout.entries[1].offset }
    var lnfw: UnsafeMutablePointer<T> { data + layout.entries[layout.entries.count - 2].offset }
    var lnfb: UnsafeMutablePointer<T> { data + layout.entries[layout.entries.count - 1].offset }

    func block(_ l: Int) -> Block {
        let e = layout.entries, base = 2 + 12 * l
        func p(_ k: Int) -> UnsafeMutablePointer<T> { data + e[base + k].offset }
        return Block(ln1w: p(0), ln1b: p(1), qkvw: p(2), qkvb: p(3), attprojw: p(4), attprojb: p(5),
                     ln2w: p(6), ln2b: p(7), fcw: p(8), fcb: p(9), fcprojw: p(10), fcprojb: p(11))
    }
}
