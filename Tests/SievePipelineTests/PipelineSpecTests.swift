import Testing
import SieveCore
import SieveFilters
import SieveTestSupport
@testable import SievePipeline

@Suite struct PipelineSpecTests {
    func parse(_ yaml: String) throws -> PipelineSpec {
        try PipelineSpec.parse(yaml, file: "p.yaml")
    }

    let input = "input: {format: jsonl, paths: [x.jsonl]}\n"

    /// The one-line message of the error `yaml` raises.
    func error(_ yaml: String) -> String {
        do {
            _ = try parse(yaml)
            return "no error"
        } catch {
            return "\(error)"
        }
    }

    @Test func parsesAValidPipeline() throws {
        let spec = try parse("version: 1\nname: t\n" + input + "steps:\n  - write: {path: out, format: jsonl.gz, max_shard_bytes: 64MB}\n")
        #expect(spec.name == "t")
        #expect(spec.steps.map(\.name) == ["write"])
        #expect(spec.inputPatterns == ["x.jsonl"])
        #expect(spec.sha256.count == 64)
    }

    @Test func namesFileLineColumnAndKeyOfEveryMistake() {
        #expect(error("version: 1\nname: t\n" + input + "steps:\n  - write: {path: out, fromat: jsonl}\n")
            == "p.yaml:5:32: 'fromat': unknown key for 'write' (this step takes: compression_level, format, max_shard_bytes, max_shard_docs, path, prefix)")
        #expect(error("version: 1\nname: t\n" + input + "steps:\n  - wrte: {path: out}\n").hasPrefix("p.yaml:5:5: 'wrte': unknown step"))
        #expect(error("version: 1\nname: t\n" + input + "steps:\n  - write: {path: out, max_shard_bytes: lots}\n")
            == "p.yaml:5:41: 'max_shard_bytes': 'lots' is not a size such as 256MB")
        #expect(error("version: 1\nname: t\n" + input + "steps:\n  - write: {path: out, format: parquet}\n")
            == "p.yaml:5:32: 'format': 'parquet' is not one of jsonl, jsonl.gz, jsonl.zst")
        #expect(error("version: 1\nname: t\n" + input + "steps:\n  - write: {format: jsonl}\n")
            == "p.yaml:5:12: 'path': step 'write' needs 'path'")
        #expect(error("version: 2\nname: t\n" + input + "steps: []\n").hasPrefix("p.yaml:1:10: 'version': unsupported version"))
        #expect(error("version: 1\nname: t\ninput: {format: csv, paths: [x]}\nsteps: []\n").hasPrefix("p.yaml:3:17: 'format': unknown input format 'csv'"))
        #expect(error("version: 1\nname: t\ninput: {format: jsonl}\nsteps: []\n") .hasPrefix("p.yaml:3:8: 'paths':"))
        #expect(error("version: 1\nname: t\n" + input + "stepz: []\n").hasPrefix("p.yaml:4:8: 'stepz': unknown key"))
        #expect(error("version: 1\nname: t\n" + input + "steps:\n  - write: {path: [a, b]}\n")
            == "p.yaml:5:19: 'path': expected a string, found a list")
        #expect(error("version: 1\nname: t\n" + input + "steps:\n  - write: {path: out\n").hasPrefix("p.yaml:6:1: invalid YAML"))
        #expect(error("version: 1\nname: t\n" + input + "steps:\n  - write: {path: out, path: b}\n") .contains("'path': duplicate key"))
        #expect(error("version: 1\nname: t\n" + input + "steps: []\n").hasPrefix("p.yaml:4:8: 'steps': a pipeline needs at least one step"))
    }

    /// Checking a pipeline file opens the URL lists (a missing one is named) without loading
    /// their millions of domains: only the tasks that run the step load them.
    @Test func checkingOpensTheURLListsWithoutLoadingThem() throws {
        #expect(error("version: 1\nname: t\n" + input + "steps:\n  - url: {lists: /nonexistent/url}\n")
            .contains("/nonexistent/url/domains.zst"))
        let lists = Fixtures.root + "/../filters/url/."
        _ = try parse("version: 1\nname: t\n" + input + "steps:\n  - url: {lists: \"\(lists)\"}\n")
        var loadedNow = false
        _ = LoadedResources.shared(lists) { loadedNow = true; return URLFilter.Lists() }
        #expect(loadedNow, "checking the file loaded the lists")
    }

    @Test func commandLineOptionsBecomeParameters() throws {
        let params = try StepParams.commandLine(step: "write", arguments: ["--max-shard-bytes", "1KB", "--format=jsonl", "--path", "o"])
        let stage = try Registry.steps["write"]!.make(params, context: StepContext())
        #expect(stage is SieveIO.WriteStage)
        #expect(throws: SieveError.self) { try StepParams.commandLine(step: "write", arguments: ["stray"]) }
        #expect(parseByteSize("256MB") == 256 << 20)
        #expect(parseByteSize("1.5 GiB") == 3 << 29)
        #expect(parseByteSize("4096") == 4096)
        #expect(parseByteSize("many") == nil)
    }
}

import SieveIO
