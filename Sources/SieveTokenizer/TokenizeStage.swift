import SieveCore

/// The `tokenize` step: encodes each document's text and writes the tokens to llm.c shards
/// (`TokenShardWriter`); documents pass on unchanged. Counts `documents`, `tokens` and, at the
/// end, `shards`. With `threads` > 1 a batch is encoded on that many threads.
public struct TokenizeStage: Stage {
    public let writer: TokenShardWriter
    public let allowSpecial: Bool
    private var encoders: [Encoder]
    private var encoded: [[UInt32]] = []

    public init(tokenizer: Tokenizer, writer: TokenShardWriter, allowSpecial: Bool = false, threads: Int = 1) {
        self.writer = writer
        self.allowSpecial = allowSpecial
        encoders = (0..<max(1, threads)).map { _ in Encoder(tokenizer) }
    }

    public mutating func process(_ batch: consuming [Document], into output: inout [Document], stats: inout StageStats) throws {
        let docs = batch
        encoded = [[UInt32]](repeating: [], count: docs.count)
        let parts = min(encoders.count, docs.count)
        let special = allowSpecial
        encoders.withUnsafeMutableBufferPointer { encoders in
            encoded.withUnsafeMutableBufferPointer { encoded in
                runInParallel(parts) { w in
                    for k in (docs.count * w / parts)..<(docs.count * (w + 1) / parts) {
                        encoded[k] = encoders[w].encode(docs[k].text, allowSpecial: special)
                    }
                }
            }
        }
        for (doc, tokens) in zip(docs, encoded) {
            try writer.write(tokens)
            stats.count(doc)
            stats.add("documents")
            stats.add("tokens", Int64(tokens.count + 1))
            output.append(doc)
        }
    }

    public mutating func finish(into output: inout [Document], stats: inout StageStats) throws {
        try writer.close()
        stats.add("shards", Int64(writer.shards.count))
    }
}
