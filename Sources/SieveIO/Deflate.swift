import CDeflate
import SieveCore

/// gzip per record (a `.warc.gz`: one gzip member per record) decoded member by member with
/// libdeflate (E. Biggers, https://github.com/ebiggers/libdeflate), whose inflate is 2–3×
/// faster than zlib's.
///
/// libdeflate decodes whole buffers only, but `libdeflate_gzip_decompress_ex` reports how many
/// input bytes a member used, so members are decoded one after another from a window of
/// compressed input that holds whole members: straight into the caller's buffer when a member
/// fits in it, else into an own buffer of up to `largestMember` bytes. Whatever libdeflate does
/// not take goes to zlib's `GzipStream`, started at that member in the state it would have
/// there had it read the whole input: a member larger than `largestMember` (whole-file gzip is
/// one huge member), a corrupt or truncated member, garbage or padding between members, a
/// header with a header CRC (which zlib checks and libdeflate does not). zlib recovers exactly
/// as it does alone (gaps thrown, resynchronisation at the next member, truncation) and hands
/// the input back at the end of the next member it completes. The output, the gaps and the
/// member offsets are therefore those of a recovering `GzipStream` over the same bytes.
final class GzipMemberStream: ByteStream {
    /// Compressed input: whole members, read ahead. It is zlib's input too, and takes back
    /// what zlib read and did not use.
    private let window: RecordBuffer
    private let decompressor: OpaquePointer
    /// Largest member output libdeflate decodes; larger members go through zlib's stream.
    let largestMember: Int
    /// Compressed input held ahead before a member is decoded (most members are far smaller;
    /// a quarter of the window's 1 MiB, so it moves what it holds to its front seldom).
    private let lookahead = 1 << 18
    /// The zlib stream while it has a member.
    private var zlib: GzipStream?
    /// Output of a member too large for the caller's buffer, handed out over several reads.
    private var spill: UnsafeMutableRawBufferPointer?
    private var spillStart = 0
    private var spillEnd = 0
    /// Decompressed bytes handed out so far (before the current zlib episode, while one runs).
    private var outputOffset: Int64 = 0
    /// (decompressed start, compressed start) of members not yet asked about.
    private var memberStarts: [(output: Int64, compressed: Int64)] = []
    /// Members libdeflate decoded (the others went through zlib).
    private(set) var decodedMembers = 0

    init(_ base: ByteStream, largestMember: Int = 8 << 20) {
        window = RecordBuffer(base, gzip: nil)
        decompressor = libdeflate_alloc_decompressor()!
        self.largestMember = largestMember
    }

    deinit {
        libdeflate_free_decompressor(decompressor)
        spill?.deallocate()
    }

    /// The compressed offset of the member whose output starts exactly at `offset`, if one does.
    /// Members that start earlier are forgotten (callers ask in increasing order).
    func member(startingAt offset: Int64) -> Int64? {
        while let first = memberStarts.first, first.output < offset { memberStarts.removeFirst() }
        if let first = memberStarts.first { return first.output == offset ? first.compressed : nil }
        return zlib?.member(startingAt: offset)
    }

    /// Members whose start nobody asked about yet, in order.
    var members: [(output: Int64, compressed: Int64)] { memberStarts + (zlib?.memberStarts ?? []) }

    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        guard buffer.count > 0 else { return 0 }
        if let zlib { return try read(zlib, into: buffer) }
        if spillStart < spillEnd { return handOutSpill(into: buffer) }
        var produced = 0
        while produced < buffer.count {
            _ = try window.ensure(lookahead)
            let room = UnsafeMutableRawBufferPointer(rebasing: buffer[produced...])
            let outcome = decode(into: room, at: outputOffset + Int64(produced))
            if case .decoded(let n) = outcome {
                produced += n
                continue
            }
            // Not decoded into this buffer: what was decoded goes out first.
            if produced > 0 { break }
            if outcome != .undecodable, try decodeLarge() { return handOutSpill(into: buffer) }
            return try read(handOver(), into: buffer)
        }
        outputOffset += Int64(produced)
        return produced
    }

    private enum Outcome: Equatable {
        case decoded(Int)
        /// Larger than the output buffer.
        case noRoom
        /// Perhaps longer than the window (libdeflate cannot tell a cut member from a corrupt one).
        case shortInput
        /// Not a plain gzip member, or corrupt.
        case undecodable
    }

    /// Decodes the member at the window's start into `output` (consuming it only if decoded).
    private func decode(into output: UnsafeMutableRawBufferPointer, at outputStart: Int64) -> Outcome {
        let input = window.bytes
        // The smallest member is 20 bytes. FHCRC (flag 0x02) is left to zlib, which checks it, and
        // so are reserved flags (0xE0), which both refuse.
        guard input.count >= 20, input[0] == 0x1F, input[1] == 0x8B, input[2] == 0x08, input[3] & 0xE2 == 0 else {
            return .undecodable
        }
        var used = 0
        var produced = 0
        switch libdeflate_gzip_decompress_ex(decompressor, input.baseAddress, input.count,
                                             output.baseAddress, output.count, &used, &produced) {
        case LIBDEFLATE_SUCCESS:
            memberStarts.append((outputStart, window.position))
            window.consume(used)
            decodedMembers += 1
            return .decoded(produced)
        case LIBDEFLATE_INSUFFICIENT_SPACE: return .noRoom
        default: return window.atEnd ? .undecodable : .shortInput
        }
    }

    /// Decodes the member at the window's start into the spill buffer. The buffer (from 1 MiB)
    /// and the window double, each when it is what falls short, up to `largestMember` (so memory
    /// follows the largest member met); false if the member is larger or not decodable.
    private func decodeLarge() throws -> Bool {
        var size = min(spill?.count ?? 1 << 20, largestMember)
        // Deflate adds at most 5 bytes per 64 KiB stored block, plus header and trailer.
        let largestInput = largestMember + largestMember / 1024 + (64 << 10)
        while true {
            if spill == nil || spill!.count < size {
                spill?.deallocate()
                spill = .allocate(byteCount: size, alignment: 16)
            }
            switch decode(into: UnsafeMutableRawBufferPointer(rebasing: spill![0..<size]), at: outputOffset) {
            case .decoded(let n):
                (spillStart, spillEnd) = (0, n)
                return true
            case .noRoom where size < largestMember: size = min(size * 2, largestMember)
            case .shortInput where window.count < largestInput: _ = try window.ensure(min(window.count * 2, largestInput))
            default: return false
            }
        }
    }

    private func handOutSpill(into buffer: UnsafeMutableRawBufferPointer) -> Int {
        let n = min(buffer.count, spillEnd - spillStart)
        buffer.baseAddress!.copyMemory(from: spill!.baseAddress! + spillStart, byteCount: n)
        spillStart += n
        outputOffset += Int64(n)
        return n
    }

    /// Starts zlib at the member at the window's start.
    private func handOver() -> GzipStream {
        let stream = outputOffset == 0 && window.position == 0
            ? GzipStream(window, recovers: true)
            : GzipStream(window, resumingAt: outputOffset, compressed: window.position)
        stream.stopsAtMemberEnd = true
        zlib = stream
        return stream
    }

    /// Reads through zlib, taking the input back when it completes a member.
    private func read(_ stream: GzipStream, into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        let n = try stream.read(into: buffer)
        if stream.atMemberEnd {
            window.unread(stream.unconsumedInput)
            memberStarts += stream.memberStarts
            outputOffset = stream.outputOffset
            zlib = nil
        }
        return n
    }
}
