#if canImport(Glibc)
import Glibc
#endif
import SieveCore

/// A source of bytes read front to back: a file, standard input, or a decompressor over another
/// stream. Pull-based and synchronous (the readers above it are too).
public protocol ByteStream: AnyObject {
    /// Fills up to `buffer.count` bytes; returns 0 only at the end of the stream.
    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int
}

/// Input that ended in the middle of a compressed member or frame, or whose decompression was
/// stopped by a cap (`DecompressionLimits`). What came before it was delivered; readers count
/// the loss (`skipped_<reason>`: `truncated_input`, `decompression_bomb`) and go on with the
/// next input.
public struct TruncatedInput: Error, CustomStringConvertible {
    public var format: String
    /// The skip counter's reason.
    public var reason = "truncated_input"
    public var message: String?
    public init(format: String) { self.format = format }
    public init(format: String, reason: String, message: String) {
        self.format = format
        self.reason = reason
        self.message = message
    }
    public var description: String { message ?? "truncated \(format) input" }
}

/// Caps on decompression (DESIGN §11): once a stream has produced `ratioFloorBytes`, it may
/// not produce more than `maxRatio` bytes per compressed byte read. A 10 KB gzip or zstd
/// "bomb" that would inflate to 10 GB is stopped after `ratioFloorBytes` of output and counted
/// as `skipped_decompression_bomb`. Text compresses 3–10×; 200× with 64 MiB already produced
/// is not text. Records, lines, pages and members have their own size caps in their readers.
public struct DecompressionLimits: Sendable, Equatable {
    public var maxRatio: Int64
    public var ratioFloorBytes: Int64
    public init(maxRatio: Int64 = 200, ratioFloorBytes: Int64 = 64 << 20) {
        self.maxRatio = maxRatio
        self.ratioFloorBytes = ratioFloorBytes
    }
}

/// Counts the bytes read through it (the compressed side of a `RatioGuard`).
final class CountingStream: ByteStream {
    private let base: ByteStream
    private(set) var count: Int64 = 0
    init(_ base: ByteStream) { self.base = base }
    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        let n = try base.read(into: buffer)
        count += Int64(n)
        return n
    }
}

/// Enforces `DecompressionLimits` on a decompressor's output.
final class RatioGuard: ByteStream {
    private let base: ByteStream
    private let compressed: CountingStream
    private let limits: DecompressionLimits
    private let format: String
    private var produced: Int64 = 0

    init(_ base: ByteStream, compressed: CountingStream, limits: DecompressionLimits, format: String) {
        self.base = base
        self.compressed = compressed
        self.limits = limits
        self.format = format
    }

    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        let n = try base.read(into: buffer)
        produced += Int64(n)
        if produced > limits.ratioFloorBytes, produced / max(compressed.count, 1) > limits.maxRatio {
            throw TruncatedInput(format: format, reason: "decompression_bomb", message:
                "\(format) stream inflated \(compressed.count) bytes to over \(produced) (ratio over \(limits.maxRatio); a decompression bomb?), rest skipped")
        }
        return n
    }
}

/// A file descriptor: a path opened read-only, or standard input.
public final class FileStream: ByteStream {
    public let path: String
    private let fd: Int32
    private let owned: Bool

    public init(path: String) throws {
        self.path = path
        fd = open(path, O_RDONLY | O_CLOEXEC)
        owned = true
        guard fd >= 0 else { throw SieveError.io(path: path, message: String(cString: strerror(errno))) }
    }

    /// Standard input.
    public init(standardInput: ()) {
        path = "<stdin>"
        fd = 0
        owned = false
    }

    deinit { if owned { close(fd) } }

    public func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        while true {
            let n = Glibc.read(fd, buffer.baseAddress, buffer.count)
            if n >= 0 { return n }
            if errno == EINTR { continue }
            throw SieveError.io(path: path, message: String(cString: strerror(errno)))
        }
    }
}

/// Replays the first bytes of a stream after they were looked at (to detect the compression).
final class PeekStream: ByteStream {
    private let base: ByteStream
    private var prefix: [UInt8] = []
    private var served = 0

    init(_ base: ByteStream) { self.base = base }

    /// Reads ahead until `count` bytes are held (or the stream ends) and returns them.
    func peek(_ count: Int) throws -> [UInt8] {
        var chunk = [UInt8](repeating: 0, count: count)
        while prefix.count < count {
            let n = try chunk.withUnsafeMutableBytes { try base.read(into: UnsafeMutableRawBufferPointer(rebasing: $0[0..<(count - prefix.count)])) }
            if n == 0 { break }
            prefix.append(contentsOf: chunk[0..<n])
        }
        return prefix
    }

    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        if served < prefix.count {
            let n = min(buffer.count, prefix.count - served)
            prefix.withUnsafeBytes { buffer.copyMemory(from: UnsafeRawBufferPointer(rebasing: $0[served..<(served + n)])) }
            served += n
            return n
        }
        return try base.read(into: buffer)
    }
}

/// The compressions Sieve recognises, by their magic bytes (never by the file name).
public enum Compression: String, Sendable, CaseIterable {
    case none, gzip, bzip2, xz, zstd, lz4

    public static func detect(_ magic: [UInt8]) -> Compression {
        func starts(_ m: [UInt8]) -> Bool { magic.count >= m.count && Array(magic[0..<m.count]) == m }
        if starts([0x1F, 0x8B]) { return .gzip }
        if starts([0x28, 0xB5, 0x2F, 0xFD]) { return .zstd }
        if starts([0x42, 0x5A, 0x68]) { return .bzip2 }
        if starts([0xFD, 0x37, 0x7A, 0x58, 0x5A, 0x00]) { return .xz }
        if starts([0x04, 0x22, 0x4D, 0x18]) { return .lz4 }
        return .none
    }
}

extension Compression {
    /// Opens `path` (`-` for standard input, `http://` or `https://` for a remote input) and
    /// decompresses it by content.
    public static func open(_ path: String) throws -> ByteStream {
        try decompressing(openRaw(path), name: path)
    }

    /// The input's bytes as stored: a file, standard input (`-`) or a URL, not decompressed
    /// (for readers that must see compressed member boundaries, like per-record gzip WARC).
    public static func openRaw(_ path: String) throws -> ByteStream {
        if path == "-" { return FileStream(standardInput: ()) }
        if HTTPStream.isURL(path) { return try HTTPStream(url: path) }
        return try FileStream(path: path)
    }

    /// Wraps `stream` in the decompressor its first bytes call for, under `limits`.
    public static func decompressing(_ stream: ByteStream, name: String, limits: DecompressionLimits = .init()) throws -> ByteStream {
        let counted = CountingStream(stream)
        let peek = PeekStream(counted)
        let compression = detect(try peek.peek(6))
        let decompressor: ByteStream
        switch compression {
        case .none: return peek
        case .gzip: decompressor = GzipStream(peek)
        case .zstd: decompressor = ZstdStream(peek)
        case .bzip2, .xz, .lz4: decompressor = try ArchiveFilterStream(peek, name: name)
        }
        return RatioGuard(decompressor, compressed: counted, limits: limits, format: compression.rawValue)
    }
}

extension ByteStream {
    /// Reads the whole stream (tests and small inputs only).
    public func readAll() throws -> [UInt8] {
        var out: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let n = try chunk.withUnsafeMutableBytes { try read(into: $0) }
            if n == 0 { return out }
            out.append(contentsOf: chunk[0..<n])
        }
    }
}
