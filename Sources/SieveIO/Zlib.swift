import CZlib
import SieveCore

/// gzip through zlib: a streaming inflater that reads every member of a multi-member file
/// (a `.warc.gz` is one member per record), and a deflating sink for `.gz` output.
public final class GzipStream: ByteStream {
    private let base: ByteStream
    private var stream = z_stream()
    private var input: UnsafeMutableRawBufferPointer
    private var inputEnd = false
    private var finished = false
    /// True between a member's end and the start of the next one.
    private var betweenMembers = false

    public init(_ base: ByteStream, bufferSize: Int = 1 << 18) {
        self.base = base
        input = .allocate(byteCount: bufferSize, alignment: 16)
        sieve_inflateInit2(&stream, 15 + 16)
    }

    deinit {
        inflateEnd(&stream)
        input.deallocate()
    }

    private func refill() throws {
        let n = try base.read(into: input)
        if n == 0 { inputEnd = true }
        stream.next_in = input.baseAddress!.assumingMemoryBound(to: Bytef.self)
        stream.avail_in = UInt32(n)
    }

    public func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        guard !finished, buffer.count > 0 else { return 0 }
        stream.next_out = buffer.baseAddress!.assumingMemoryBound(to: Bytef.self)
        stream.avail_out = UInt32(min(buffer.count, Int(UInt32.max)))
        while stream.avail_out > 0 {
            if stream.avail_in == 0 {
                if inputEnd { break }
                try refill()
                if stream.avail_in == 0 { break }
            }
            if betweenMembers {
                // Another member follows only if it starts with the gzip magic; anything else
                // (zero padding, garbage) ends the stream, as gzip(1) does.
                if stream.next_in[0] != 0x1F {
                    finished = true
                    break
                }
                betweenMembers = false
            }
            let status = inflate(&stream, Z_NO_FLUSH)
            switch status {
            case Z_OK, Z_BUF_ERROR: continue
            case Z_STREAM_END:
                inflateReset(&stream)
                betweenMembers = true
            default:
                let produced = buffer.count - Int(stream.avail_out)
                if produced > 0 { finished = true; return produced }
                let message = stream.msg.map { String(cString: $0) } ?? String(cString: zError(status))
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
