#if canImport(Glibc)
import Glibc
#endif
import SieveCore
import SieveIO

/// Writes documents' tokens into llm.c shards (`TokenShard`), each document preceded by the
/// end-of-text token and kept whole in one shard unless it alone is larger than a shard. With
/// `validationTokens`, the first documents go to shard 0 (`PREFIX_val_000000.bin`, as llm.c's
/// `fineweb.py` reserves it), the rest to `PREFIX_train_000001.bin`, …
///
/// Closing records the shards in the directory's `manifest.json` (`TokenManifest`), under a lock,
/// replacing earlier entries of the same prefix: the tasks of a run, each with its own prefix,
/// share one manifest.
public final class TokenShardWriter {
    public struct Options: Sendable {
        public var directory: String
        public var prefix: String
        /// Most tokens in one shard (llm.c's `shard_size`, 10^8 by default).
        public var maxShardTokens: Int
        /// Tokens for the validation shard; 0 for none.
        public var validationTokens: Int

        public init(directory: String, prefix: String = "part", maxShardTokens: Int = 100_000_000, validationTokens: Int = 0) {
            self.directory = directory
            self.prefix = prefix
            self.maxShardTokens = maxShardTokens
            self.validationTokens = validationTokens
        }
    }

    public let options: Options
    public let info: TokenManifest.Info
    public private(set) var shards: [TokenManifest.Shard] = []
    private var buffer: [UInt8] = []
    private var tokens = 0
    private var documents = 0

    public init(_ options: Options, info: TokenManifest.Info) {
        self.options = options
        self.info = info
    }

    private var inValidation: Bool { options.validationTokens > 0 && shards.isEmpty }
    private var capacity: Int { inValidation ? min(options.validationTokens, options.maxShardTokens) : options.maxShardTokens }

    /// Writes one document (its tokens without the end-of-text token, which is put before it).
    public func write(_ document: some Collection<UInt32>) throws {
        let size = document.count + 1
        if tokens > 0, tokens + size > capacity { try closeShard() }
        documents += 1
        var rest = [info.eotID] + document
        while tokens + rest.count > capacity {  // a document larger than a shard is split
            let room = capacity - tokens
            TokenShard.append(rest[0..<room], as: info.dtype, to: &buffer)
            tokens += room
            rest.removeFirst(room)
            try closeShard()
        }
        TokenShard.append(rest, as: info.dtype, to: &buffer)
        tokens += rest.count
    }

    /// Completes the last shard and records every shard in `manifest.json`.
    public func close() throws {
        if tokens > 0 || documents > 0 { try closeShard() }
        try TokenManifest.record(shards, prefix: options.prefix, info: info, directory: options.directory)
    }

    private func closeShard() throws {
        let split = inValidation ? "val" : "train"
        let name = "\(options.prefix)_\(split)_\(zeroPadded(shards.count, 6)).bin"
        let header = TokenShard.header(info.dtype, tokens: tokens)
        var hasher = SHA256()
        hasher.update(header)
        hasher.update(buffer)
        let sink = try AtomicFileSink(path: options.directory + "/" + name)
        try header.withUnsafeBytes { try sink.write($0) }
        try buffer.withUnsafeBytes { try sink.write($0) }
        try sink.close()
        shards.append(.init(file: name, split: split, tokens: tokens, documents: documents, sha256: hasher.finalize()))
        buffer.removeAll(keepingCapacity: true)
        tokens = 0
        documents = 0
    }
}

/// `manifest.json` of a directory of token shards: the tokenizer (path and sha256), vocabulary
/// size, end-of-text id, dtype, and per shard its file, split, tokens, documents and sha256.
public enum TokenManifest {
    public struct Info: Sendable, Equatable {
        public var tokenizer: String
        public var tokenizerSHA256: String
        public var vocabSize: Int
        public var eotID: UInt32
        public var dtype: TokenShard.DType

        public init(tokenizer: String, tokenizerSHA256: String, vocabSize: Int, eotID: UInt32, dtype: TokenShard.DType? = nil) {
            self.tokenizer = tokenizer
            self.tokenizerSHA256 = tokenizerSHA256
            self.vocabSize = vocabSize
            self.eotID = eotID
            self.dtype = dtype ?? .forVocabulary(vocabSize)
        }
    }

    public struct Shard: Sendable, Equatable {
        public var file: String
        public var split: String
        public var tokens: Int
        public var documents: Int
        public var sha256: String
    }

    public static func path(_ directory: String) -> String { directory + "/manifest.json" }

    public static func json(_ info: Info, _ shards: [Shard]) -> JSONValue {
        [
            "format": "llm.c", "dtype": .string(info.dtype.rawValue),
            "magic": JSONValue(Int(info.dtype.magic)), "version": JSONValue(Int(info.dtype.version)),
            "tokenizer": .string(info.tokenizer), "tokenizer_sha256": .string(info.tokenizerSHA256),
            "vocab_size": JSONValue(info.vocabSize), "eot_id": JSONValue(Int(info.eotID)),
            "tokens": JSONValue(shards.reduce(0) { $0 + $1.tokens }),
            "documents": JSONValue(shards.reduce(0) { $0 + $1.documents }),
            "shards": .array(shards.map {
                ["file": .string($0.file), "split": .string($0.split), "tokens": JSONValue($0.tokens),
                 "documents": JSONValue($0.documents), "sha256": .string($0.sha256)]
            }),
        ]
    }

    /// Reads a manifest.
    public static func read(_ directory: String) throws -> (info: Info, shards: [Shard]) {
        let file = path(directory)
        let root = try JSONParser.parse(try FileSystem.readText(file))
        guard let o = root.objectValue, let tokenizer = o["tokenizer"]?.stringValue, let sha = o["tokenizer_sha256"]?.stringValue,
              let vocab = o["vocab_size"]?.intValue, let eot = o["eot_id"]?.intValue,
              let dtype = o["dtype"]?.stringValue.flatMap(TokenShard.DType.init(rawValue:)), let list = o["shards"]?.arrayValue
        else { throw SieveError.io(path: file, message: "not a token-shard manifest") }
        let shards = try list.map { value -> Shard in
            guard let s = value.objectValue, let name = s["file"]?.stringValue, let split = s["split"]?.stringValue,
                  let tokens = s["tokens"]?.intValue, let documents = s["documents"]?.intValue, let sha = s["sha256"]?.stringValue
            else { throw SieveError.io(path: file, message: "a shard entry lacks file, split, tokens, documents or sha256") }
            return Shard(file: name, split: split, tokens: tokens, documents: documents, sha256: sha)
        }
        return (Info(tokenizer: tokenizer, tokenizerSHA256: sha, vocabSize: vocab, eotID: UInt32(eot), dtype: dtype), shards)
    }

    /// Puts `shards` in the manifest of `directory` in place of the earlier shards of `prefix`,
    /// holding a lock so that concurrent tasks do not lose each other's entries. Validation
    /// shards are listed first, then the others, each by file name.
    public static func record(_ shards: [Shard], prefix: String, info: Info, directory: String) throws {
        try FileSystem.createDirectory(directory)
        let lockPath = directory + "/.manifest.lock"
        let fd = open(lockPath, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw SieveError.io(path: lockPath, message: String(cString: strerror(errno))) }
        defer { close(fd) }
        while flock(fd, LOCK_EX) != 0 {
            guard errno == EINTR else { throw SieveError.io(path: lockPath, message: String(cString: strerror(errno))) }
        }
        var all: [Shard] = []
        if FileSystem.exists(path(directory)) {
            let existing = try read(directory)
            guard existing.info == info else {
                throw SieveError.io(path: path(directory), message: "holds shards of another tokenizer or format; write to a new directory")
            }
            all = existing.shards.filter { !$0.file.hasPrefix(prefix + "_val_") && !$0.file.hasPrefix(prefix + "_train_") }
        }
        all += shards
        all.sort { ($0.split == "val") != ($1.split == "val") ? $0.split == "val" : $0.file.utf8.lexicographicallyPrecedes($1.file.utf8) }
        try FileSystem.writeFile(path(directory), Array((JSONWriter.string(json(info, all)) + "\n").utf8))
    }
}
