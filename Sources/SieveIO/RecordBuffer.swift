#if canImport(Glibc)
import Glibc
#endif
import SieveCore

/// A sliding window over a (decompressed) stream for record readers: holds the current record
/// while it is parsed, grows only as far as the record needs (readers cap it), and notes where
/// a recovering gzip stream skipped a corrupt member, so the record across the gap is dropped.
/// `GzipMemberStream` holds its compressed input in one too, and reads it as a stream.
final class RecordBuffer: ByteStream {
    private let stream: ByteStream
    /// The gzip layer, when the input is gzip (to name members by their compressed offset).
    let gzip: GzipMemberStream?
    private var buffer: UnsafeMutableRawBufferPointer
    private var start = 0
    private var end = 0
    /// Absolute offset of `buffer[0]` in the decompressed stream.
    private var base: Int64 = 0
    private(set) var atEnd = false
    /// Why the stream ended early (a truncated gzip member), if it did.
    private(set) var truncation: TruncatedInput?
    /// Corrupt stretches skipped by the gzip layer, in order.
    private(set) var gaps: [GzipGap] = []

    init(_ stream: ByteStream, gzip: GzipMemberStream?) {
        self.stream = stream
        self.gzip = gzip
        buffer = .allocate(byteCount: 1 << 20, alignment: 16)
    }

    deinit { buffer.deallocate() }

    /// Absolute offset of the first held byte.
    var position: Int64 { base + Int64(start) }
    var count: Int { end - start }
    /// The held bytes (valid until the next `ensure`, `consume` or `discard`).
    var bytes: UnsafeRawBufferPointer { UnsafeRawBufferPointer(rebasing: buffer[start..<end]) }
    subscript(i: Int) -> UInt8 { buffer[start + i] }

    /// Reads until at least `n` bytes are held; false if the stream ended first.
    func ensure(_ n: Int) throws -> Bool {
        while count < n {
            if atEnd { return false }
            try fill(wanting: n)
        }
        return true
    }

    /// Reads more (at least 64 KiB of room) and returns false at the end of the stream.
    @discardableResult
    func fillMore() throws -> Bool {
        if atEnd { return false }
        try fill(wanting: count + 1)
        return true
    }

    private func fill(wanting n: Int) throws {
        // Room for what is held plus at least 64 KiB more: decompressors run their fast paths
        // on large output buffers.
        let room = max(n, count + (1 << 16))
        if buffer.count - end < room - count {
            if start > 0 {
                if count > 0 { buffer.baseAddress!.copyMemory(from: buffer.baseAddress! + start, byteCount: count) }
                base += Int64(start)
                end -= start
                start = 0
            }
            if buffer.count < room {
                let bigger = UnsafeMutableRawBufferPointer.allocate(byteCount: max(room, buffer.count * 2), alignment: 16)
                bigger.baseAddress!.copyMemory(from: buffer.baseAddress!, byteCount: end)
                buffer.deallocate()
                buffer = bigger
            }
        }
        do {
            let got = try stream.read(into: UnsafeMutableRawBufferPointer(rebasing: buffer[end...]))
            if got == 0 { atEnd = true }
            end += got
        } catch let gap as GzipGap {
            gaps.append(gap)
        } catch let error as TruncatedInput {
            truncation = error
            atEnd = true
        }
    }

    /// Drops `n` held bytes.
    func consume(_ n: Int) { start += n }

    /// Hands out held bytes (reading more first when none are held).
    func read(into output: UnsafeMutableRawBufferPointer) throws -> Int {
        if count == 0 { _ = try fillMore() }
        let n = min(count, output.count)
        if n > 0 { output.baseAddress!.copyMemory(from: buffer.baseAddress! + start, byteCount: n) }
        consume(n)
        return n
    }

    /// Puts `bytes`, the last ones handed out by `read(into:)`, back in front of the held ones.
    func unread(_ bytes: UnsafeRawBufferPointer) {
        let n = bytes.count
        guard n > 0 else { return }
        if n > start {
            let (held, at) = (count, position)
            let moved = UnsafeMutableRawBufferPointer.allocate(byteCount: max(buffer.count, n + held), alignment: 16)
            if held > 0 { (moved.baseAddress! + n).copyMemory(from: buffer.baseAddress! + start, byteCount: held) }
            buffer.deallocate()
            buffer = moved
            (start, end) = (n, n + held)
            base = at - Int64(n)
        }
        start -= n
        (buffer.baseAddress! + start).copyMemory(from: bytes.baseAddress!, byteCount: n)
    }

    /// Removes and returns the gaps at or before `offset` (for the reader to count).
    func takeGaps(through offset: Int64) -> [GzipGap] {
        let taken = gaps.prefix { $0.outputOffset <= offset }
        gaps.removeFirst(taken.count)
        return Array(taken)
    }

    /// The first gap inside the next `length` bytes (relative offset), if any.
    func gap(within length: Int) -> GzipGap? {
        let limit = position + Int64(length)
        return gaps.first { $0.outputOffset > position && $0.outputOffset <= limit }
    }

    /// Index (relative) of `pattern` in the held bytes from `from`, if present.
    func find(_ pattern: StaticString, from: Int = 0, to: Int? = nil) -> Int? {
        let limit = min(to ?? count, count)
        let p = UnsafeRawBufferPointer(start: pattern.utf8Start, count: pattern.utf8CodeUnitCount)
        guard from < limit, limit - from >= p.count else { return nil }
        let origin = UnsafeRawPointer(buffer.baseAddress! + start)
        let first = Int32(p[0])
        var i = from
        // memchr for the first byte, then compare the rest (glibc's memmem is not imported).
        while limit - i >= p.count {
            guard let hit = memchr(origin + i, first, limit - i - p.count + 1) else { return nil }
            i = UnsafeRawPointer(hit) - origin
            if memcmp(origin + i, p.baseAddress!, p.count) == 0 { return i }
            i += 1
        }
        return nil
    }
}
