import Foundation
import Testing
import SieveCore
import SieveIO
import SievePipeline

/// The decompression caps (`max_compression_ratio`, `compression_ratio_floor`) hold for every
/// reader, set the same way from a pipeline file's `input:` and from `sieve read`: here the
/// MediaWiki reader and JSONL members of a tar (docs/reliability.md).
@Suite("Reader limits")
struct ReaderLimitsTests {
    private static let dir: String = {
        let dir = "/tmp/sieve-limits-\(getpid())"
        try? FileSystem.createDirectory(dir)
        return dir
    }()

    /// `bytes` gzipped (level 9) into `name` under the scratch directory; returns its path.
    private func gzip(_ bytes: [UInt8], _ name: String) throws -> String {
        let path = Self.dir + "/" + name
        let sink = GzipSink(try AtomicFileSink(path: path), level: 9)
        try bytes.withUnsafeBytes { try sink.write($0) }
        try sink.close()
        return path
    }

    /// The real tiny MediaWiki dump with one more page of 8 MiB of one letter: 1000:1 in gzip.
    private func wikiBomb(_ tag: String) throws -> String {
        let dump = String(decoding: try FileSystem.readFile(fixture("wiki/tinywiki-latest-pages-articles.xml")), as: UTF8.self)
        let page = "<page><title>Bomb</title><ns>0</ns><id>999</id><revision><id>1</id><text>"
            + String(repeating: "a", count: 8 << 20) + "</text></revision></page>\n"
        let end = try #require(dump.range(of: "</mediawiki>", options: .backwards))
        return try gzip(Array((dump[..<end.lowerBound] + page + dump[end.lowerBound...]).utf8), "bomb-wiki-\(tag).xml.gz")
    }

    /// A tar whose JSONL member is a gzip bomb (a line of 8 MiB of one letter), then a real
    /// JSONL member.
    private func tarBomb(_ tag: String) throws -> String {
        let line = Array(#"{"id":"bomb","text":""#.utf8) + [UInt8](repeating: 0x61, count: 8 << 20) + Array("\"}\n".utf8)
        let bomb = try FileSystem.readFile(try gzip(line, "bomb-\(tag).jsonl.gz"))
        let after = Array(#"{"id":"after","text":"read after the bomb"}"#.utf8) + [0x0A]
        let path = Self.dir + "/bomb-\(tag).tar"
        try FileSystem.writeFile(path, ustar([("bomb.jsonl.gz", bomb), ("after.jsonl", after)]))
        return path
    }

    /// The reader a pipeline file's `input:` makes, run over `path`.
    private func readWithSpec(_ input: String, _ path: String) throws -> ([Document], StageStats) {
        let yaml = "version: 1\nname: limits\ninput: {\(input), paths: [\"\(path)\"]}\nsteps:\n  - write: {path: out}\n"
        let spec = try PipelineSpec.parse(yaml, file: Self.dir + "/p.yaml")
        var reader = try spec.inputFormat.make(spec.inputParams)
        var docs: [Document] = []
        var stats = StageStats(name: "read")
        try reader.read(path, stats: &stats) { docs.append($0) }
        return (docs, stats)
    }

    @Test func mediaWikiDumpBombStopsAtTheRatioSetInThePipelineFile() throws {
        let path = try wikiBomb("spec")
        #expect(try FileSystem.readFile(path).count < 64 << 10)
        let (docs, stats) = try readWithSpec("format: wiki, max_compression_ratio: 100, compression_ratio_floor: 1MB", path)
        #expect(stats["skipped_decompression_bomb"] == 1, "\(stats.counters)")
        #expect(!docs.contains { $0.id.hasSuffix(":999") })
        // The defaults let it through: 8 MiB is under the 64 MiB floor.
        let (all, plain) = try readWithSpec("format: wiki", path)
        #expect(plain["skipped_decompression_bomb"] == 0 && all.contains { $0.id.hasSuffix(":999") })
    }

    @Test func jsonlMemberOfATarStopsAtTheRatioSetInThePipelineFile() throws {
        let path = try tarBomb("spec")
        let (docs, stats) = try readWithSpec("format: tar, max_compression_ratio: 100, compression_ratio_floor: 1MB", path)
        #expect(stats["skipped_decompression_bomb"] == 1, "\(stats.counters)")
        #expect(docs.map(\.id) == ["after"])
        // The line cap of JSONL members is set the same way.
        let (short, capped) = try readWithSpec("format: tar, max_line_bytes: 1MB", path)
        #expect(capped["skipped_line_too_long"] == 1 && short.map(\.id) == ["after"])
        let (all, plain) = try readWithSpec("format: tar", path)
        #expect(plain["skipped"] == 0 && all.map(\.id) == ["bomb", "after"])
    }

    @Test(arguments: ["wiki", "tar"])
    func theSameLimitsFromTheCommandLine(format: String) throws {
        let path = format == "wiki" ? try wikiBomb("cli") : try tarBomb("cli")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: InterruptionTests.executable)
        process.arguments = ["read", format, path, "--max-compression-ratio", "100", "--compression-ratio-floor", "1MB"]
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        let stderr = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "\(stderr)")
        #expect(stderr.contains("skipped_decompression_bomb=1"), "\(stderr)")
        #expect(stderr.contains("decompression bomb?"))
    }
}
