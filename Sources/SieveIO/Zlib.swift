import CZlib
import SieveCore

/// gzip through zlib: a streaming inflater that reads every member of a multi-member file
/// (a `.warc.gz` is one member per record), and a deflating sink for `.gz` output.
///
/// It keeps the compressed offset at which each member started, so a record reader can name
/// the member that holds a record (the offset CDX indexes use). With `recovers`, a corrupt
/// member or garbage between members does not end the stream: `read` throws `GzipGap` once,
/// and the next `read` goes on from the next gzip header found in the input (RFC 1952 magic
/// `1f 8b 08`). FEXTRA, FNAME and FCOMMENT header fields are handled by zlib itself.
public final class GzipStream: ByteStream {
    private let base: ByteStream
    private var stream = z_stream()
    private var input: UnsafeMutableRawBufferPointer
    private var inputEnd = false
    private var finished = false
    /// True between a member's end and the start of the next one.
    private var betweenMembers = false
    /// Ends a read at the end of a member that produced output (for `GzipMemberStream`, which
    /// takes over again there).
    var stopsAtMemberEnd = false
    /// Resynchronise at the next member after a corrupt one instead of ending.
    public let recovers: Bool
    /// True after a gap was reported: the next read first looks for a gzip header.
    private var searching = false
    /// Compressed bytes taken from `base` so far.
    private var inputConsumed: Int64 = 0
    /// Decompressed bytes handed out so far.
    public private(set) var outputOffset: Int64 = 0
    /// (decompressed start, compressed start) of members not yet asked about (kept only when
    /// `recovers`, for record readers).
    private(set) var memberStarts: [(output: Int64, compressed: Int64)] = [(0, 0)]

    public init(_ base: ByteStream, bufferSize: Int = 1 << 18, recovers: Bool = false) {
        self.base = base
        self.recovers = recovers
        input = .allocate(byteCount: bufferSize, alignment: 16)
        sieve_inflateInit2(&stream, 15 + 16)
    }

    /// A recovering stream that begins between two members, `compressed` bytes into the input
    /// and `output` bytes into the output (where `GzipMemberStream` hands a member over).
    convenience init(_ base: ByteStream, resumingAt output: Int64, compressed: Int64) {
        self.init(base, recovers: true)
        betweenMembers = true
        memberStarts = []
        outputOffset = output
        inputConsumed = compressed
    }

    /// At the end of a member with nothing pending: `unconsumedInput` is what follows it.
    var atMemberEnd: Bool { betweenMembers && pendingGap == nil && !searching && !finished }
    /// Input read from `base` that inflate has not consumed yet.
    var unconsumedInput: UnsafeRawBufferPointer { UnsafeRawBufferPointer(start: stream.next_in, count: Int(stream.avail_in)) }

    deinit {
        inflateEnd(&stream)
        input.deallocate()
    }

    /// Offset in the compressed input of the next byte zlib has not consumed.
    public var compressedOffset: Int64 { inputConsumed - Int64(stream.avail_in) }

    /// The compressed offset of the member whose output starts exactly at `outputOffset`, if one
    /// does. Members that start earlier are forgotten (callers ask in increasing order).
    public func member(startingAt offset: Int64) -> Int64? {
        while let first = memberStarts.first, first.output < offset { memberStarts.removeFirst() }
        guard let first = memberStarts.first, first.output == offset else { return nil }
        return first.compressed
    }

    private func refill() throws {
        let n = try base.read(into: input)
        if n == 0 { inputEnd = true }
        inputConsumed += Int64(n)
        stream.next_in = input.baseAddress!.assumingMemoryBound(to: Bytef.self)
        stream.avail_in = UInt32(n)
    }

    /// Drops input up to the next gzip header; false if the input ended first.
    private func seekMember() throws -> Bool {
        while true {
            if stream.avail_in < 3 {
                if inputEnd { return false }
                // Keep the partial magic at the front and read more behind it.
                let kept = Int(stream.avail_in)
                if kept > 0 { input.baseAddress!.copyMemory(from: UnsafeRawPointer(stream.next_in), byteCount: kept) }
                let n = try base.read(into: UnsafeMutableRawBufferPointer(rebasing: input[kept...]))
                if n == 0 { inputEnd = true }
                inputConsumed += Int64(n)
                stream.next_in = input.baseAddress!.assumingMemoryBound(to: Bytef.self)
                stream.avail_in = UInt32(kept + n)
                if n == 0, kept == 0 { return false }
                continue
            }
            let p = stream.next_in!
            if p[0] == 0x1F, p[1] == 0x8B, p[2] == 0x08 { return true }
            stream.next_in += 1
            stream.avail_in -= 1
        }
    }

    /// Begins a member whose output starts `produced` bytes into the current read.
    private func startMember(_ produced: Int = 0) {
        inflateReset(&stream)
        // Only record readers (recovering streams) ask where members start.
        if recovers { memberStarts.append((outputOffset + Int64(produced), compressedOffset)) }
    }

    public func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        guard !finished, buffer.count > 0 else { return 0 }
        if let gap = pendingGap {
            pendingGap = nil
            searching = true
            throw gap
        }
        if searching {
            searching = false
            guard try seekMember() else { finished = true; return 0 }
            startMember()
        }
        stream.next_out = buffer.baseAddress!.assumingMemoryBound(to: Bytef.self)
        stream.avail_out = UInt32(min(buffer.count, Int(UInt32.max)))
        defer { outputOffset += Int64(buffer.count - Int(stream.avail_out)) }
        pump: while stream.avail_out > 0 {
            if stream.avail_in == 0 {
                if inputEnd { break }
                try refill()
                if stream.avail_in == 0 { break }
            }
            if betweenMembers {
                // Another member follows only if it starts with the gzip magic; anything else
                // (zero padding, garbage) ends the stream, as gzip(1) does, unless recovering.
                if stream.next_in[0] != 0x1F {
                    if recovers, stream.next_in[0] != 0 {
                        betweenMembers = false
                        return try gap(buffer, "garbage after gzip member")
                    }
                    finished = true
                    break
                }
                betweenMembers = false
                startMember(buffer.count - Int(stream.avail_out))
            }
            let status = inflate(&stream, Z_NO_FLUSH)
            switch status {
            case Z_OK, Z_BUF_ERROR: continue
            case Z_STREAM_END:
                betweenMembers = true
                if stopsAtMemberEnd, Int(stream.avail_out) < buffer.count { break pump }
            default:
                let message = stream.msg.map { String(cString: $0) } ?? String(cString: zError(status))
                if recovers { return try gap(buffer, message) }
                let produced = buffer.count - Int(stream.avail_out)
                if produced > 0 { finished = true; return produced }
                throw TruncatedInput(format: "gzip (\(message))")
            }
        }
        let produced = buffer.count - Int(stream.avail_out)
        if produced == 0, !finished, inputEnd, stream.avail_in == 0, !betweenMembers {
            finished = true
            throw TruncatedInput(format: "gzip")
        }
        if produced == 0 { finished = true }
        return produced
    }

    /// Ends the current member at a corrupt spot: what it produced so far is returned first, the
    /// gap is thrown by the next call, and the call after that resumes at the next member.
    private var pendingGap: GzipGap?
    private func gap(_ buffer: UnsafeMutableRawBufferPointer, _ message: String) throws -> Int {
        let produced = buffer.count - Int(stream.avail_out)
        let gap = GzipGap(compressedOffset: compressedOffset, outputOffset: outputOffset + Int64(produced), message: message)
        // A member that produced nothing before the gap does not start what follows it.
        memberStarts.removeAll { $0.output >= gap.outputOffset }
        // Step past the byte that failed so the search cannot find the same header again.
        if stream.avail_in > 0 { stream.next_in += 1; stream.avail_in -= 1 }
        if produced > 0 { pendingGap = gap; return produced }
        searching = true
        throw gap
    }
}

/// A corrupt gzip member (or garbage between members) skipped by a recovering `GzipStream`.
/// Output before `outputOffset` came from before the gap; output after it from the next member.
public struct GzipGap: Error, CustomStringConvertible {
    public var compressedOffset: Int64
    public var outputOffset: Int64
    public var message: String
    public var description: String { "corrupt gzip data at compressed offset \(compressedOffset): \(message)" }
}

/// Compresses everything written to it as one gzip member into `base`.
public final class GzipSink: ByteSink {
    private let base: ByteSink
    private var stream = z_stream()
    private var output = [UInt8](repeating: 0, count: 1 << 18)

    public init(_ base: ByteSink, level: Int32 = 6) {
        self.base = base
        sieve_deflateInit2(&stream, level, 15 + 16)
    }

    deinit { deflateEnd(&stream) }

    public func write(_ bytes: UnsafeRawBufferPointer) throws {
        guard bytes.count > 0 else { return }
        stream.next_in = UnsafeMutablePointer(mutating: bytes.baseAddress!.assumingMemoryBound(to: Bytef.self))
        stream.avail_in = UInt32(bytes.count)
        try pump(Z_NO_FLUSH)
    }

    public func close() throws {
        try pump(Z_FINISH)
        try base.close()
    }

    public func abandon() { base.abandon() }

    private func pump(_ flush: Int32) throws {
        repeat {
            let (status, produced) = output.withUnsafeMutableBytes { out -> (Int32, Int) in
                stream.next_out = out.baseAddress!.assumingMemoryBound(to: Bytef.self)
                stream.avail_out = UInt32(out.count)
                let status = deflate(&stream, flush)
                return (status, out.count - Int(stream.avail_out))
            }
            if produced > 0 { try output.withUnsafeBytes { try base.write(UnsafeRawBufferPointer(rebasing: $0[0..<produced])) } }
            if status == Z_STREAM_END { return }
            if status != Z_OK, status != Z_BUF_ERROR { throw SieveError.failed("gzip compression failed (\(status))") }
        } while stream.avail_in > 0 || (flush == Z_FINISH) || stream.avail_out == 0
    }
}

/// One-shot decompression of an HTTP body sent with `Content-Encoding: gzip` or `deflate`.
public enum HTTPInflate {
    public enum Failure: Error { case corrupt, tooLarge }

    /// Inflates gzip, zlib or raw deflate data (RFC 9110 §8.4.1: "deflate" is zlib, but servers
    /// also send raw deflate). Output over `limit` bytes is refused: a small body must not
    /// expand without bound (a "zip bomb").
    public static func inflate(_ bytes: UnsafeRawBufferPointer, limit: Int) -> Result<[UInt8], Failure> {
        let first = run(bytes, windowBits: 15 + 32, limit: limit)
        if case .failure(.corrupt) = first { return run(bytes, windowBits: -15, limit: limit) }
        return first
    }

    private static func run(_ bytes: UnsafeRawBufferPointer, windowBits: Int32, limit: Int) -> Result<[UInt8], Failure> {
        var stream = z_stream()
        guard sieve_inflateInit2(&stream, windowBits) == Z_OK else { return .failure(.corrupt) }
        defer { inflateEnd(&stream) }
        var out = [UInt8](repeating: 0, count: min(max(bytes.count * 4, 4096), limit + 1))
        var produced = 0
        stream.next_in = UnsafeMutablePointer(mutating: bytes.baseAddress?.assumingMemoryBound(to: Bytef.self))
        stream.avail_in = UInt32(bytes.count)
        while true {
            if produced == out.count {
                if out.count > limit { return .failure(.tooLarge) }
                out.append(contentsOf: repeatElement(0, count: min(out.count, limit + 1 - out.count)))
            }
            let status = out.withUnsafeMutableBytes { dst -> Int32 in
                stream.next_out = (dst.baseAddress! + produced).assumingMemoryBound(to: Bytef.self)
                stream.avail_out = UInt32(dst.count - produced)
                let status = CZlib.inflate(&stream, Z_NO_FLUSH)
                produced = dst.count - Int(stream.avail_out)
                return status
            }
            switch status {
            case Z_STREAM_END:
                if produced > limit { return .failure(.tooLarge) }
                out.removeSubrange(produced...)
                return .success(out)
            case Z_OK: continue
            case Z_BUF_ERROR where stream.avail_out == 0: continue
            default:
                // A body cut short still yields what was inflated (servers close early).
                if status == Z_BUF_ERROR, produced > 0 { out.removeSubrange(produced...); return .success(out) }
                return .failure(.corrupt)
            }
        }
    }
}

/// CRC-32 (zlib's `crc32`, the gzip/PNG polynomial): checksums of intermediate files.
public struct CRC32: Sendable {
    public private(set) var value: UInt32 = 0

    public init() {}

    public mutating func update(_ bytes: UnsafeRawBufferPointer) {
        var offset = 0
        while offset < bytes.count {
            let n = min(bytes.count - offset, Int(UInt32.max))
            value = UInt32(crc32(UInt(value), bytes.baseAddress!.advanced(by: offset).assumingMemoryBound(to: Bytef.self), UInt32(n)))
            offset += n
        }
    }
}
