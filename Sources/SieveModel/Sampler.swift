/// Text generation from a trained model: each new token is drawn from softmax(logits / temperature)
/// restricted to the `topK` most likely tokens (Fan et al. 2018, top-k sampling); temperature 0
/// takes the most likely token. The context slides over the last `contextLength` tokens.
public struct Sampler {
    public let model: GPT<Float>
    public var temperature: Double
    public var topK: Int
    private var rng: SplitMix64

    public init(model: GPT<Float>, temperature: Double = 1, topK: Int = 40, seed: UInt64 = 1337) {
        self.model = model
        self.temperature = temperature
        self.topK = topK
        rng = SplitMix64(seed: seed)
    }

    /// Generates up to `maxTokens` after `prompt` (non-empty), calling `emit` with each; stops early
    /// at `stop`. Returns the new tokens.
    @discardableResult
    public mutating func generate(prompt: [Int32], maxTokens: Int, stop: Int32? = nil, emit: (Int32) -> Void = { _ in }) -> [Int32] {
        precondition(!prompt.isEmpty, "the prompt needs at least one token")
        let V = model.config.vocabSize
        var tokens = prompt, produced: [Int32] = []
        for _ in 0..<maxTokens {
            let context = Array(tokens.suffix(model.maxLength))
            model.forward(tokens: context, targets: nil, B: 1, T: context.count)
            let logits = UnsafeBufferPointer(start: model.logits + (context.count - 1) * V, count: V)
            let next = pick(logits)
            if next == stop { break }
            tokens.append(next)
            produced.append(next)
            emit(next)
        }
        return produced
    }

    /// Draws a token from one row of logits.
    mutating func pick(_ logits: UnsafeBufferPointer<Float>) -> Int32 {
        var order = Array(0..<logits.count)
        if temperature <= 0 { return Int32(order.max { logits[$0] < logits[$1] }!) }
        if topK > 0 && topK < logits.count {
            order.sort { logits[$0] > logits[$1] || (logits[$0] == logits[$1] && $0 < $1) }
            order.removeLast(order.count - topK)
        }
        let top = order.map { Double(logits[$0]) }.max()!
        let weights = order.map { Double.exp((Double(logits[$0]) - top) / temperature) }
        var u = rng.uniform() * weights.reduce(0, +)
        for (i, w) in zip(order, weights) {
            u -= w
            if u < 0 { return Int32(i) }
        }
        return Int32(order.last!)
    }
}

#if canImport(Glibc)
import Glibc
#endif
import SieveCore

/// `sieve generate`: loads a checkpoint and streams a continuation to standard output.
public enum Generation {
    public static func run(checkpoint: String, prompt: String?, promptTokens: String?, maxTokens: Int,
                           temperature: Double, topK: Int, seed: UInt64, threads: Int) throws {
        BLAS.threads = threads
        Parallel.threads = threads
        var directory = checkpoint
        if FileSystem.exists(checkpoint + "/checkpoints/latest") {
            directory = checkpoint + "/checkpoints/" + (try FileSystem.readText(checkpoint + "/checkpoints/latest")).filter { !$0.isWhitespace }
        }
        let model = try Checkpoint.loadModel(directory)
        let bytes = model.config.tokenizer == "bytes"
        var tokens: [Int32]
        if let promptTokens {
            tokens = try promptTokens.split(separator: ",").map { part in
                guard let id = Int32(part.filter { !$0.isWhitespace }), id >= 0, Int(id) < model.config.vocabSize else {
                    throw SieveError.usage("--prompt-tokens: '\(part)' is not a token id below \(model.config.vocabSize)")
                }
                return id
            }
        } else if let prompt {
            guard bytes else {
                throw SieveError.usage("this checkpoint's tokenizer is \(model.config.tokenizer ?? "unknown"): give --prompt-tokens")
            }
            tokens = ByteTokens.encode(Array(prompt.utf8))
        } else {
            tokens = []
        }
        if tokens.isEmpty { tokens = [bytes ? ByteTokens.endOfText : 0] }
        func out(_ data: [UInt8]) { data.withUnsafeBytes { _ = write(1, $0.baseAddress, $0.count) } }
        if bytes, let prompt { out(Array(prompt.utf8)) }
        var sampler = Sampler(model: model, temperature: temperature, topK: topK, seed: seed)
        sampler.generate(prompt: tokens, maxTokens: maxTokens, stop: bytes ? ByteTokens.endOfText : nil) { token in
            out(bytes ? ByteTokens.decode([token]) : Array("\(token) ".utf8))
        }
        out([0x0A])
    }
}
