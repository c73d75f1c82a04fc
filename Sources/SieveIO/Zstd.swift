import CZstd
import SieveCore

/// Zstandard through libzstd: a streaming decompressor (every frame of a multi-frame file) and a
/// compressing sink for `.zst` output.
public final class ZstdStream: ByteStream {
    private let base: ByteStream
    private let context: OpaquePointer
    private var input: UnsafeMutableRawBufferPointer
    private var inBuffer = ZSTD_inBuffer(src: nil, size: 0, pos: 0)
    private var inputEnd = false
    /// Non-zero while a frame is incomplete (libzstd's hint of bytes still expected).
    private var pending = 0

    public init(_ base: ByteStream) {
        self.base = base
        context = ZSTD_createDStream()
        ZSTD_initDStream(context)
        input = .allocate(byteCount: ZSTD_DStreamInSize(), alignment: 16)
    }

    deinit {
        ZSTD_freeDStream(context)
        input.deallocate()
    }

    public func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        var out = ZSTD_outBuffer(dst: buffer.baseAddress, size: buffer.count, pos: 0)
        while out.pos < out.size {
            if inBuffer.pos == inBuffer.size {
                if inputEnd { break }
                let n = try base.read(into: input)
                if n == 0 {
                    inputEnd = true
                    if pending != 0, out.pos == 0 {
                        // Flush what libzstd still holds before calling the input truncated.
                        let hint = ZSTD_decompressStream(context, &out, &inBuffer)
                        if ZSTD_isError(hint) == 0, out.pos > 0 { return out.pos }
                        throw TruncatedInput(format: "zstd")
                    }
                    break
                }
                inBuffer = ZSTD_inBuffer(src: input.baseAddress, size: n, pos: 0)
            }
            let hint = ZSTD_decompressStream(context, &out, &inBuffer)
            if ZSTD_isError(hint) != 0 {
                if out.pos > 0 { inputEnd = true; inBuffer.pos = inBuffer.size; return out.pos }
                throw TruncatedInput(format: "zstd (\(String(cString: ZSTD_getErrorName(hint))))")
            }
            pending = hint
        }
        if out.pos == 0, inputEnd, pending != 0 {
            pending = 0
            throw TruncatedInput(format: "zstd")
        }
        return out.pos
    }
}

/// Compresses everything written to it as one zstd frame into `base`.
public final class ZstdSink: ByteSink {
    private let base: ByteSink
    private let context: OpaquePointer
    private var output: [UInt8]

    public init(_ base: ByteSink, level: Int32 = 3) {
        self.base = base
        context = ZSTD_createCCtx()
        ZSTD_CCtx_setParameter(context, ZSTD_c_compressionLevel, level)
        output = [UInt8](repeating: 0, count: ZSTD_CStreamOutSize())
    }

    deinit { ZSTD_freeCCtx(context) }

    public func write(_ bytes: UnsafeRawBufferPointer) throws {
        var input = ZSTD_inBuffer(src: bytes.baseAddress, size: bytes.count, pos: 0)
        while input.pos < input.size { _ = try step(&input, ZSTD_e_continue) }
    }

    public func close() throws {
        var input = ZSTD_inBuffer(src: nil, size: 0, pos: 0)
        while try step(&input, ZSTD_e_end) != 0 {}
        try base.close()
    }

    public func abandon() { base.abandon() }

    private func step(_ input: inout ZSTD_inBuffer, _ mode: ZSTD_EndDirective) throws -> Int {
        let (remaining, produced) = output.withUnsafeMutableBytes { out -> (Int, Int) in
            var outBuffer = ZSTD_outBuffer(dst: out.baseAddress, size: out.count, pos: 0)
            let r = ZSTD_compressStream2(context, &outBuffer, &input, mode)
            return (r, outBuffer.pos)
        }
        if ZSTD_isError(remaining) != 0 {
            throw SieveError.failed("zstd compression failed: \(String(cString: ZSTD_getErrorName(remaining)))")
        }
        if produced > 0 { try output.withUnsafeBytes { try base.write(UnsafeRawBufferPointer(rebasing: $0[0..<produced])) } }
        return remaining
    }
}
