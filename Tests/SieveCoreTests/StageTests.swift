import Testing
@testable import SieveCore

/// Drops documents shorter than `minimum` characters.
private struct ShortFilter: DocumentFilter {
    var minimum: Int
    func verdict(for doc: Document) -> Verdict { doc.text.count < minimum ? .drop(reason: "too_short") : .keep }
}

@Suite struct StageTests {
    @Test func filterCountsTotalForwardedAndDropReasons() throws {
        var filter = ShortFilter(minimum: 3)
        var stats = StageStats(name: "short")
        var output: [Document] = []
        let batch = ["a", "abc", "", "abcd"].enumerated().map { Document(id: "\($0.offset)", text: $0.element) }
        try filter.process(batch, into: &output, stats: &stats)
        #expect(output.map(\.id) == ["1", "3"])
        #expect(stats["total"] == 4)
        #expect(stats["forwarded"] == 2)
        #expect(stats["dropped"] == 2)
        #expect(stats["dropped_too_short"] == 2)
        #expect(stats["forwarded_bytes"] == 7)
    }

    @Test func statsMergeByAddition() {
        var a = StageStats(name: "s", counters: ["total": 2, "dropped_x": 1])
        a.merge(StageStats(name: "s", counters: ["total": 3, "skipped_y": 4]))
        #expect(a.counters == ["total": 5, "dropped_x": 1, "skipped_y": 4])
    }

    @Test func metadataSubscriptReplacesAppendsAndRemoves() {
        var o: JSONObject = ["a": 1, "b": 2]
        o["a"] = "x"
        o["c"] = true
        o["b"] = nil
        #expect(o.keys == ["a", "c"])
        #expect(o["a"] == .string("x"))
    }

    @Test func sha256MatchesTheStandardVectors() {
        #expect(SHA256.hex(of: Array("abc".utf8)) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(SHA256.hex(of: [UInt8]()) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
    }
}
