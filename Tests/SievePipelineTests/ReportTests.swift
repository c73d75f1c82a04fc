import Foundation
import Testing
import SieveCore
import SievePipeline
import SieveTestSupport

/// The web pipeline's curation part on the bundled WARC of real pages (fixtures/web), then
/// `sieve stats` and `sieve report`, and the page opened in headless Chromium.
@Suite(.serialized) struct ReportTests {
    /// pipelines/web.yaml without the steps that need trained models (scorers, tokenizer) and
    /// without `url` and `c4_badwords`, whose lists every task of every phase loads again (slow
    /// in a debug build); fewer dedup partitions and bands for the same reason.
    static let spec = """
        version: 1
        name: web-test
        input: {format: warc, paths: ["fixtures/web/*.warc.gz"]}
        steps:
          - extract: {}
          - normalize: {form: nfc}
          - language: {keep: [en], min_score: 0.65}
          - gopher_repetition: {}
          - gopher_quality: {}
          - c4_quality: {filter_no_terminal_punct: false}
          - fineweb_quality: {}
          - dedup_exact: {partitions: 2}
          - dedup_minhash: {buckets: 4}
          - write: {path: out/text, format: jsonl.zst}

        """

    func runPipeline() throws -> String {
        let dir = try Fixtures.temporaryDirectory()
        try FileSystem.writeFile(dir + "/web.yaml", Array(Self.spec.utf8))
        let result = try Sieve.run(["run", dir + "/web.yaml", "--run-dir", dir + "/run", "--tasks", "1", "--workers", "1"])
        #expect(result.status == 0, "\(result.stderr)")
        return dir + "/run"
    }

    @Test func statsReportAndBrowser() throws {
        let run = try runPipeline()
        let stats = try Sieve.run(["stats", run])
        #expect(stats.status == 0, "\(stats.stderr)")
        let table = stats.stdout
        #expect(table.contains("dropped_language") && table.contains("dropped_duplicate"))
        let json = try JSONParser.parse(try Sieve.run(["stats", run, "--json"]).stdout).objectValue
        let steps = json?["steps"]?.arrayValue?.compactMap(StageStats.init(json:)) ?? []
        #expect(steps.map(\.name).first == "read" && steps.map(\.name).last == "write")
        // Real work at the steps that matter: pages read, other languages dropped, duplicates removed.
        let byName = Dictionary(steps.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        #expect((byName["read"]?["forwarded"] ?? 0) >= 60)
        #expect((byName["language"]?["dropped"] ?? 0) > 0 && (byName["language"]?["forwarded"] ?? 0) > 0)
        #expect((byName["dedup_exact"]?["dropped"] ?? 0) > 0)
        #expect((byName["write"]?["forwarded"] ?? 0) > 10)

        // Timings per step: the same documents as the counters (a filter takes `total`, passes `forwarded`).
        let timings = try #require(RunTimings.load(run: run))
        #expect(timings.map(\.name) == steps.map(\.name))
        for (t, s) in zip(timings, steps) where ["language", "gopher_repetition", "gopher_quality", "fineweb_quality"].contains(s.name) {
            #expect(t.documentsIn == s["total"] && t.documentsOut == s["forwarded"] && t.bytesOut == s["forwarded_bytes"], "\(t)")
            #expect(t.wallSeconds > 0 && t.cpuSeconds > 0)
        }
        #expect(timings[0].documentsOut == byName["read"]?["forwarded"])
        let timingTable = try Sieve.run(["stats", run, "--timings"])
        #expect(timingTable.status == 0 && timingTable.stdout.hasPrefix("step") && timingTable.stdout.contains("1. extract"), "\(timingTable.stderr)")
        let timingJSON = try JSONParser.parse(try Sieve.run(["stats", run, "--timings", "--json"]).stdout).objectValue
        #expect(timingJSON?["steps"]?.arrayValue?.count == steps.count && timingJSON?["tasks"]?.arrayValue?.isEmpty == false)

        let inspect = try Sieve.run(["inspect", run])
        #expect(inspect.stdout.hasPrefix("\(run): a run directory") && inspect.stdout.contains("dedup_minhash"))

        let report = try Sieve.run(["report", run])
        #expect(report.status == 0, "\(report.stderr)")
        let page = try FileSystem.readText(run + "/report.html")
        for heading in ["Documents kept after each step", "Drop reasons per step", "Languages", "Throughput per step", "Wall time per phase"] {
            #expect(page.contains(heading), "missing section \(heading)")
        }
        #expect(!page.contains("src=") && !page.contains("<link"), "the page must not load anything")
        #expect(page.components(separatedBy: "<svg class=\"chart\"").count - 1 >= 5)

        // In a real browser: every chart laid out its marks (the page's own check, read from the DOM).
        guard let chromium = ["/usr/bin/chromium", "/usr/bin/chromium-browser"].first(where: FileSystem.exists) else {
            print("chromium not installed: browser check skipped (scripts/test installs it)")
            return
        }
        let dom = try Sieve.run([], shell: "'\(chromium)' --headless --no-sandbox --disable-gpu --virtual-time-budget=5000 "
                                 + "--dump-dom 'file://\(run)/report.html' 2>/dev/null")
        let charts = attribute("data-charts", in: dom.stdout), rendered = attribute("data-rendered", in: dom.stdout)
        #expect((charts ?? 0) >= 5, "\(dom.stdout.prefix(300))")
        #expect(rendered == charts)
    }

    /// The progress line of `sieve run` from a task's timings file while it runs: the slowest
    /// steps' rates and the task's time left, extrapolated from the share of its input read.
    @Test func progressLineShowsStepRatesAndTimeLeft() throws {
        let dir = try Fixtures.temporaryDirectory()
        let spec = Self.spec.replacingOccurrences(of: "fixtures/web", with: Fixtures.path("web"))
        try FileSystem.writeFile(dir + "/web.yaml", Array(spec.utf8))
        let run = try Run(spec: try PipelineSpec.load(dir + "/web.yaml"), directory: dir + "/run", tasks: 1)
        let progress = RunProgress()
        var timings = TaskTimings(phase: "map", task: 0, steps: (["read"] + run.spec.steps.map(\.name)).map { StepTiming(name: $0) })
        timings.steps[0].documentsOut = 500
        timings.steps[0].bytesOut = 5_000_000
        timings.steps[1] = StepTiming(name: "extract", wallSeconds: 2, cpuSeconds: 2)
        (timings.steps[1].documentsIn, timings.steps[1].bytesIn) = (500, 5_000_000)
        timings.steps[3] = StepTiming(name: "language", wallSeconds: 1, cpuSeconds: 1)
        timings.steps[3].documentsIn = 400
        (timings.wallSeconds, timings.inputBytes, timings.inputBytesDone) = (4, 1000, 250)
        try FileSystem.writeFile(run.timingsPath(task: 0), Array(JSONWriter.string(timings.json).utf8))
        let line = progress.line(run: run, done: 0, total: 5)
        #expect(line.hasPrefix("0/5 tasks · 500 docs read"), "\(line)")
        #expect(line.contains("slowest: extract 250/s 2.5 MB/s, language 400/s"), "\(line)")
        #expect(line.contains("left: task 0 12.0 s"), "\(line)")
    }

    @Test func missingRunSaysWhatToDo() throws {
        let result = try Sieve.run(["report", "/tmp/sieve-tests/no-such-run"])
        #expect(result.status != 0)
        #expect(result.stderr.contains("stats.json does not exist"))
    }

    func attribute(_ name: String, in html: String) -> Int? {
        guard let range = html.range(of: name + "=\"") else { return nil }
        return Int(html[range.upperBound...].prefix { $0.isNumber })
    }
}

/// `sieve inspect` on the kinds a test can make cheaply; scorers and checkpoints are shown by
/// scripts/demo's outputs.
@Suite struct InspectTests {
    @Test func dumpShowsRecordsWithTheirURLs() throws {
        let result = try Sieve.run(["inspect", Fixtures.path("web/pages.warc.gz"), "--documents", "2"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("documents, read as warc (first 2 shown"))
        #expect(result.stdout.components(separatedBy: "\n— ").count == 3)
        #expect(result.stdout.contains("https://"))
    }

    @Test func unknownFileNamesTheKnownKinds() throws {
        let result = try Sieve.run(["inspect", Fixtures.path("README.md")])
        #expect(result.status != 0)
        #expect(result.stderr.contains("known: token shard, run directory, scorer, checkpoint, tokenizer"))
    }
}
