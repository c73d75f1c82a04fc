import Testing
import SieveCore
@testable import SieveIO
import SieveTestSupport

@Suite struct JSONLTests {
    @Test func readsLinesAcrossChunksWithCRLFAndNoFinalNewline() throws {
        let dir = try Fixtures.temporaryDirectory()
        try FileSystem.writeFile(dir + "/l.txt", Array("one\r\ntwo\n\nthree".utf8))
        for chunk in [1, 2, 7, 4096] {
            var reader = LineReader(ChunkedStream(try FileSystem.readFile(dir + "/l.txt"), chunk: chunk), initialBufferBytes: 2)
            var lines: [String] = []
            while case .line(let l)? = try reader.next() { lines.append(String(decoding: l, as: UTF8.self)) }
            #expect(lines == ["one", "two", "", "three"])
        }
    }

    @Test func skipsLinesOverTheLimitAndGoesOn() throws {
        let dir = try Fixtures.temporaryDirectory()
        try FileSystem.writeFile(dir + "/l.txt", Array(("a\n" + String(repeating: "x", count: 1000) + "\nb\n").utf8))
        var reader = LineReader(try FileStream(path: dir + "/l.txt"), initialBufferBytes: 16, maxLineBytes: 100)
        var seen: [String] = []
        while let line = try reader.next() {
            switch line {
            case .line(let l): seen.append(String(decoding: l, as: UTF8.self))
            case .tooLong: seen.append("<too long>")
            }
        }
        #expect(seen == ["a", "<too long>", "b"])
    }

    @Test func countsAndSkipsMalformedLinesKeepingTheRest() throws {
        var reader = JSONLReader()
        let (docs, stats) = try reader.readAll(Fixtures.path("broken/malformed-lines.jsonl"))
        #expect(docs.count == 10)
        #expect(stats["skipped"] == 3)
        #expect(stats["skipped_malformed_json"] == 1)
        #expect(stats["skipped_not_an_object"] == 1)
        #expect(stats["skipped_missing_text"] == 1)
    }

    @Test func countsATruncatedGzipAndKeepsTheCompleteLines() throws {
        var reader = JSONLReader()
        let (docs, stats) = try reader.readAll(Fixtures.path("broken/truncated.jsonl.gz"))
        #expect(docs.count == 3)
        #expect(stats["skipped_truncated_input"] == 1)
    }

    @Test func readsDolmaAndCCNetShapes() throws {
        var reader = JSONLReader(provenance: true)
        let (docs, _) = try reader.readAll(Fixtures.path("jsonl/ccnet-head-0091.jsonl.gz"))
        #expect(docs.count == 10)
        #expect(docs[0].id == "http://100kinvesting.com/2016/11/28/first-teleconference-calls-invoice-factoring/")
        #expect(docs[0].metadata["language"] == .string("en"))
        #expect(docs[0].metadata["added"] == .string("2023-04-07T15:24:38.743534+00:00"))
        #expect(docs[0].metadata["source_line"] == .number("1"))
    }

    @Test func expandsGlobsListsAndDirectoriesSorted() throws {
        let dir = try Fixtures.temporaryDirectory()
        for name in ["b.jsonl", "a.jsonl", "c.txt"] { try FileSystem.writeFile(dir + "/" + name, [UInt8]()) }
        try FileSystem.writeFile(dir + "/list", Array("# inputs\n\(dir)/c.txt\n\n\(dir)/*.jsonl\n".utf8))
        #expect(try InputPaths.expand([dir + "/*.jsonl"]) == [dir + "/a.jsonl", dir + "/b.jsonl"])
        #expect(try InputPaths.expand(["@" + dir + "/list"]) == [dir + "/c.txt", dir + "/a.jsonl", dir + "/b.jsonl"])
        #expect(try InputPaths.expand([dir]).count == 4)
        #expect(throws: SieveError.self) { try InputPaths.expand([dir + "/*.none"]) }
        #expect(throws: SieveError.self) { try InputPaths.expand([dir + "/missing"]) }
    }
}
