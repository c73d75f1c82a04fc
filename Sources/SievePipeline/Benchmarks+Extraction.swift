#if canImport(Glibc)
import Glibc
#endif
import SieveCore
import SieveIO
import SieveText

extension Benchmarks {
    /// `sieve bench extract`: main-text extraction of every HTML document of `path` (NDJSON, as
    /// built by `scripts/build-extraction-bench`), on one core. Documents are streamed; only the parse
    /// and the extraction are timed; bytes are the HTML's. Gives two results: by wall-clock time and
    /// by this thread's CPU time (the per-core cost, which other work on the machine does not inflate).
    public static func extraction(path: String, options: Extractor.Options = .init()) throws -> [Result] {
        let reader = JSONLReader()
        let extractor = Extractor(options: options)
        var bytes: Int64 = 0
        var documents: Int64 = 0
        var kept: Int64 = 0
        var seconds = 0.0
        var cpuSeconds = 0.0
        var stats = StageStats(name: "read")
        try reader.read(path, stats: &stats) { doc in
            let start = now(), cpuStart = threadCPUTime()
            let result = extractor.extract(doc.text)
            seconds += now() - start
            cpuSeconds += threadCPUTime() - cpuStart
            bytes += Int64(doc.text.utf8.count)
            documents += 1
            if let result, !result.text.isEmpty { kept += 1 }
        }
        Log.info("extract: \(kept) of \(documents) pages gave text")
        let name = "extract (\(options.focus.rawValue))"
        return [Result(name: name + ", wall clock", bytes: bytes, documents: documents, seconds: seconds, peakRSSBytes: peakRSS()),
                Result(name: name + ", thread CPU time", bytes: bytes, documents: documents, seconds: cpuSeconds, peakRSSBytes: peakRSS())]
    }

}
