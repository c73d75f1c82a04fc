#if canImport(Glibc)
import Glibc
#endif
import SieveCore
import SieveIO

/// One token shard in llm.c's format (karpathy/llm.c `dev/data/data_common.py`,
/// `write_datafile`): a header of 256 little-endian int32 (`[0]` magic, `[1]` version, `[2]`
/// number of tokens, the rest zero), then the tokens: uint16 with magic 20240520 version 1
/// (GPT-2 sized vocabularies), uint32 with magic 20240801 version 7 when the vocabulary has more
/// than 65,535 ids. Documents are each preceded by the end-of-text token, as llm.c's
/// `fineweb.py` writes them.
public enum TokenShard {
    public enum DType: String, Sendable {
        case uint16, uint32

        public var magic: Int32 { self == .uint16 ? 20240520 : 20240801 }
        public var version: Int32 { self == .uint16 ? 1 : 7 }
        public var width: Int { self == .uint16 ? 2 : 4 }

        /// uint16 when every id fits, else uint32.
        public static func forVocabulary(_ size: Int) -> DType { size <= 65_535 ? .uint16 : .uint32 }
    }

    public static let headerInts = 256
    public static let headerBytes = headerInts * 4

    public struct Header: Sendable, Equatable {
        public var dtype: DType
        public var tokens: Int
        public var magic: Int32 { dtype.magic }
        public var version: Int32 { dtype.version }
    }

    /// The 1,024 header bytes for `tokens` tokens.
    public static func header(_ dtype: DType, tokens: Int) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: headerBytes)
        for (k, value) in [dtype.magic, dtype.version, Int32(tokens)].enumerated() {
            for b in 0..<4 { out[4 * k + b] = UInt8(truncatingIfNeeded: value >> (8 * b)) }
        }
        return out
    }

    /// Whether the file starts with one of the two magic numbers.
    public static func startsWithMagic(_ path: String) -> Bool {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var magic: Int32 = 0
        guard withUnsafeMutableBytes(of: &magic, { pread(fd, $0.baseAddress, 4, 0) }) == 4 else { return false }
        return [DType.uint16.magic, DType.uint32.magic].contains(Int32(littleEndian: magic))
    }

    /// Reads and checks a header: magic and version known, size matching the token count.
    public static func readHeader(_ path: String) throws -> Header {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw SieveError.io(path: path, message: String(cString: strerror(errno))) }
        defer { close(fd) }
        var raw = [UInt8](repeating: 0, count: headerBytes)
        let n = raw.withUnsafeMutableBytes { pread(fd, $0.baseAddress, headerBytes, 0) }
        guard n == headerBytes else { throw SieveError.corrupt(path: path, offset: 0, message: "shorter than a 1,024-byte llm.c header") }
        return try header(raw, path: path, fileSize: FileSystem.size(path) ?? 0)
    }

    static func header(_ raw: [UInt8], path: String, fileSize: Int64) throws -> Header {
        func int(_ k: Int) -> Int32 {
            Int32(bitPattern: UInt32(raw[4 * k]) | UInt32(raw[4 * k + 1]) << 8 | UInt32(raw[4 * k + 2]) << 16 | UInt32(raw[4 * k + 3]) << 24)
        }
        let dtype: DType
        switch (int(0), int(1)) {
        case (20240520, 1): dtype = .uint16
        case (20240801, 7): dtype = .uint32
        default: throw SieveError.corrupt(path: path, offset: 0, message: "not an llm.c token shard (magic \(int(0)), version \(int(1)))")
        }
        let tokens = Int(int(2))
        let expected = Int64(headerBytes) + Int64(tokens) * Int64(dtype.width)
        guard tokens >= 0, expected == fileSize else {
            throw SieveError.corrupt(path: path, offset: 8, message: "header says \(tokens) tokens (\(expected) bytes) but the file has \(fileSize) bytes")
        }
        return Header(dtype: dtype, tokens: tokens)
    }

    /// The header and tokens of a shard.
    public static func read(_ path: String) throws -> (header: Header, tokens: [UInt32]) {
        let bytes = try FileSystem.readFile(path)
        guard bytes.count >= headerBytes else { throw SieveError.corrupt(path: path, offset: 0, message: "shorter than a 1,024-byte llm.c header") }
        let header = try header(Array(bytes[0..<headerBytes]), path: path, fileSize: Int64(bytes.count))
        var tokens = [UInt32](repeating: 0, count: header.tokens)
        bytes.withUnsafeBytes { raw in
            for k in 0..<header.tokens {
                let at = headerBytes + k * header.dtype.width
                tokens[k] = header.dtype == .uint16
                    ? UInt32(UInt16(littleEndian: raw.loadUnaligned(fromByteOffset: at, as: UInt16.self)))
                    : UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: at, as: UInt32.self))
            }
        }
        return (header, tokens)
    }

    /// Appends `tokens` in the shard's little-endian dtype.
    static func append(_ tokens: some Collection<UInt32>, as dtype: DType, to out: inout [UInt8]) {
        // Growing geometrically: reserving just what this call needs would copy the whole shard
        // buffer on every document (quadratic; 14 minutes for 38 M tokens into one shard).
        let needed = out.count + tokens.count * dtype.width
        if out.capacity < needed { out.reserveCapacity(max(needed, 2 * out.capacity)) }
        for t in tokens {
            out.append(UInt8(truncatingIfNeeded: t))
            out.append(UInt8(truncatingIfNeeded: t >> 8))
            if dtype == .uint32 {
                out.append(UInt8(truncatingIfNeeded: t >> 16))
                out.append(UInt8(truncatingIfNeeded: t >> 24))
            }
        }
    }
}
