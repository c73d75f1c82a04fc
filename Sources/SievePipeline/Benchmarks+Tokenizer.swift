#if canImport(Glibc)
import Glibc
#endif
import SieveCore
import SieveIO
import SieveTokenizer

extension Benchmarks {
    /// `sieve bench tokenizer`: trains a byte-level BPE of `vocabSize` on `trainPath` (text, a
    /// sequence per line, as `tokenizers`' `train(files)`), then encodes `encodePath` in chunks of
    /// about 4 KiB (a web document) cut at line ends, on one thread and on `threads` threads. Peers:
    /// Benchmarks/tokenizer_hf.py runs Hugging Face `tokenizers` on the same files. Each name also
    /// gives the CPU time the work took (all threads), a rate that a busy machine distorts less.
    public static func tokenizer(trainPath: String, encodePath: String, vocabSize: Int, threads: Int,
                                 save: String?) throws -> [Result] {
        var results: [Result] = []
        var stats = StageStats(name: "train")
        var start = now()
        var cpu = cpuSeconds()
        let tokenizer = try BPETrainer(vocabSize: vocabSize, minFrequency: 2)
            .train([trainPath], corpus: TrainingCorpus(format: .text, threads: threads), stats: &stats)
        results.append(Result(name: "tokenizer train vocab \(vocabSize), \(threads) threads (CPU \(fmt(cpuSeconds() - cpu)) s)", bytes: stats["bytes"],
                              documents: stats["documents"], seconds: now() - start, peakRSSBytes: peakRSS()))
        if let save { try tokenizer.save(save) }

        let text = try Compression.open(encodePath).readAll()
        var chunks: [Range<Int>] = []
        var from = 0
        while from < text.count {
            var end = min(text.count, from + 4096)
            while end < text.count, text[end - 1] != 0x0A { end += 1 }
            chunks.append(from..<end)
            from = end
        }
        for n in [1, threads] where n >= 1 {
            var encoders = (0..<n).map { _ in Encoder(tokenizer) }
            var tokens = [Int](repeating: 0, count: n)
            start = now()
            cpu = cpuSeconds()
            text.withUnsafeBytes { raw in
                encoders.withUnsafeMutableBufferPointer { encoders in
                    tokens.withUnsafeMutableBufferPointer { tokens in
                        runInParallel(n) { w in
                            var ids: [UInt32] = []
                            for k in stride(from: w, to: chunks.count, by: n) {
                                ids.removeAll(keepingCapacity: true)
                                encoders[w].encode(UnsafeRawBufferPointer(rebasing: raw[chunks[k]]), into: &ids, allowSpecial: false)
                                tokens[w] += ids.count
                            }
                        }
                    }
                }
            }
            let seconds = now() - start
            let used = cpuSeconds() - cpu
            results.append(Result(name: "tokenizer encode, \(n) thread\(n > 1 ? "s" : "") (\(tokens.reduce(0, +)) tokens; CPU \(fmt(used)) s = "
                                  + "\(fmt(Double(text.count) / 1e6 / used)) MB per CPU-second)",
                                  bytes: Int64(text.count), documents: Int64(chunks.count), seconds: seconds, peakRSSBytes: peakRSS()))
            if n == threads { break }
        }
        return results
    }

    /// CPU time of this process so far (user + system, all threads).
    static func cpuSeconds() -> Double {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6
    }
}
