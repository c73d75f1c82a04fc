#if canImport(Glibc)
import Glibc
#endif
import SieveCore
import SieveIO
import Testing
@testable import SievePipeline

/// The filter steps as a pipeline or `sieve filter` builds them: registered by name, datatrove's
/// keys, dropped documents kept with their reason.
@Suite struct FilterStepsTests {
    let root: String = {
        var parts = String(#filePath).split(separator: "/", omittingEmptySubsequences: false)
        parts.removeLast(3)
        return parts.joined(separator: "/")
    }()

    func make(_ name: String, _ params: [(String, String)], context: StepContext = StepContext()) throws -> any Stage {
        let here = SourceLocation.commandLine("test")
        let step = try Registry.step(name, at: here)
        return try step.make(StepParams(step: name, location: here, entries: params.map { ($0.0, .scalar($0.1, here)) }), context: context)
    }

    @Test func everyFilterIsRegisteredWithItsKeys() throws {
        for name in ["gopher_quality", "gopher_repetition", "c4_quality", "c4_paragraph", "c4_badwords", "fineweb_quality",
                     "url", "length", "regex", "unigram_logprob"] {
            #expect(Registry.steps[name]?.keys.contains("rejected") == true, "\(name)")
        }
        _ = try make("c4_quality", [("filter_no_terminal_punct", "false"), ("min_num_sentences", "3")])
        _ = try make("gopher_repetition", [("top_n_grams", "2:0.25,3:0.2"), ("dup_n_grams", "5:0.2")])
        #expect(throws: SieveError.self) { try make("gopher_repetition", [("top_n_grams", "2=0.25")]) }
        _ = try make("c4_badwords", [("lists", root + "/filters/badwords")])
        _ = try make("url", [("lists", root + "/filters/url"), ("use_integrated_lists", "false"), ("extra_domains", "a.com,b.org")])
        _ = try make("unigram_logprob", [("frequencies", root + "/filters/unigram/en.tsv.gz")])
        #expect(throws: SieveError.self) { try make("gopher_quality", [("min_doc_word", "5")]) }  // a typo is an error
        #expect(throws: SieveError.self) { try make("regex", []) }  // regex_exp is required
        #expect(throws: SieveError.self) { try make("fineweb_quality", [("line_punct_thr", "often")]) }
    }

    @Test func rejectedDocumentsKeepTheirReason() throws {
        let dir = "/tmp/sieve-test-rejected-\(getpid())"
        defer { try? FileSystem.removeTree(dir) }
        var reader = JSONLReader()
        let documents = try reader.readAll(root + "/fixtures/filters/verdicts.jsonl").documents
        var stage = try make("gopher_quality", [("rejected", dir)])
        var kept: [Document] = []
        var stats = StageStats(name: "gopher_quality")
        try stage.process(documents, into: &kept, stats: &stats)
        try stage.finish(into: &kept, stats: &stats)
        var rejectedReader = JSONLReader()
        var rejected: [Document] = []
        for file in try FileSystem.list(dir) { rejected += try rejectedReader.readAll(dir + "/" + file).documents }
        #expect(stats["total"] == Int64(documents.count))
        #expect(Int64(kept.count) == stats["forwarded"] && Int64(rejected.count) == stats["dropped"])
        #expect(!rejected.isEmpty)
        for doc in rejected {
            guard case .string(let reason)? = doc.metadata["drop_reason"] else { Issue.record("no drop_reason"); continue }
            #expect(reason.hasPrefix("gopher_"))
        }
        #expect(stats["dropped_gopher_short_doc"] > 0)
    }
}
