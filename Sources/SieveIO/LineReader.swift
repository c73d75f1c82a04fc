#if canImport(Glibc)
import Glibc
#endif
import SieveCore

/// Splits a byte stream into lines without copying them: each line is a view into an internal
/// buffer, valid until the next call. Lines longer than `maxLineBytes` are skipped (the caller
/// is told, to count them) instead of growing the buffer without bound.
public struct LineReader: ~Copyable {
    public enum Line {
        case line(UnsafeRawBufferPointer)
        /// A line over the limit, skipped whole.
        case tooLong
    }

    private let stream: ByteStream
    private var buffer: UnsafeMutableRawBufferPointer
    private var start = 0
    private var end = 0
    private var eof = false
    public let maxLineBytes: Int
    /// 1-based number of the line last returned.
    public private(set) var lineNumber = 0
    /// Offset in the (decompressed) stream of the line last returned.
    public private(set) var lineOffset: Int64 = 0
    private var consumed: Int64 = 0

    public init(_ stream: ByteStream, initialBufferBytes: Int = 1 << 20, maxLineBytes: Int = 512 << 20) {
        self.stream = stream
        self.maxLineBytes = maxLineBytes
        buffer = .allocate(byteCount: max(initialBufferBytes, 64), alignment: 16)
    }

    deinit { buffer.deallocate() }

    /// The next line without its `\n` (and without a `\r` before it), or nil at the end.
    public mutating func next() throws -> Line? {
        var searchFrom = start
        var skipping = false
        while true {
            if let nl = find(from: searchFrom) {
                lineNumber += 1
                lineOffset = consumed
                let lineStart = start
                var lineEnd = nl
                consumed += Int64(nl + 1 - start)
                start = nl + 1
                if skipping { return .tooLong }
                if lineEnd > lineStart, buffer[lineEnd - 1] == 0x0D { lineEnd -= 1 }
                return .line(UnsafeRawBufferPointer(rebasing: buffer[lineStart..<lineEnd]))
            }
            if eof {
                guard start < end else { return nil }
                lineNumber += 1
                lineOffset = consumed
                consumed += Int64(end - start)
                let line = UnsafeRawBufferPointer(rebasing: buffer[start..<end])
                start = end
                if skipping { return .tooLong }
                return .line(line)
            }
            if end - start >= maxLineBytes {
                // Drop what is held of this line and keep reading until its end.
                skipping = true
                consumed += Int64(end - start)
                start = end
                searchFrom = end
            }
            searchFrom = try fill(keepingFrom: searchFrom)
        }
    }

    private func find(from: Int) -> Int? {
        guard from < end else { return nil }
        guard let p = memchr(buffer.baseAddress! + from, 0x0A, end - from) else { return nil }
        return UnsafeRawPointer(p) - UnsafeRawPointer(buffer.baseAddress!)
    }

    /// Moves the partial line to the front, grows the buffer if it is full, reads more.
    /// Returns where the newline search should resume.
    private mutating func fill(keepingFrom searchFrom: Int) throws -> Int {
        precondition(searchFrom >= start && searchFrom <= end)
        let held = end - start
        let searched = searchFrom - start
        if start > 0 {
            if held > 0 { buffer.baseAddress!.copyMemory(from: buffer.baseAddress! + start, byteCount: held) }
            start = 0
            end = held
        }
        if end == buffer.count {
            let bigger = UnsafeMutableRawBufferPointer.allocate(byteCount: buffer.count * 2, alignment: 16)
            bigger.baseAddress!.copyMemory(from: buffer.baseAddress!, byteCount: end)
            buffer.deallocate()
            buffer = bigger
        }
        let n = try stream.read(into: UnsafeMutableRawBufferPointer(rebasing: buffer[end...]))
        if n == 0 { eof = true }
        end += n
        return searched
    }
}
