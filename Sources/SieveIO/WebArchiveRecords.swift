#if canImport(Glibc)
import Glibc
#endif
import SieveCore

/// One record of a WARC (ISO 28500: WARC/0.18, 1.0, 1.1) or ARC (Internet Archive ARC v1/v2)
/// file. `content` points into the reader's buffer and is valid until the next record is read.
public struct WebArchiveRecord {
    /// `warcinfo`, `response`, `resource`, `request`, `metadata`, `revisit`, `conversion`,
    /// `continuation`, or what the file says; ARC records are `response` (the file header
    /// `filedesc://` record is `warcinfo`).
    public var type: String
    /// `WARC/1.0`, `ARC/1`, …
    public var version: String
    public var targetURI: String?
    public var date: String?
    public var recordID: String?
    public var contentType: String?
    /// `WARC-Identified-Content-Language` (WET) and `WARC-Identified-Payload-Type`.
    public var identifiedLanguage: String?
    public var identifiedPayloadType: String?
    /// Offset of the record in the decompressed stream.
    public var offset: Int64
    /// Offset of the gzip member that starts with this record (per-record gzip), if any.
    public var memberOffset: Int64?
    public var content: UnsafeRawBufferPointer
}

/// Reads the records of a WARC or ARC stream (the format is told by the first bytes; gzip per
/// record or whole file, or plain, decompressed by content).
///
/// Damage is skipped and counted, never fatal: garbage between records (`skipped_garbage`), a
/// bad or oversized header (`skipped_bad_header`, `skipped_header_too_large`), a record over
/// the size cap (`skipped_record_too_large`, read through without being held), a record cut
/// by the end of the input (`skipped_truncated_record`), a record whose real length is shorter
/// than its Content-Length (`skipped_record_shorter_than_length`: the next record header turned
/// up inside the declared length, also when that length is over the cap) and a corrupt gzip member
/// (`skipped_corrupt_gzip`). After each, reading resumes at the next record header
/// (`WARC/` at a line start, or the next ARC header line), so nothing later is lost.
public final class WebArchiveRecordReader {
    public struct Limits: Sendable {
        /// Largest record content held in memory (decompressed).
        public var maxRecordBytes: Int
        /// Largest record header block.
        public var maxHeaderBytes: Int
        /// The decompression ratio cap over the whole input.
        public var decompression: DecompressionLimits
        public init(maxRecordBytes: Int = 64 << 20, maxHeaderBytes: Int = 64 << 10, decompression: DecompressionLimits = .init()) {
            self.maxRecordBytes = maxRecordBytes
            self.maxHeaderBytes = maxHeaderBytes
            self.decompression = decompression
        }
    }

    private let window: RecordBuffer
    public let name: String
    public let limits: Limits
    private var isARC: Bool?
    private var arcVersion = 1
    private var pending = 0
    /// Whether the end of a truncated input was already counted with the record it cut.
    private var truncationCounted = false

    /// Reads `stream`, decompressing it by content; `name` names it in warnings.
    public init(_ stream: ByteStream, name: String, limits: Limits = Limits()) throws {
        let counted = CountingStream(stream)
        let peek = PeekStream(counted)
        let gzip: GzipMemberStream?
        let source: ByteStream
        if Compression.detect(try peek.peek(6)) == .gzip {
            // Members up to the record cap (at most 8 MiB) are decoded whole by libdeflate.
            gzip = GzipMemberStream(peek, largestMember: min(limits.maxRecordBytes + limits.maxHeaderBytes, 8 << 20))
            source = RatioGuard(gzip!, compressed: counted, limits: limits.decompression, format: "gzip")
        } else {
            gzip = nil
            source = try Compression.decompressing(peek, name: name, limits: limits.decompression)
        }
        window = RecordBuffer(source, gzip: gzip)
        self.name = name
        self.limits = limits
    }

    /// The next record, or nil at the end of the input. Skipped parts are counted in `stats`.
    public func next(stats: inout StageStats) throws -> WebArchiveRecord? {
        window.consume(pending)
        pending = 0
        while true {
            // Blank lines between records are normal; anything else before a header is garbage.
            while true {
                guard try window.ensure(1) else { break }
                let b = window[0]
                guard b == 0x0D || b == 0x0A else { break }
                window.consume(1)
            }
            // Corrupt gzip members and garbage between members that fell between records.
            for gap in window.takeGaps(through: window.position) {
                skip("corrupt_gzip", gap.description, at: place(gap.outputOffset), stats: &stats)
            }
            guard try window.ensure(1) else {
                if let truncation = window.truncation, !truncationCounted {
                    skip(truncation.reason, "\(truncation)", at: place(window.position), stats: &stats)
                }
                return nil
            }
            if isARC == nil {
                _ = try window.ensure(11)
                isARC = startsWith("filedesc://")
            }
            let record = isARC! ? try nextARC(stats: &stats) : try nextWARC(stats: &stats)
            if let record { return record }
        }
    }

    private func place(_ offset: Int64) -> String { "\(name) at offset \(offset)" }

    private func startsWith(_ s: StaticString, at i: Int = 0) -> Bool {
        guard window.count >= i + s.utf8CodeUnitCount else { return false }
        for k in 0..<s.utf8CodeUnitCount where window[i + k] != s.utf8Start[k] { return false }
        return true
    }

    /// Skips to the next line that starts with `WARC/` (or any next line, for ARC), counting
    /// what was passed over once as `reason`.
    private func resynchronise(_ reason: String, _ message: String, from offset: Int64, stats: inout StageStats) throws {
        skip(reason, message, at: place(offset), stats: &stats)
        if window.count > 0 { window.consume(1) }
        let pattern: StaticString = isARC == true ? "\n" : "\nWARC/"
        while true {
            if let hit = window.find(pattern) {
                window.consume(hit + 1)
                // ARC has no record marker: the next line that parses as a header is one.
                if isARC == true, !(try isARCHeaderLine()) { continue }
                return
            }
            let keep = min(window.count, pattern.utf8CodeUnitCount - 1)
            window.consume(window.count - keep)
            if !(try window.fillMore()) {
                window.consume(window.count)
                return
            }
        }
    }

    /// A record body: checks the bytes are all there and come from one stretch of the stream.
    /// Returns false (after counting and resynchronising) when they are not.
    private func holdBody(headerLength: Int, contentLength: Int64, start: Int64, stats: inout StageStats) throws -> Bool {
        if contentLength > Int64(limits.maxRecordBytes) {
            window.consume(headerLength)
            if let passed = try passOver(contentLength) {
                skip("record_shorter_than_length", "record declares \(contentLength) bytes (over the \(limits.maxRecordBytes)-byte cap), "
                     + "but the next record header comes after \(passed) bytes", at: place(start), stats: &stats)
            } else {
                skip("record_too_large", "record of \(contentLength) bytes is over the \(limits.maxRecordBytes)-byte cap", at: place(start), stats: &stats)
            }
            return false
        }
        let total = headerLength + Int(contentLength)
        let complete = try window.ensure(total)
        if let gap = window.gap(within: complete ? total : window.count) {
            skip("corrupt_gzip", gap.description, at: place(start), stats: &stats)
            window.consume(Int(gap.outputOffset - window.position))
            _ = window.takeGaps(through: gap.outputOffset)
            return false
        }
        if !complete {
            // Cut short: either the file ends inside it, or its Content-Length is too large
            // and the next record begins inside what was declared.
            let nextHeader = isARC! ? nil : window.find("\nWARC/", from: headerLength)
            let reason = nextHeader == nil ? "truncated_record" : "record_shorter_than_length"
            let cause = window.truncation.map { " (\($0))" } ?? ""
            truncationCounted = truncationCounted || (nextHeader == nil && window.truncation != nil)
            try resynchronise(reason, "record declares \(contentLength) bytes, \(window.count - headerLength) present\(cause)", from: start, stats: &stats)
            return false
        }
        return true
    }

    /// Reads through the `length` bytes of a record over the cap without holding them, but stops
    /// at a record header inside them (`WARC/` at a line start; for ARC, a line that parses as
    /// an ARC header): then the Content-Length lied, and the records after it are read (a
    /// length of 10 GB would otherwise take the rest of the file with it). Returns how many
    /// bytes were passed over when it stopped at a header, nil when it read through.
    private func passOver(_ length: Int64) throws -> Int64? {
        let pattern: StaticString = isARC! ? "\n" : "\nWARC/"
        let p = pattern.utf8CodeUnitCount
        var passed: Int64 = 0
        while passed < length {
            if window.count == 0, !(try window.fillMore()) { return nil }
            let span = Int(min(Int64(window.count), length - passed))
            if let hit = window.find(pattern, to: span + p - 1) {
                window.consume(hit + 1)
                passed += Int64(hit + 1)
                // ARC has no record marker: only a line that parses as a header is one.
                guard isARC!, !(try isARCHeaderLine()) else { return passed }
                continue
            }
            // Bytes whose pattern would end past the held ones are searched again after a read.
            let searched = window.atEnd ? span : min(span, window.count - (p - 1))
            if searched > 0 {
                window.consume(searched)
                passed += Int64(searched)
            } else if !(try window.fillMore()) {
                window.consume(span)
                passed += Int64(span)
            }
        }
        return nil
    }

    // MARK: WARC

    private func nextWARC(stats: inout StageStats) throws -> WebArchiveRecord? {
        let start = window.position
        _ = try window.ensure(8)
        guard startsWith("WARC/") else {
            try resynchronise("garbage", "no WARC record header", from: start, stats: &stats)
            return nil
        }
        // The header block ends at the first empty line.
        var searched = 0
        var block: (end: Int, body: Int)?
        while block == nil {
            block = blankLine(in: window.bytes, from: max(0, searched - 16))
            if block == nil {
                searched = window.count
                if window.count > limits.maxHeaderBytes {
                    try resynchronise("header_too_large", "header over \(limits.maxHeaderBytes) bytes", from: start, stats: &stats)
                    return nil
                }
                if !(try window.fillMore()) {
                    try resynchronise("truncated_record", "header cut short", from: start, stats: &stats)
                    return nil
                }
            }
        }
        let headerEnd = block!.end
        let headerLength = block!.body
        if headerLength > limits.maxHeaderBytes {
            try resynchronise("header_too_large", "header over \(limits.maxHeaderBytes) bytes", from: start, stats: &stats)
            return nil
        }
        var record = WebArchiveRecord(type: "", version: "", offset: start, content: UnsafeRawBufferPointer(start: nil, count: 0))
        var contentLength: Int64?
        forEachLine(UnsafeRawBufferPointer(rebasing: window.bytes[0..<headerEnd])) { line, first in
            if first {
                record.version = String(decoding: line, as: UTF8.self)
                return
            }
            guard let colon = line.firstIndex(of: 0x3A) else { return }
            let key = UnsafeRawBufferPointer(rebasing: line[..<colon])
            let value = { trimmed(UnsafeRawBufferPointer(rebasing: line[(colon + 1)...])) }
            if equalsLower(key, "warc-type") { record.type = value().lowercased() }
            else if equalsLower(key, "content-length") { contentLength = Int64(value()) }
            else if equalsLower(key, "warc-target-uri") { record.targetURI = cleanURI(value()) }
            else if equalsLower(key, "warc-date") { record.date = value() }
            else if equalsLower(key, "warc-record-id") { record.recordID = value() }
            else if equalsLower(key, "content-type") { record.contentType = value() }
            else if equalsLower(key, "warc-identified-content-language") { record.identifiedLanguage = value() }
            else if equalsLower(key, "warc-identified-payload-type") { record.identifiedPayloadType = value() }
        }
        guard let length = contentLength, length >= 0, !record.type.isEmpty else {
            try resynchronise("bad_header", "record header without a valid WARC-Type or Content-Length", from: start, stats: &stats)
            return nil
        }
        guard try holdBody(headerLength: headerLength, contentLength: length, start: start, stats: &stats) else { return nil }
        let end = headerLength + Int(length)
        // Two CRLFs end a record; a record whose trailer is missing and which holds the start
        // of another record was shorter than it declared.
        _ = try window.ensure(end + 4)
        if !(startsWith("\r\n", at: end) || startsWith("\n", at: end) || window.count == end),
           window.find("\nWARC/", from: headerLength, to: end) != nil {
            try resynchronise("record_shorter_than_length", "no record end after \(length) bytes of content", from: start, stats: &stats)
            return nil
        }
        record.memberOffset = window.gzip?.member(startingAt: start)
        record.content = UnsafeRawBufferPointer(rebasing: window.bytes[headerLength..<end])
        pending = end
        return record
    }

    // MARK: ARC

    /// The length of the line at the window's start (reading up to the header cap), or nil if
    /// it is longer than that.
    private func arcLineEnd() throws -> Int? {
        while true {
            if let end = window.find("\n") { return end }
            if window.count > limits.maxHeaderBytes { return nil }
            if !(try window.fillMore()) { return window.count }
        }
    }

    /// Whether the line at the window's start is an ARC header line (a URL first).
    private func isARCHeaderLine() throws -> Bool {
        guard try window.ensure(1), (window[0] | 0x20) >= 0x61, (window[0] | 0x20) <= 0x7A else { return false }
        return try arcLineEnd().map { parseARCLine($0) != nil } ?? false
    }

    /// An ARC header line: v1 `URL IP date content-type length`; v2 adds `result-code checksum
    /// location offset filename` before the length. Fields are read from the right, since URLs
    /// may hold spaces.
    private func parseARCLine(_ length: Int) -> (url: String, date: String, contentType: String, length: Int64)? {
        let line = String(decoding: UnsafeRawBufferPointer(rebasing: window.bytes[0..<length]), as: UTF8.self)
        let fields = line.split(separator: " ", omittingEmptySubsequences: true)
        let count = arcVersion == 2 ? 10 : 5
        guard fields.count >= count, let size = Int64(fields[fields.count - 1]), size >= 0 else { return nil }
        let date = fields[fields.count - count + 2]
        guard date.count >= 8, date.allSatisfy(\.isNumber) else { return nil }
        let url = cleanURI(fields[0...(fields.count - count)].joined(separator: " "))
        return (url, String(date), String(fields[fields.count - count + 3]), size)
    }

    private func nextARC(stats: inout StageStats) throws -> WebArchiveRecord? {
        let start = window.position
        guard let lineEnd = try arcLineEnd() else {
            try resynchronise("header_too_large", "ARC header line over \(limits.maxHeaderBytes) bytes", from: start, stats: &stats)
            return nil
        }
        guard let header = parseARCLine(lineEnd) else {
            try resynchronise("bad_header", "malformed ARC header line", from: start, stats: &stats)
            return nil
        }
        let headerLength = min(lineEnd + 1, window.count)
        guard try holdBody(headerLength: headerLength, contentLength: header.length, start: start, stats: &stats) else { return nil }
        let isFileHeader = header.url.hasPrefix("filedesc://")
        let record = WebArchiveRecord(
            type: isFileHeader ? "warcinfo" : "response", version: "ARC/\(arcVersion)", targetURI: header.url,
            date: arcDate(header.date), recordID: nil, contentType: header.contentType, offset: start,
            memberOffset: window.gzip?.member(startingAt: start),
            content: UnsafeRawBufferPointer(rebasing: window.bytes[headerLength..<(headerLength + Int(header.length))]))
        if isFileHeader, record.content.first == 0x32 { arcVersion = 2 }
        pending = headerLength + Int(header.length)
        return record
    }

    /// `20140216050221` → `2014-02-16T05:02:21Z` (the WARC-Date form).
    private func arcDate(_ d: String) -> String {
        let c = Array(d.utf8)
        guard c.count >= 14 else { return d }
        func s(_ r: Range<Int>) -> String { String(decoding: c[r], as: UTF8.self) }
        return "\(s(0..<4))-\(s(4..<6))-\(s(6..<8))T\(s(8..<10)):\(s(10..<12)):\(s(12..<14))Z"
    }
}

// MARK: - Header helpers (shared with the HTTP parser)

/// Calls `body` with each line of `block` (without `\n` and trailing `\r`s) and whether it is
/// the first.
func forEachLine(_ block: UnsafeRawBufferPointer, _ body: (UnsafeRawBufferPointer, Bool) -> Void) {
    var i = 0
    var first = true
    while i < block.count {
        var j = i
        while j < block.count, block[j] != 0x0A { j += 1 }
        var e = j
        while e > i, block[e - 1] == 0x0D { e -= 1 }
        body(UnsafeRawBufferPointer(rebasing: block[i..<e]), first)
        first = false
        i = j + 1
    }
}

/// The first empty line (nothing but CRs) in `bytes` at or after `from`: where the line before
/// it ends and where what follows it starts. Nil if there is none yet.
func blankLine(in bytes: UnsafeRawBufferPointer, from: Int) -> (end: Int, body: Int)? {
    guard let base = bytes.baseAddress else { return nil }
    var i = from
    while i < bytes.count, let hit = memchr(base + i, 0x0A, bytes.count - i) {
        let nl = UnsafeRawPointer(hit) - base
        var k = nl + 1
        while k < bytes.count, bytes[k] == 0x0D { k += 1 }
        if k < bytes.count, bytes[k] == 0x0A { return (nl, k + 1) }
        i = nl + 1
    }
    return nil
}

/// Whether ASCII `bytes` equal lowercase `word`, ignoring case.
func equalsLower(_ bytes: UnsafeRawBufferPointer, _ word: StaticString) -> Bool {
    var n = bytes.count
    while n > 0, bytes[n - 1] == 0x20 || bytes[n - 1] == 0x09 { n -= 1 }
    guard n == word.utf8CodeUnitCount else { return false }
    for k in 0..<n {
        let b = bytes[k]
        if (b >= 0x41 && b <= 0x5A ? b | 0x20 : b) != word.utf8Start[k] { return false }
    }
    return true
}

/// The bytes as a string without surrounding spaces and tabs.
func trimmed(_ bytes: UnsafeRawBufferPointer) -> String {
    var a = 0
    var b = bytes.count
    while a < b, bytes[a] == 0x20 || bytes[a] == 0x09 { a += 1 }
    while b > a, bytes[b - 1] == 0x20 || bytes[b - 1] == 0x09 { b -= 1 }
    return String(decoding: UnsafeRawBufferPointer(rebasing: bytes[a..<b]), as: UTF8.self)
}

/// `<http://x/>` → `http://x/` (WARC/0.18 and wget write target URIs in angle brackets);
/// spaces, invalid in a URI, become `%20` (as warcio writes them).
func cleanURI(_ s: String) -> String {
    let bare = s.hasPrefix("<") && s.hasSuffix(">") ? String(s.dropFirst().dropLast()) : s
    return bare.utf8.contains(0x20) ? bare.split(separator: " ", omittingEmptySubsequences: false).joined(separator: "%20") : bare
}
