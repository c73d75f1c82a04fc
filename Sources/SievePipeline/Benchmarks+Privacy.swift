import SieveCore
import SieveFilters
import SieveIO

extension Benchmarks {
    /// The `pii` step (redact mode) over every document of a JSONL file, parsing included.
    public static func pii(path: String) throws -> Result {
        let reader = JSONLReader()
        var redactor = PIIRedactor()
        var stats = StageStats(name: "pii")
        var batch: [Document] = []
        var output: [Document] = []
        var bytes: Int64 = 0
        var documents: Int64 = 0
        let start = now()
        var readStats = StageStats(name: "read")
        try reader.read(path, stats: &readStats) { doc in
            bytes += Int64(doc.text.utf8.count)
            documents += 1
            batch.append(doc)
            if batch.count == 256 {
                output.removeAll(keepingCapacity: true)
                try redactor.process(batch, into: &output, stats: &stats)
                batch.removeAll(keepingCapacity: true)
            }
        }
        try redactor.process(batch, into: &output, stats: &stats)
        return Result(name: "pii (redact, with JSONL parsing)", bytes: bytes, documents: documents, seconds: now() - start,
                      peakRSSBytes: peakRSS())
    }

    /// Reads `source` (a URL or a path) to the end, decompressing by content, and counts bytes.
    public static func read(source: String) throws -> Result {
        let start = now()
        let stream = try Compression.open(source)
        var buffer = [UInt8](repeating: 0, count: 1 << 20)
        var bytes: Int64 = 0
        while true {
            let n = try buffer.withUnsafeMutableBytes { try stream.read(into: $0) }
            if n == 0 { break }
            bytes += Int64(n)
        }
        return Result(name: "read \(source)", bytes: bytes, documents: 0, seconds: now() - start, peakRSSBytes: peakRSS())
    }
}
