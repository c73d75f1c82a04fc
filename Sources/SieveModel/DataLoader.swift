#if canImport(Glibc)
import Glibc
#endif
import SieveCore

/// One token shard in llm.c's format (`dev/data/data_common.py`): a header of 256 little-endian
/// int32 — magic 20240520 with version 1 for uint16 tokens, magic 20240801 with version 7 for
/// uint32 tokens; header[2] is the token count — then the tokens.
public final class TokenShard: @unchecked Sendable {
    public static let headerBytes = 256 * 4
    public let path: String
    public let count: Int
    /// 2 (uint16) or 4 (uint32).
    public let bytesPerToken: Int
    private let fd: Int32

    public init(path: String) throws {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { throw SieveError.io(path: path, message: "cannot open: \(String(cString: strerror(errno)))") }
        do {
            (bytesPerToken, count) = try TokenShard.readHeader(fd: fd, path: path)
        } catch {
            close(fd)
            throw error
        }
        self.path = path
        self.fd = fd
    }

    private static func readHeader(fd: Int32, path: String) throws -> (bytesPerToken: Int, count: Int) {
        var header = [Int32](repeating: 0, count: 256)
        let n = header.withUnsafeMutableBytes { pread(fd, $0.baseAddress, headerBytes, 0) }
        guard n == headerBytes else { throw SieveError.corrupt(path: path, offset: 0, message: "shorter than the 1024-byte llm.c header") }
        let bytesPerToken: Int
        switch (Int32(littleEndian: header[0]), Int32(littleEndian: header[1])) {
        case (20240520, 1): bytesPerToken = 2
        case (20240801, 7): bytesPerToken = 4
        case let (magic, version):
            throw SieveError.corrupt(path: path, offset: 0, message: "not an llm.c token shard (magic \(magic), version \(version))")
        }
        let count = Int(Int32(littleEndian: header[2]))
        let size = Int(FileSystem.size(path) ?? 0)
        guard count >= 0, size >= headerBytes + count * bytesPerToken else {
            throw SieveError.corrupt(path: path, offset: 8, message: "header says \(count) tokens but the file holds \((size - headerBytes) / bytesPerToken)")
        }
        return (bytesPerToken, count)
    }

    deinit { close(fd) }

    /// Reads tokens [start, start + n) into `out`, checking each is below `vocabSize`.
    public func read(from start: Int, count n: Int, into out: UnsafeMutablePointer<Int32>, vocabSize: Int) throws {
        let offset = TokenShard.headerBytes + start * bytesPerToken
        var raw = [UInt8](repeating: 0, count: n * bytesPerToken)
        let got = raw.withUnsafeMutableBytes { pread(fd, $0.baseAddress, n * bytesPerToken, off_t(offset)) }
        guard got == n * bytesPerToken else { throw SieveError.corrupt(path: path, offset: Int64(offset), message: "cannot read \(n) tokens") }
        raw.withUnsafeBytes { bytes in
            for i in 0..<n {
                out[i] = bytesPerToken == 2
                    ? Int32(UInt16(littleEndian: bytes.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self)))
                    : Int32(bitPattern: UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: 4 * i, as: UInt32.self)))
            }
        }
        for i in 0..<n where out[i] < 0 || Int(out[i]) >= vocabSize {
            throw SieveError.corrupt(path: path, offset: Int64(offset + i * bytesPerToken),
                                     message: "token \(UInt32(bitPattern: out[i])) is outside the model's vocabulary of \(vocabSize); give --vocab at least the tokenizer's size")
        }
    }

    /// Writes `tokens` as an llm.c shard (uint16 when every id fits, else uint32).
    public static func write(_ tokens: [Int32], to path: String) throws {
        let wide = tokens.contains { $0 > 65535 || $0 < 0 }
        var header = [Int32](repeating: 0, count: 256)
        (header[0], header[1], header[2]) = wide ? (20240801, 7, Int32(tokens.count)) : (20240520, 1, Int32(tokens.count))
        var bytes = header.withUnsafeBytes { Array($0) }
        bytes.reserveCapacity(bytes.count + tokens.count * 4)
        for t in tokens {
            let u = UInt32(bitPattern: t)
            bytes.append(UInt8(u & 0xFF)); bytes.append(UInt8(u >> 8 & 0xFF))
            if wide { bytes.append(UInt8(u >> 16 & 0xFF)); bytes.append(UInt8(u >> 24)) }
        }
        try FileSystem.writeFile(path, bytes)
    }
}

/// The byte-level vocabulary for training without a trained tokenizer: ids 0–255 are the bytes
/// of UTF-8 text, 256 is end-of-text (257 ids).
public enum ByteTokens {
    public static let endOfText: Int32 = 256
    public static let vocabSize = 257

    public static func encode(_ text: some Sequence<UInt8>) -> [Int32] { text.map { Int32($0) } }

    /// The bytes of `tokens`, leaving out end-of-text and ids above 255.
    public static func decode(_ tokens: some Sequence<Int32>) -> [UInt8] { tokens.compactMap { $0 < 256 && $0 >= 0 ? UInt8($0) : nil } }

    /// Writes `text` as two llm.c shards in `directory`, as llm.c's tinyshakespeare does: the first
    /// `validationFraction` of the bytes to `bytes_val_000000.bin`, the rest to
    /// `bytes_train_000001.bin`, each starting with end-of-text. Returns their paths.
    public static func writeShards(text: [UInt8], directory: String, validationFraction: Double = 0.1) throws -> (train: String, validation: String) {
        try FileSystem.createDirectory(directory)
        let cut = Int(Double(text.count) * validationFraction)
        let val = directory + "/bytes_val_000000.bin", train = directory + "/bytes_train_000001.bin"
        try TokenShard.write([endOfText] + encode(text[..<cut]), to: val)
        try TokenShard.write([endOfText] + encode(text[cut...]), to: train)
        return (train, val)
    }
}

/// Batches of (inputs, targets) from token shards, seeded and resumable at the exact position.
/// `sequential` walks the shards in order in windows of B·T + 1 tokens (targets are the inputs
/// shifted by one, as llm.c's loader); `random` draws each of the B rows at a uniformly random
/// start anywhere in the shards.
public final class DataLoader {
    public enum Sampling: String, Codable, Sendable { case sequential, random }

    /// Where the loader stands; stored in checkpoints.
    public struct State: Codable, Equatable, Sendable {
        public var shard = 0, position = 0, epoch = 0
        public var rng: String  // SplitMix64 state, as decimal text (exact in JSON)
    }

    public let shards: [TokenShard]
    public let B: Int, T: Int, vocabSize: Int, sampling: Sampling
    public private(set) var state: State
    private var rng: SplitMix64
    private var buffer: [Int32]

    /// Shards too short for one window of B·T + 1 tokens are left out with a warning; throws when none is left.
    public init(paths: [String], B: Int, T: Int, vocabSize: Int, sampling: Sampling, seed: UInt64) throws {
        let needed = sampling == .sequential ? B * T + 1 : T + 1
        var shards: [TokenShard] = []
        for path in paths {
            let shard = try TokenShard(path: path)
            if shard.count >= needed { shards.append(shard) } else {
                Log.warning("\(path): skipped, \(shard.count) tokens is fewer than one window of \(needed)")
            }
        }
        guard !shards.isEmpty else { throw SieveError.failed("no token shard with at least \(needed) tokens among \(paths.joined(separator: ", "))") }
        self.shards = shards
        (self.B, self.T, self.vocabSize, self.sampling) = (B, T, vocabSize, sampling)
        rng = SplitMix64(seed: seed)
        state = State(rng: String(seed))
        buffer = [Int32](repeating: 0, count: B * (T + 1))
    }

    /// Continues from a stored state.
    public func restore(_ state: State) throws {
        guard let seed = UInt64(state.rng), state.shard < shards.count else { throw SieveError.failed("loader state does not fit these shards") }
        self.state = state
        rng = SplitMix64(seed: seed)
    }

    /// Rewinds to the first window (validation passes start here each time).
    public func reset() { state.shard = 0; state.position = 0; state.epoch = 0 }

    /// Fills inputs and targets (B·T each) with the next batch.
    public func next(inputs: UnsafeMutablePointer<Int32>, targets: UnsafeMutablePointer<Int32>) throws {
        let N = B * T
        try buffer.withUnsafeMutableBufferPointer { buf in
            let buf = buf.baseAddress!
            switch sampling {
            case .sequential:
                if state.position + N + 1 > shards[state.shard].count {
                    state.position = 0
                    state.shard += 1
                    if state.shard == shards.count { state.shard = 0; state.epoch += 1 }
                }
                try shards[state.shard].read(from: state.position, count: N + 1, into: buf, vocabSize: vocabSize)
                inputs.update(from: buf, count: N)
                targets.update(from: buf + 1, count: N)
                state.position += N
            case .random:
                let starts = shards.map { $0.count - T }
                let total = UInt64(starts.reduce(0, +))
                for b in 0..<B {
                    var start = Int(rng.next() % total), s = 0
                    while start >= starts[s] { start -= starts[s]; s += 1 }
                    try shards[s].read(from: start, count: T + 1, into: buf, vocabSize: vocabSize)
                    (inputs + b * T).update(from: buf, count: T)
                    (targets + b * T).update(from: buf + 1, count: T)
                }
                state.rng = String(rng.state)
            }
        }
    }

    /// The number of whole sequential batches in the shards.
    public var batchesPerEpoch: Int { shards.reduce(0) { $0 + ($1.count - 1) / (B * T) } }
}

/// Which shards train and which validate.
public enum TokenData {
    /// From the files found under the user's paths, keeps the `.bin` shards and splits them: names
    /// containing "val" validate (llm.c's naming); without such names and with two shards or more,
    /// the first validates (DESIGN §9: "validation loss on shard 0"); one lone shard only trains.
    public static func split(_ files: [String]) -> (train: [String], validation: [String]) {
        let shards = files.filter { $0.hasSuffix(".bin") }
        let named = shards.filter { ($0.split(separator: "/").last ?? "").contains("val") }
        if !named.isEmpty { return (shards.filter { !named.contains($0) }, named) }
        if shards.count >= 2 { return (Array(shards.dropFirst()), [shards[0]]) }
        return (shards, [])
    }

    /// `vocab_size` from a `manifest.json` beside the shards (the tokenizer's shard writer), if any.
    public static func manifestVocabSize(near shard: String) -> Int? {
        let directory = shard.split(separator: "/", omittingEmptySubsequences: false).dropLast().joined(separator: "/")
        let path = (directory.isEmpty ? "." : directory) + "/manifest.json"
        guard let text = try? FileSystem.readText(path), let range = text.range(of: "\"vocab_size\"") else { return nil }
        let rest = text[range.upperBound...].drop { $0 == ":" || $0.isWhitespace }
        return Int(rest.prefix { $0.isNumber })
    }
}
