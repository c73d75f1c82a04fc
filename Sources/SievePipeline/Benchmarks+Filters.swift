#if canImport(Glibc)
import Glibc
#endif
import SieveCore
import SieveIO

extension Benchmarks {
    /// FineWeb's filter chain after extraction and language ID, as pipelines/fineweb.yaml runs it:
    /// url, gopher_repetition, gopher_quality, c4_quality (no terminal-punctuation rule),
    /// fineweb_quality.
    public static let fineWebFilterChain: [(step: String, params: [(String, String)])] = [
        ("url", []), ("gopher_repetition", []), ("gopher_quality", []),
        ("c4_quality", [("filter_no_terminal_punct", "false")]), ("fineweb_quality", []),
    ]

    /// Builds the chain through the registry (loading the URL lists, timed separately), reads
    /// `path` into memory, then runs every document through the chain on this thread, `rounds`
    /// times. Reports the chain alone: documents and text bytes per second, on one core.
    public static func filters(path: String, rounds: Int = 1) throws -> [Result] {
        let loadStart = now()
        let loadCPU = cpuTime()
        var stages: [any Stage] = []
        for (name, params) in fineWebFilterChain {
            let step = try Registry.step(name, at: .commandLine("sieve bench filters"))
            let entries = params.map { (key: $0.0, value: ParamValue.scalar($0.1, .commandLine("bench"))) }
            stages.append(try step.make(StepParams(step: name, location: .commandLine("bench"), entries: entries), context: StepContext()))
        }
        let load = Result(name: "filter chain setup (URL lists: 4.5 M domains)", bytes: 0, documents: 0,
                          seconds: now() - loadStart, peakRSSBytes: peakRSS())
        Log.info("setup: \(fmt(cpuTime() - loadCPU)) s of CPU time")

        var reader = JSONLReader()
        let documents = try reader.readAll(path).documents
        let bytes = documents.reduce(0) { $0 + Int64($1.text.utf8.count) }
        var chain = StageChain(stages, names: fineWebFilterChain.map(\.step))
        var kept = 0
        let start = now()
        let startCPU = cpuTime()
        for _ in 0..<rounds {
            var k = 0
            while k < documents.count {
                let batch = Array(documents[k..<min(k + 256, documents.count)])
                kept += try chain.process(batch).count
                k += 256
            }
        }
        let seconds = now() - start
        let cpu = cpuTime() - startCPU
        Log.info("kept \(kept / rounds) of \(documents.count) documents per round")
        let n = Int64(documents.count * rounds)
        return [load,
                Result(name: "FineWeb filter chain, wall time", bytes: bytes * Int64(rounds), documents: n, seconds: seconds,
                       peakRSSBytes: peakRSS()),
                Result(name: "FineWeb filter chain, CPU time (per core)", bytes: bytes * Int64(rounds), documents: n, seconds: cpu,
                       peakRSSBytes: peakRSS())]
    }
}
