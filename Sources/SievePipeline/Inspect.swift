import SieveCore
import SieveModel
import SieveTokenizer

/// `sieve inspect FILE`: what a file or directory that Sieve reads or writes is, with a sample.
/// Each describer answers nil when the path is not its kind.
public enum Inspector {
    /// The kinds tried in order, by name (listed when nothing matches).
    public static let kinds: [(name: String, describe: @Sendable (String, Int) throws -> String?)] = [
        ("run directory", { path, _ in try run(path) }),
        ("scorer", { path, _ in try scorer(path) }),
        ("checkpoint", { path, _ in try checkpoint(path) }),
        ("tokenizer", { path, _ in try tokenizer(path) }),
        ("documents (WARC/ARC/WET/WAT, JSONL, MediaWiki XML, tar)", { path, n in try documents(path, count: n) }),
    ]

    static func run(_ path: String) throws -> String? {
        guard FileSystem.isDirectory(path), FileSystem.exists(path + "/spec.yaml") else { return nil }
        var out = "\(path): a run directory (sieve run)\n"
        if FileSystem.exists(path + "/stats.json") {
            out += try RunStatsTable.render(run: path, json: false)
        } else {
            out += "no stats.json yet: see 'sieve status \(path)'\n"
        }
        return out
    }

    static func directory(_ path: String) -> String? {
        if FileSystem.isDirectory(path) { return path }
        guard path.hasSuffix(".safetensors") || path.hasSuffix("/config.json") else { return nil }
        return path.split(separator: "/", omittingEmptySubsequences: false).dropLast().joined(separator: "/")
    }

    static func scorer(_ path: String) throws -> String? {
        guard let dir = directory(path), FileSystem.exists(dir + "/" + ScorerModel.configFile),
              let config = try? JSONParser.parse(try FileSystem.readText(dir + "/" + ScorerModel.configFile)).objectValue,
              config["task"] != nil, let model = try? ScorerModel.load(dir) else { return nil }
        var out = "\(dir): a \(model.task) scorer (sieve scorer train): metadata.\(model.task)_score\n"
        out += "embeddings: \(model.skipGram == nil ? "none" : "skip-gram")\n"
        for member in model.training { out += "  \(member.key): \(JSONWriter.string(member.value))\n" }
        return out
    }

    static func checkpoint(_ path: String) throws -> String? {
        guard let dir = directory(path), FileSystem.exists(dir + "/config.json"),
              let config = try? Checkpoint.readConfig(dir) else { return nil }
        let weights = ((try? FileSystem.list(dir)) ?? []).filter { $0.hasSuffix(".safetensors") }.sorted()
        let parameters = config.vocabSize * config.channels + config.contextLength * config.channels
            + config.layers * 12 * config.channels * config.channels
        return "\(dir): a GPT-2 checkpoint (sieve pretrain)\n"
            + "layers \(config.layers), heads \(config.heads), width \(config.channels), context \(config.contextLength), "
            + "vocabulary \(config.vocabSize) (≈ \(parameters / 1000) k parameters)\n"
            + "tokenizer: \(config.tokenizer == "bytes" ? "byte-level" : config.tokenizer ?? "not recorded (see the shards' manifest.json)")\n"
            + "files: \(weights.joined(separator: ", "))\n"
            + "sample: sieve generate --checkpoint \(dir) --max-tokens 50\n"
    }

    static func tokenizer(_ path: String) throws -> String? {
        guard path.hasSuffix(".json"), (FileSystem.size(path) ?? 0) < 1 << 30,
              let text = try? FileSystem.readText(path), text.contains("\"model\""),
              let tokenizer = try? Tokenizer.load(path) else { return nil }
        let sample = "Sieve turns raw web dumps into pretraining data."
        var encoder = Encoder(tokenizer, cacheCapacity: 64)
        let ids = encoder.encode(sample)
        let pieces = ids.map { "[" + String(decoding: tokenizer.tokenBytes($0), as: UTF8.self) + "]" }.joined()
        return "\(path): a byte-level BPE tokenizer (tokenizer.json)\n"
            + "vocabulary \(tokenizer.vocabSize), \(tokenizer.merges.count) merges, special tokens: "
            + tokenizer.addedTokens.map(\.content).joined(separator: " ") + "\n"
            + "\"\(sample)\" → \(ids.count) tokens: \(pieces)\n"
    }

    static func documents(_ path: String, count: Int) throws -> String? {
        guard !FileSystem.isDirectory(path), FileSystem.exists(path) else { return nil }
        let name = path.lowercased()
        let format = name.contains(".wet") ? "wet" : name.contains(".wat") ? "wat"
            : name.contains(".warc") || name.contains(".arc") ? "warc"
            : name.contains(".json") ? "jsonl" : name.contains(".xml") ? "wiki" : name.contains(".tar") || name.hasSuffix(".zip") ? "tar" : nil
        guard let format else { return nil }
        var reader = try Registry.input(format, at: .commandLine("sieve inspect")).make(
            StepParams(step: format, location: .commandLine("sieve inspect")))
        var stats = StageStats(name: "read")
        var sample: [Document] = []
        struct Enough: Error {}
        do {
            try reader.read(path, stats: &stats) { doc in
                if sample.count == count { throw Enough() }
                sample.append(doc)
            }
        } catch is Enough {}
        var out = "\(path): documents, read as \(format) (first \(sample.count) shown; 'sieve read \(format) FILE' streams them all)\n"
        for doc in sample {
            let url = doc.metadata["url"]?.stringValue.map { " " + $0 } ?? ""
            let text = doc.text.prefix(300).split(whereSeparator: \.isNewline).joined(separator: " ⏎ ")
            out += "— \(doc.id)\(url) (\(doc.text.utf8.count) bytes)\n  \(text)\(doc.text.count > 300 ? " …" : "")\n"
        }
        return out
    }
}
