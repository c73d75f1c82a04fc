import SieveCore
import SieveIO
import Testing

/// A small deterministic generator (SplitMix64), so failures reproduce.
private struct SplitMix: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// `bytes` damaged one of three ways: bytes overwritten, cut short, or garbage inserted.
private func mutate(_ bytes: [UInt8], _ rng: inout SplitMix) -> [UInt8] {
    var b = bytes
    switch rng.next() % 3 {
    case 0:
        for _ in 0..<(1 + Int(rng.next() % 8)) { b[Int(rng.next() % UInt64(b.count))] = UInt8(truncatingIfNeeded: rng.next()) }
    case 1:
        b.removeSubrange(Int(rng.next() % UInt64(b.count))...)
    default:
        let junk = (0..<(1 + Int(rng.next() % 64))).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
        b.insert(contentsOf: junk, at: Int(rng.next() % UInt64(b.count)))
    }
    return b
}

/// Damaged web archives never crash, hang or throw: the damage is counted and the rest read.
@Test(arguments: ["example.warc.gz", "example.warc", "example.arc.gz", "whirlwind.warc.wet.gz", "example-iana.org-chunked.warc", "cc.warc.gz"])
func damagedArchivesAreReadToTheEnd(file: String) throws {
    // Quiet: every damaged copy would warn about what it skipped.
    try Log.$warnings.withValue(false) {
        let bytes = try FileSystem.readFile(fixture("warc/" + file))
        let (clean, _) = try readWARC(ChunkedStream(bytes, chunk: 1 << 16), name: file, reader: everyRecord)
        var rng = SplitMix(state: UInt64(bytes.count))
        for round in 0..<60 {
            let damaged = mutate(bytes, &rng)
            let (docs, _) = try readWARC(ChunkedStream(damaged, chunk: 1 + Int(rng.next() % 4096)), name: "\(file)#\(round)", reader: everyRecord)
            // Damage costs at most the records it touches (and garbage inserted may be read as one).
            #expect(docs.count <= clean.count + 1, "\(file) round \(round)")
        }
    }
}

@Test func damagedWikiDumpsAreReadToTheEnd() throws {
    // Quiet: every damaged copy would warn about what it skipped.
    try Log.$warnings.withValue(false) {
        let bytes = try FileSystem.readFile(fixture("wiki/tinywiki-latest-pages-articles.xml"))
        var rng = SplitMix(state: 7)
        for round in 0..<40 {
            var stats = StageStats(name: "read")
            var count = 0
            try MediaWikiReader().read(ChunkedStream(mutate(bytes, &rng), chunk: 997), name: "wiki#\(round)", stats: &stats) { _ in count += 1 }
            #expect(count <= 8)
        }
    }
}

@Test func damagedTarsAreReadToTheEnd() throws {
    // Quiet: every damaged copy would warn about what it skipped.
    try Log.$warnings.withValue(false) {
        for file in ["testtarfile.tar", "blns.txt.tar.gz", "blns.jsonl.zst.tar"] {
            let bytes = try FileSystem.readFile(fixture("tar/" + file))
            var rng = SplitMix(state: 11)
            for round in 0..<40 {
                var stats = StageStats(name: "read")
                var count = 0
                // An archive damaged beyond recognition is an unreadable input (thrown); anything
                // else is read to its end.
                do {
                    try TarReader().read(ChunkedStream(mutate(bytes, &rng), chunk: 509), name: "\(file)#\(round)", stats: &stats) { _ in count += 1 }
                } catch is SieveError {}
                #expect(count <= 8)
            }
        }
    }
}
