import SieveCore
import SieveIO

/// `tokenizer.json`, the Hugging Face `tokenizers` format: Sieve writes what `tokenizers`
/// (`Tokenizer.from_file`) loads, and loads any byte-level BPE file `tokenizers` writes (GPT-2's
/// included): model `BPE` without `unk_token`, subword prefix or suffix; pre-tokenizer `ByteLevel`
/// with `use_regex` (GPT-2's pattern), alone or in a `Sequence`; no normalizer. Merges are read
/// in both spellings (`"a b"` and `["a", "b"]`); the file may be compressed.
extension Tokenizer {
    public static func load(_ path: String) throws -> Tokenizer {
        let bytes = try Compression.open(path).readAll()
        let json: JSONValue
        do {
            json = try bytes.withUnsafeBytes { try JSONParser.parse($0) }
        } catch {
            throw SieveError.io(path: path, message: "not JSON: \(error)")
        }
        do {
            return try Tokenizer(json: json)
        } catch let SieveError.failed(message) {
            throw SieveError.io(path: path, message: message)
        }
    }

    public init(json: JSONValue) throws {
        func fail(_ message: String) -> SieveError { .failed(message) }
        guard let root = json.objectValue, let model = root["model"]?.objectValue else { throw fail("no 'model' object: not a tokenizer.json") }
        let type = model["type"]?.stringValue ?? "BPE"
        guard type == "BPE" else { throw fail("model type '\(type)' is not supported (Sieve reads byte-level BPE)") }
        if let unk = model["unk_token"], unk != .null { throw fail("'unk_token' is set: not a byte-level BPE") }
        for key in ["continuing_subword_prefix", "end_of_word_suffix"] {
            if let value = model[key]?.stringValue, !value.isEmpty { throw fail("'\(key)' is set: not supported") }
        }
        if let normalizer = root["normalizer"], normalizer != .null { throw fail("a normalizer is set: not supported") }
        guard let addPrefixSpace = Self.byteLevelPreTokenizer(root["pre_tokenizer"]) else {
            throw fail("the pre-tokenizer is not ByteLevel with GPT-2's pattern: not supported")
        }
        guard let vocabObject = model["vocab"]?.objectValue else { throw fail("no 'model.vocab' object") }
        var vocab: [(token: String, id: UInt32)] = []
        vocab.reserveCapacity(vocabObject.count)
        for member in vocabObject {
            guard let id = member.value.intValue, id >= 0, id < Int(UInt32.max) else { throw fail("vocab entry '\(member.key)' has no valid id") }
            vocab.append((member.key, UInt32(id)))
        }
        var merges: [(String, String)] = []
        for (k, merge) in (model["merges"]?.arrayValue ?? []).enumerated() {
            if let pair = merge.arrayValue, pair.count == 2, let a = pair[0].stringValue, let b = pair[1].stringValue {
                merges.append((a, b))
            } else if let text = merge.stringValue, let space = text.firstIndex(of: " ") {
                merges.append((String(text[..<space]), String(text[text.index(after: space)...])))
            } else {
                throw fail("merge \(k) is neither \"a b\" nor [\"a\", \"b\"]")
            }
        }
        var added: [AddedToken] = []
        for token in root["added_tokens"]?.arrayValue ?? [] {
            guard let object = token.objectValue, let id = object["id"]?.intValue, id >= 0,
                  let content = object["content"]?.stringValue, !content.isEmpty else { throw fail("an added token lacks 'id' or 'content'") }
            added.append(AddedToken(id: UInt32(id), content: content, special: object["special"]?.boolValue ?? false))
        }
        try self.init(vocab: vocab, merges: merges, addedTokens: added, addPrefixSpace: addPrefixSpace,
                      ignoreMerges: model["ignore_merges"]?.boolValue ?? false)
    }

    /// `add_prefix_space` of the `ByteLevel` pre-tokenizer; nil if there is none.
    private static func byteLevelPreTokenizer(_ value: JSONValue?) -> Bool? {
        guard let object = value?.objectValue else { return nil }
        switch object["type"]?.stringValue {
        case "ByteLevel":
            guard object["use_regex"]?.boolValue ?? true else { return nil }
            return object["add_prefix_space"]?.boolValue ?? true
        case "Sequence":
            let parts = object["pretokenizers"]?.arrayValue ?? []
            guard parts.count == 1 else { return nil }
            return byteLevelPreTokenizer(parts[0])
        default:
            return nil
        }
    }

    /// The tokenizer.json text: what `tokenizers`' `ByteLevelBPETokenizer` saves.
    public func json() -> JSONValue {
        var vocabObject = JSONObject()
        for (id, token) in vocab.enumerated() { if let token { vocabObject.append(key: token, value: JSONValue(id)) } }
        let byteLevel: (Bool, Bool) -> JSONValue = { prefix, trim in
            ["type": "ByteLevel", "add_prefix_space": .bool(prefix), "trim_offsets": .bool(trim), "use_regex": true]
        }
        let mergeList: [JSONValue] = merges.map { .string(vocab[Int($0.0)]! + " " + vocab[Int($0.1)]!) }
        let model: JSONValue = [
            "type": "BPE", "dropout": nil, "unk_token": nil, "continuing_subword_prefix": nil,
            "end_of_word_suffix": nil, "fuse_unk": false, "byte_fallback": false, "ignore_merges": .bool(ignoreMerges),
            "vocab": .object(vocabObject), "merges": .array(mergeList),
        ]
        let added: [JSONValue] = addedTokens.map {
            ["id": JSONValue(Int($0.id)), "content": .string($0.content), "single_word": false, "lstrip": false,
             "rstrip": false, "normalized": .bool(!$0.special), "special": .bool($0.special)]
        }
        return [
            "version": "1.0", "truncation": nil, "padding": nil, "added_tokens": .array(added), "normalizer": nil,
            "pre_tokenizer": byteLevel(addPrefixSpace, true), "post_processor": byteLevel(true, false),
            "decoder": byteLevel(true, true), "model": model,
        ]
    }

    /// Writes tokenizer.json (atomically).
    public func save(_ path: String) throws {
        try FileSystem.writeFile(path, Array((JSONWriter.string(json()) + "\n").utf8))
    }
}
