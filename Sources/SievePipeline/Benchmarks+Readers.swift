#if canImport(Glibc)
import Glibc
#endif
import SieveCore
import SieveIO

extension Benchmarks {
    /// Reads every record of a WARC (or ARC) file twice: once only walking the records and
    /// touching each payload (what fastwarc's and warcio's iterators do), once turning
    /// `response` records into documents (HTTP head, transfer and content decoding, charset
    /// decoding to UTF-8, metadata). Rates are payload bytes (record content) per second, on one
    /// core; fastwarc/warcio are measured on the same file by Benchmarks/warc_peers.py.
    public static func warc(path: String) throws -> [Result] {
        var results: [Result] = []

        var stats = StageStats(name: "bench")
        var bytes: Int64 = 0
        var records: Int64 = 0
        var checksum: UInt8 = 0
        var start = now()
        var cpu = cpuTime()
        let walker = try WebArchiveRecordReader(try FileStream(path: path), name: path)
        while let record = try walker.next(stats: &stats) {
            bytes += Int64(record.content.count)
            records += 1
            if let last = record.content.last { checksum ^= last }
        }
        results.append(Result(name: "warc records (walk, payload touched \(checksum))", bytes: bytes, documents: records,
                              seconds: now() - start, peakRSSBytes: peakRSS(), cpuSeconds: cpuTime() - cpu))

        var documents: Int64 = 0
        var textBytes: Int64 = 0
        start = now()
        cpu = cpuTime()
        let reader = WARCReader()
        var readStats = StageStats(name: "bench")
        try reader.read(path, stats: &readStats) { doc in
            documents += 1
            textBytes += Int64(doc.text.utf8.count)
        }
        results.append(Result(name: "warc documents (response → UTF-8 HTML, \(textBytes / 1_000_000) MB text)", bytes: bytes,
                              documents: documents, seconds: now() - start, peakRSSBytes: peakRSS(), cpuSeconds: cpuTime() - cpu))
        return results
    }

    /// User + system CPU seconds of this process so far.
    static func cpuTime() -> Double {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        func seconds(_ t: timeval) -> Double { Double(t.tv_sec) + Double(t.tv_usec) / 1e6 }
        return seconds(usage.ru_utime) + seconds(usage.ru_stime)
    }
}
