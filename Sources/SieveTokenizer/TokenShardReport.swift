import SieveCore

/// What `sieve inspect` prints about an llm.c token shard.
public enum TokenShardReport {
    /// A report on `path`, or nil if it is not a token shard. Decodes the first `documents`
    /// documents with `tokenizer` or with the tokenizer that `manifest.json` beside it names.
    public static func describe(_ path: String, tokenizer: String?, documents: Int) throws -> String? {
        guard TokenShard.startsWithMagic(path) else { return nil }
        let header = try TokenShard.readHeader(path)
        let (_, tokens) = try TokenShard.read(path)
        let directory = path.lastIndex(of: "/").map { String(path[..<$0]) } ?? "."
        let manifest = try? TokenManifest.read(directory)
        let name = path.split(separator: "/").last.map(String.init) ?? path
        let entry = manifest?.shards.first { $0.file == name }
        var out = "\(path): llm.c token shard\n"
        out += "  header: magic \(header.magic), version \(header.version), dtype \(header.dtype.rawValue), tokens \(header.tokens)\n"
        if let manifest {
            out += "  manifest: vocab_size \(manifest.info.vocabSize), eot_id \(manifest.info.eotID), tokenizer \(manifest.info.tokenizer)"
                + " (sha256 \(manifest.info.tokenizerSHA256.prefix(12))…)\n"
        }
        if let entry {
            out += "  split \(entry.split), documents \(entry.documents), sha256 \(entry.sha256 == SHA256.hex(of: try FileSystem.readFile(path)) ? "ok" : "MISMATCH")\n"
        }
        let eot = manifest?.info.eotID
        var docStarts: [Int] = []
        if let eot { for (k, t) in tokens.enumerated() where t == eot { docStarts.append(k) } }
        out += "  end-of-text tokens: \(eot.map { _ in String(docStarts.count) } ?? "unknown (no manifest.json)")\n"
        guard documents > 0, let tokenizerPath = tokenizer ?? manifest?.info.tokenizer else { return out }
        let model = try Tokenizer.load(tokenizerPath)
        for (k, start) in docStarts.prefix(documents).enumerated() {
            let end = k + 1 < docStarts.count ? docStarts[k + 1] : tokens.count
            var text = model.decodeText(tokens[(start + 1)..<end])
            if text.count > 400 { text = String(text.prefix(400)) + "…" }
            out += "  document \(k) (\(end - start - 1) tokens): \(JSONWriter.string(.string(text)))\n"
        }
        return out
    }
}
