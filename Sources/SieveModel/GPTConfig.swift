/// The sizes of a GPT-2 model (Radford et al. 2019): pre-LayerNorm blocks, GELU MLP of width 4C,
/// learned positions, embeddings tied with the output layer. Stored as `config.json` beside a
/// checkpoint with Hugging Face's GPT-2 keys, so `transformers` reads it.
public struct GPTConfig: Codable, Equatable, Sendable {
    public var vocabSize: Int
    /// Longest context (number of learned positions).
    public var contextLength: Int
    public var layers: Int
    public var heads: Int
    public var channels: Int
    /// How token ids map to text: "bytes" (ids 0–255 are bytes, 256 is end-of-text) or a path to a
    /// tokenizer.json; nil when unknown.
    public var tokenizer: String?

    public init(vocabSize: Int, contextLength: Int, layers: Int, heads: Int, channels: Int, tokenizer: String? = nil) {
        self.vocabSize = vocabSize
        self.contextLength = contextLength
        self.layers = layers
        self.heads = heads
        self.channels = channels
        self.tokenizer = tokenizer
    }

    enum CodingKeys: String, CodingKey {
        case vocabSize = "vocab_size", contextLength = "n_positions", layers = "n_layer", heads = "n_head",
             channels = "n_embd", tokenizer = "sieve_tokenizer", modelType = "model_type", architectures,
             bos = "bos_token_id", eos = "eos_token_id"
    }

    public init(from decoder: any Swift.Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        vocabSize = try c.decode(Int.self, forKey: .vocabSize)
        contextLength = try c.decode(Int.self, forKey: .contextLength)
        layers = try c.decode(Int.self, forKey: .layers)
        heads = try c.decode(Int.self, forKey: .heads)
        channels = try c.decode(Int.self, forKey: .channels)
        tokenizer = try c.decodeIfPresent(String.self, forKey: .tokenizer)
    }

    public func encode(to encoder: any Swift.Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode("gpt2", forKey: .modelType)
        try c.encode(["GPT2LMHeadModel"], forKey: .architectures)
        try c.encode(vocabSize, forKey: .vocabSize)
        try c.encode(contextLength, forKey: .contextLength)
        try c.encode(layers, forKey: .layers)
        try c.encode(heads, forKey: .heads)
        try c.encode(channels, forKey: .channels)
        try c.encodeIfPresent(tokenizer, forKey: .tokenizer)
        if tokenizer == "bytes" {  // end-of-text of the byte vocabulary (transformers defaults to GPT-2's 50256)
            try c.encode(ByteTokens.endOfText, forKey: .bos)
            try c.encode(ByteTokens.endOfText, forKey: .eos)
        }
    }

    /// Why these sizes cannot make a model, or nil.
    public var problem: String? {
        if vocabSize < 1 || contextLength < 1 || layers < 1 || heads < 1 || channels < 1 { return "every size must be at least 1" }
        if channels % heads != 0 { return "width \(channels) is not a multiple of heads \(heads)" }
        return nil
    }

    /// The number of parameters (embeddings counted once: they are tied).
    public var parameterCount: Int { ParameterLayout(self).count }

    /// Model FLOPs per token for one training step (forward + backward), PaLM's count
    /// (Chowdhery et al. 2022, appendix B): 6·N + 12·L·C·T, with N every parameter used in a product.
    public func trainingFLOPsPerToken(sequenceLength: Int) -> Double {
        let matrices = Double(layers * 12 * channels * channels + vocabSize * channels)
        return 6 * matrices + 12 * Double(layers * channels * sequenceLength)
    }
}
