import SieveCore
@testable import SieveIO
import Testing

/// gzip per record through libdeflate (`GzipMemberStream`): the same bytes, gaps and member
/// offsets as zlib's recovering `GzipStream`, on files built here member by member (so every
/// member's offset is known) and on the gzip fixtures.

/// Collects what is written.
private final class MemorySink: ByteSink {
    var bytes: [UInt8] = []
    func write(_ chunk: UnsafeRawBufferPointer) throws { bytes += chunk }
    func close() throws {}
    func abandon() {}
}

/// `data` as one gzip member (zlib's deflate, level 6, as warcio writes them).
private func gzip(_ data: [UInt8]) throws -> [UInt8] {
    let sink = MemorySink()
    let member = GzipSink(sink)
    try data.withUnsafeBytes { try member.write($0) }
    try member.close()
    return sink.bytes
}

/// A WARC/1.1 `resource` record of `payload`.
private func record(_ i: Int, _ payload: [UInt8]) -> [UInt8] {
    let head = "WARC/1.1\r\nWARC-Type: resource\r\nWARC-Target-URI: http://example.org/\(i)\r\n"
        + "WARC-Record-ID: <urn:uuid:\(i)>\r\nContent-Type: text/plain\r\nContent-Length: \(payload.count)\r\n\r\n"
    return Array(head.utf8) + payload + Array("\r\n\r\n".utf8)
}

/// Lowercase letters from xorshift64: text that deflate shrinks only to about 60 %.
private func letters(_ count: Int, seed: UInt64) -> [UInt8] {
    var x = seed | 1
    return (0..<count).map { _ in
        x ^= x << 13; x ^= x >> 7; x ^= x << 17
        return 0x61 + UInt8(x % 26)
    }
}

/// A gzip-per-record WARC of `payloads`, with each record's decompressed and compressed offset.
private func perRecordWARC(_ payloads: [[UInt8]]) throws -> (bytes: [UInt8], records: [Int], members: [Int]) {
    var bytes: [UInt8] = []
    var records: [Int] = []
    var members: [Int] = []
    var output = 0
    for (i, payload) in payloads.enumerated() {
        let plain = record(i, payload)
        records.append(output)
        members.append(bytes.count)
        bytes += try gzip(plain)
        output += plain.count
    }
    return (bytes, records, members)
}

private let reader = WARCReader(recordTypes: ["*"], contentTypes: ["*"], digest: true)

/// Everything a stream hands out: bytes, gaps, the truncation, the members it saw.
private struct Drained: Equatable {
    var bytes: [UInt8] = []
    var gaps: [String] = []
    var truncation: String?
    var members: [String] = []
}

private func drain(_ stream: ByteStream, readSize: Int) -> Drained {
    var drained = Drained()
    var chunk = [UInt8](repeating: 0, count: readSize)
    while true {
        do {
            let n = try chunk.withUnsafeMutableBytes { try stream.read(into: $0) }
            if n == 0 { break }
            drained.bytes += chunk[0..<n]
        } catch let gap as GzipGap {
            drained.gaps.append("\(gap.outputOffset) \(gap)")
        } catch {
            drained.truncation = "\(error)"
            break
        }
    }
    let members = (stream as? GzipMemberStream)?.members ?? (stream as? GzipStream)?.memberStarts ?? []
    drained.members = members.map { "\($0.output)@\($0.compressed)" }
    return drained
}

@Test func memberOffsetsAreExact() throws {
    // Empty, tiny, and larger than the 64 KiB a record buffer offers at least.
    let sizes = [0, 1, 100, 5_000, 70_000, 300, 20_000, 2, 150_000, 40]
    let payloads = sizes.enumerated().map { letters($0.element, seed: UInt64($0.offset + 1)) }
    let file = try perRecordWARC(payloads)
    for chunk in [7, 4096, file.bytes.count] {
        let (docs, stats) = try readWARC(ChunkedStream(file.bytes, chunk: chunk), name: "built", reader: reader)
        #expect(docs.count == sizes.count && stats["skipped"] == 0, "\(chunk)-byte chunks")
        #expect(docs.map { $0.metadata["source_member_offset"]?.intValue } == file.members, "\(chunk)-byte chunks")
        #expect(docs.map { $0.metadata["source_offset"]?.intValue } == file.records, "\(chunk)-byte chunks")
        #expect(docs.map { $0.metadata["payload_sha256"]?.stringValue } == payloads.map { SHA256.hex(of: $0) })
    }
    // All of them by libdeflate, none left to zlib.
    let stream = GzipMemberStream(ChunkedStream(file.bytes, chunk: 4096))
    #expect(drain(stream, readSize: 1 << 16).bytes.count == file.records.last! + record(9, payloads[9]).count)
    #expect(stream.decodedMembers == sizes.count)
}

@Test func memberLargerThanTheBuffers() throws {
    // 3 MiB of text, about 1.8 MiB of deflate: more than the record buffer's room (1 MiB) and
    // the compressed look-ahead (256 KiB), so it is decoded whole into the spill buffer.
    let payloads = [letters(500, seed: 1), letters(3 << 20, seed: 2), letters(800, seed: 3)]
    let file = try perRecordWARC(payloads)
    #expect(file.members[2] - file.members[1] > 1 << 20)
    let (docs, stats) = try readWARC(ChunkedStream(file.bytes, chunk: 65536), name: "large", reader: reader)
    #expect(docs.count == 3 && stats["skipped"] == 0)
    #expect(docs.map { $0.metadata["source_member_offset"]?.intValue } == file.members)
    #expect(docs.map { $0.metadata["payload_sha256"]?.stringValue } == payloads.map { SHA256.hex(of: $0) })

    // Over the record cap, the member is zlib's (streamed, never held) and the record is
    // skipped; libdeflate takes over again for the next member.
    let capped = WARCReader(recordTypes: ["*"], contentTypes: ["*"], limits: .init(maxRecordBytes: 1 << 20))
    let (kept, cappedStats) = try readWARC(ChunkedStream(file.bytes, chunk: 65536), name: "capped", reader: capped)
    #expect(kept.count == 2 && cappedStats["skipped_record_too_large"] == 1)
    #expect(kept.map { $0.metadata["source_member_offset"]?.intValue } == [file.members[0], file.members[2]])
}

@Test func corruptMemberInTheMiddle() throws {
    let payloads = (0..<20).map { letters(2_000 + 97 * $0, seed: UInt64($0 + 1)) }
    let file = try perRecordWARC(payloads)
    var bytes = file.bytes
    for k in (file.members[9] + 20)..<(file.members[9] + 60) { bytes[k] = 0xFF }
    for chunk in [7, bytes.count] {
        let (docs, stats) = try readWARC(ChunkedStream(bytes, chunk: chunk), name: "corrupt", reader: reader)
        var expected = file.members
        expected.remove(at: 9)
        #expect(docs.map { $0.metadata["source_member_offset"]?.intValue } == expected, "\(chunk)-byte chunks")
        #expect(stats["skipped_corrupt_gzip"] == 1 && stats["skipped"] == 1, "\(chunk)-byte chunks")
    }
}

/// Damaged and unusual gzip: libdeflate hands each to zlib, which must give what it gives alone.
@Test func sameOutputGapsAndMembersAsZlib() throws {
    let payloads = (0..<12).map { letters(1_000 + 331 * $0, seed: UInt64($0 + 7)) }
    let file = try perRecordWARC(payloads)
    let m = file.members
    let b = file.bytes
    // Member 3 with a header CRC (FLG.FHCRC, RFC 1952 §2.3.1): the low 16 bits of the header's CRC-32.
    var header = Array(b[m[3]..<(m[3] + 10)])
    header[3] |= 0x02
    var crc = CRC32()
    header.withUnsafeBytes { crc.update($0) }
    let fhcrc = Array(b[..<m[3]]) + header + [UInt8(crc.value & 0xFF), UInt8(crc.value >> 8 & 0xFF)] + b[(m[3] + 10)...]
    var corrupt = b
    for k in (m[6] + 30)..<(m[6] + 50) { corrupt[k] ^= 0x5A }
    let cases: [(String, [UInt8])] = [
        ("intact", b),
        ("corrupt member", corrupt),
        ("garbage between members", Array(b[..<m[4]]) + Array("not gzip at all".utf8) + b[m[4]...]),
        ("zero padding at the end", b + [UInt8](repeating: 0, count: 64)),
        ("zeros between members", Array(b[..<m[8]]) + [0, 0, 0, 0] + b[m[8]...]),
        ("cut inside the last member", Array(b[..<(m[11] + 40)])),
        ("cut inside a header", Array(b[..<(m[11] + 5)])),
        ("header CRC", fhcrc),
        ("whole-file gzip", try gzip(payloads.enumerated().flatMap { record($0.offset, $0.element) })),
        ("fixture warcfile.warc.gz", try FileSystem.readFile(fixture("warc/warcfile.warc.gz"))),
        ("fixture gzip_extra_sl.warc.gz", try FileSystem.readFile(fixture("warc/gzip_extra_sl.warc.gz"))),
        ("fixture clipped.warc.gz", try FileSystem.readFile(fixture("warc/clipped.warc.gz"))),
    ]
    for (name, bytes) in cases {
        let zlib = drain(GzipStream(ChunkedStream(bytes, chunk: 4096), recovers: true), readSize: 1 << 16)
        for (chunk, readSize) in [(7, 1 << 16), (bytes.count, 4096), (bytes.count, 1 << 20)] {
            // A small largest member also sends the larger members of the fixtures to zlib.
            for largest in [8 << 20, 3_000] {
                let fast = drain(GzipMemberStream(ChunkedStream(bytes, chunk: chunk), largestMember: largest), readSize: readSize)
                #expect(fast == zlib, "\(name): \(chunk)-byte chunks, \(readSize)-byte reads, largest member \(largest)")
            }
        }
    }
}
