#if canImport(Glibc)
import Glibc
#endif
import SieveCore
import SieveIO

/// Streams a training corpus into `WordCounts`, batch by batch (memory: one batch plus the
/// counts), counting each batch on several threads.
///
/// Text files are read as `tokenizers`' `train(files)` reads them: each line, with its line
/// ending, is one sequence. In JSON Lines, each document's `text` is one sequence.
public struct TrainingCorpus {
    public enum Format: String, Sendable, CaseIterable { case text, jsonl }

    public var format: Format
    public var threads: Int
    /// Bytes of text held per batch.
    public var batchBytes: Int

    public init(format: Format, threads: Int = 2, batchBytes: Int = 16 << 20) {
        self.format = format
        self.threads = threads
        self.batchBytes = batchBytes
    }

    /// Counts the pre-tokens of every input. `stats` gets `documents` (sequences), `bytes` and
    /// whatever the readers skipped.
    public func count(_ paths: [String], stats: inout StageStats, progress: ((Int64) -> Void)? = nil) throws -> WordCounts {
        var counts = WordCounts()
        var text: [UInt8] = []
        var ends: [Int] = []
        text.reserveCapacity(batchBytes + (1 << 20))
        var total: Int64 = 0
        var sequences: Int64 = 0
        /// Counts the sequences held, keeping the bytes after the last one (a partial line).
        func flush() {
            guard let last = ends.last else { return }
            counts.add(batch: text, ends: ends, threads: threads)
            sequences += Int64(ends.count)
            total += Int64(last)
            progress?(total)
            text.removeSubrange(0..<last)
            ends.removeAll(keepingCapacity: true)
        }
        for path in paths {
            switch format {
            case .jsonl:
                let reader = JSONLReader()
                try reader.read(path, stats: &stats) { doc in
                    text.append(contentsOf: doc.text.utf8)
                    ends.append(text.count)
                    if text.count >= batchBytes { flush() }
                }
            case .text:
                let stream = try Compression.open(path)
                var chunk = [UInt8](repeating: 0, count: 1 << 20)
                while true {
                    let n = try chunk.withUnsafeMutableBytes { try stream.read(into: $0) }
                    if n == 0 { break }
                    var from = text.count
                    text.append(contentsOf: chunk[0..<n])
                    text.withUnsafeBytes { bytes in
                        while from < bytes.count, let nl = memchr(bytes.baseAddress! + from, 0x0A, bytes.count - from) {
                            from = UnsafeRawPointer(nl) - bytes.baseAddress! + 1
                            ends.append(from)
                        }
                    }
                    if text.count >= batchBytes { flush() }
                }
                if text.count > (ends.last ?? 0) { ends.append(text.count) }  // a last line without a newline
            }
            flush()
        }
        stats.add("documents", sequences)
        stats.add("bytes", total)
        return counts
    }
}

extension BPETrainer {
    /// Counts the pre-tokens of `paths` (streamed, on `corpus.threads` threads) and trains.
    public func train(_ paths: [String], corpus: TrainingCorpus, stats: inout StageStats,
                      progress: ((Int64) -> Void)? = nil) throws -> Tokenizer {
        let counts = try corpus.count(paths, stats: &stats, progress: progress)
        stats.add("distinct_pretokens", Int64(counts.distinct))
        let tokenizer = try train(counts)
        stats.add("vocab_size", Int64(tokenizer.vocabSize))
        stats.add("merges", Int64(tokenizer.merges.count))
        return tokenizer
    }
}
