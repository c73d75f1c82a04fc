#if canImport(Glibc)
import Glibc
#endif
import SieveCore
import SieveIO

/// The documents of a directory of token shards, in manifest order: each starts at an end-of-text
/// token and runs to the next one (across a shard boundary when a document was split). Only an
/// index is held (a start and a length per document); tokens are read from the files on demand.
public final class TokenDocuments {
    public let directory: String
    public let info: TokenManifest.Info
    public let shards: [TokenManifest.Shard]
    /// Start of each document in the shards' concatenated tokens, and its length (end-of-text included).
    public private(set) var starts: [Int] = []
    public private(set) var lengths: [Int] = []
    private var shardStarts: [Int] = []
    private var descriptors: [Int32] = []

    public init(directory: String) throws {
        self.directory = directory
        (info, shards) = try TokenManifest.read(directory)
        var offset = 0
        for shard in shards {
            let path = directory + "/" + shard.file
            let (header, tokens) = try TokenShard.read(path)
            guard header.dtype == info.dtype, header.tokens == shard.tokens else {
                throw SieveError.corrupt(path: path, offset: 0, message: "does not match manifest.json (dtype or token count)")
            }
            shardStarts.append(offset)
            for (k, token) in tokens.enumerated() where token == info.eotID || offset + k == 0 { starts.append(offset + k) }
            offset += tokens.count
            let fd = open(path, O_RDONLY | O_CLOEXEC)
            guard fd >= 0 else { throw SieveError.io(path: path, message: String(cString: strerror(errno))) }
            descriptors.append(fd)
        }
        shardStarts.append(offset)
        lengths = starts.indices.map { (($0 + 1 < starts.count) ? starts[$0 + 1] : offset) - starts[$0] }
    }

    deinit { for fd in descriptors { close(fd) } }

    public var count: Int { starts.count }

    /// The tokens of document `k`, its end-of-text token first.
    public func tokens(_ k: Int) throws -> [UInt32] {
        var out: [UInt32] = []
        out.reserveCapacity(lengths[k])
        var position = starts[k]
        let end = position + lengths[k]
        let width = info.dtype.width
        var raw: [UInt8] = []
        while position < end {
            var s = 0
            while shardStarts[s + 1] <= position { s += 1 }
            let n = min(end, shardStarts[s + 1]) - position
            raw = [UInt8](repeating: 0, count: n * width)
            let offset = off_t(TokenShard.headerBytes + (position - shardStarts[s]) * width)
            let got = raw.withUnsafeMutableBytes { pread(descriptors[s], $0.baseAddress, n * width, offset) }
            guard got == n * width else {
                throw SieveError.corrupt(path: directory + "/" + shards[s].file, offset: Int64(offset), message: "short read")
            }
            raw.withUnsafeBytes { bytes in
                for t in 0..<n {
                    out.append(width == 2
                        ? UInt32(UInt16(littleEndian: bytes.loadUnaligned(fromByteOffset: t * 2, as: UInt16.self)))
                        : UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: t * 4, as: UInt32.self)))
                }
            }
            position += n
        }
        return out
    }

    /// Writes the documents, permuted by a Fisher–Yates shuffle driven by SplitMix64 from `seed`
    /// (the same seed gives the same order on every machine), into new shards under `options`.
    public func shuffled(seed: UInt64, into options: TokenShardWriter.Options) throws -> [TokenManifest.Shard] {
        var order = Array(0..<count)
        var state = seed
        for i in stride(from: order.count - 1, to: 0, by: -1) {
            state = state &+ 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            z ^= z >> 31
            order.swapAt(i, Int(z % UInt64(i + 1)))
        }
        let writer = TokenShardWriter(options, info: info)
        for k in order {
            let tokens = try tokens(k)
            try writer.write(tokens.first == info.eotID ? tokens.dropFirst() : tokens[...])
        }
        try writer.close()
        return writer.shards
    }

    /// Writes Megatron-LM's indexed dataset (`PREFIX.bin` + `PREFIX.idx`, `MMIDIDX` version 1, as
    /// `megatron/core/datasets/indexed_dataset.py` reads it): each document is one sequence, its
    /// tokens followed by the end-of-text token (`--append-eod`); dtype uint16 below 65,500 ids,
    /// else int32 (`DType.optimal_dtype`).
    public func exportMegatron(prefix: String) throws {
        let small = info.vocabSize < 65_500
        let bin = try AtomicFileSink(path: prefix + ".bin")
        var lengths: [Int32] = []
        var pointers: [Int64] = []
        var position: Int64 = 0
        var buffer: [UInt8] = []
        for k in 0..<count {
            var tokens = try tokens(k)
            if tokens.first == info.eotID { tokens.removeFirst() }
            tokens.append(info.eotID)
            buffer.removeAll(keepingCapacity: true)
            TokenShard.append(tokens, as: small ? .uint16 : .uint32, to: &buffer)
            try buffer.withUnsafeBytes { try bin.write($0) }
            lengths.append(Int32(tokens.count))
            pointers.append(position)
            position += Int64(buffer.count)
        }
        try bin.close()
        var idx: [UInt8] = Array("MMIDIDX\0\0".utf8)
        func put<T: FixedWidthInteger>(_ value: T) { withUnsafeBytes(of: value.littleEndian) { idx.append(contentsOf: $0) } }
        put(UInt64(1))
        idx.append(small ? 8 : 4)  // DType code: 8 = uint16, 4 = int32
        put(UInt64(lengths.count))
        put(UInt64(lengths.count + 1))  // document_indices: 0, 1, …, n
        for n in lengths { put(n) }
        for p in pointers { put(p) }
        for d in 0...lengths.count { put(Int64(d)) }
        try FileSystem.writeFile(prefix + ".idx", idx)
    }
}
