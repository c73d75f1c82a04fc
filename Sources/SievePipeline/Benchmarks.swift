#if canImport(Glibc)
import Glibc
#endif
import SieveCore
import SieveIO

/// Throughput benchmarks behind `sieve bench`. Each prints what it measured, the rate and the
/// process's peak resident memory; figures go to docs/benchmarks.md.
public enum Benchmarks {
    public struct Result: CustomStringConvertible {
        public var name: String
        public var bytes: Int64
        public var documents: Int64
        public var seconds: Double
        public var peakRSSBytes: Int64
        /// CPU time (user + system) of the process over the run, when measured: on a shared
        /// machine the rate per core is bytes over CPU seconds, not over wall time.
        public var cpuSeconds: Double? = nil

        public var description: String {
            let mb = Double(bytes) / 1e6
            let cpu = cpuSeconds.map { "; CPU \(fmt($0)) s = \(fmt(mb / $0)) MB/s per core" } ?? ""
            return "\(name): \(fmt(mb)) MB, \(documents) docs in \(fmt(seconds)) s = \(fmt(mb / seconds)) MB/s, "
                + "\(fmt(Double(documents) / seconds)) docs/s\(cpu); peak RSS \(fmt(Double(peakRSSBytes) / 1e6)) MB"
        }
    }

    /// Makes `path` of about `bytes` of JSONL by repeating the documents of `source` with fresh
    /// ids (real text, any size). Skipped if the file already has that size or more.
    public static func makeJSONL(from source: String, to path: String, bytes: Int64) throws {
        if let size = FileSystem.size(path), size >= bytes { return }
        var reader = JSONLReader()
        var (documents, _) = try reader.readAll(source)
        guard !documents.isEmpty else { throw SieveError.failed("\(source) holds no documents") }
        let sink = try AtomicFileSink(path: path)
        var buffer: [UInt8] = []
        var written: Int64 = 0
        var round = 0
        while written < bytes {
            for k in documents.indices where written < bytes {
                documents[k].id = "r\(round)-\(k)"
                buffer.removeAll(keepingCapacity: true)
                NDJSON.encode(documents[k], to: &buffer)
                try buffer.withUnsafeBytes { try sink.write($0) }
                written += Int64(buffer.count)
            }
            round += 1
        }
        try sink.close()
    }

    /// Parse every line of `path` into a `Document` and serialize it again (into a buffer that is
    /// reused, as the writer does): the NDJSON codec's cost, with file reading.
    public static func ndjson(path: String) throws -> Result {
        var lines = LineReader(try Compression.open(path))
        var out: [UInt8] = []
        out.reserveCapacity(1 << 21)
        var bytes: Int64 = 0
        var documents: Int64 = 0
        let start = now()
        while let line = try lines.next() {
            guard case .line(let raw) = line else { continue }
            bytes += Int64(raw.count + 1)
            let doc = try NDJSON.decode(raw, defaultID: "")
            NDJSON.encode(doc, to: &out)
            documents += 1
            if out.count >= 1 << 20 { out.removeAll(keepingCapacity: true) }
        }
        return Result(name: "ndjson parse+serialize", bytes: bytes, documents: documents, seconds: now() - start,
                      peakRSSBytes: peakRSS())
    }

    public static func now() -> Double {
        var t = timespec()
        clock_gettime(CLOCK_MONOTONIC, &t)
        return Double(t.tv_sec) + Double(t.tv_nsec) / 1e9
    }

    /// CPU time of the calling thread (a rate per core on a machine shared with other work).
    static func threadCPUTime() -> Double {
        var t = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t)
        return Double(t.tv_sec) + Double(t.tv_nsec) / 1e9
    }

    /// Peak resident set size of this process so far.
    public static func peakRSS() -> Int64 {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return Int64(usage.ru_maxrss) * 1024
    }
}

func fmt(_ x: Double) -> String {
    let scaled = (x * 10).rounded() / 10
    return scaled >= 100 ? String(Int(scaled)) : String(scaled)
}
