#if canImport(Glibc)
import SieveCore
import Glibc
#endif
import Dispatch

/// Settings of the skip-gram embeddings. Defaults follow fastText's `skipgram` (window 5,
/// 5 negatives, character 3–5-grams, sampling threshold 1e-4, learning rate 0.05 decayed
/// linearly to 0) with a smaller dimension (32) and bucket count, which is enough for a
/// document-level quality signal and keeps a model file near 50 MB.
public struct SkipGramConfig: Sendable, Equatable {
    public var dim = 32
    public var window = 5
    public var negatives = 5
    public var epochs = 5
    public var learningRate: Float = 0.05
    public var minN = 3
    public var maxN = 5
    /// Rows for whole words (input and output); words are hashed, there is no vocabulary.
    public var wordBuckets = 1 << 17
    /// Rows for character n-grams (input only), after the word rows.
    public var ngramBuckets = 1 << 18
    /// Frequent-word subsampling threshold t (Mikolov et al. 2013): a word of corpus frequency
    /// f is kept with probability sqrt(t/f) + t/f.
    public var subsample = 1e-4
    public var threads = 1
    public var seed: UInt64 = 1

    public init() {}
}

/// The trained input vectors: what scoring needs. A word's vector is the mean of its word row
/// and its character n-gram rows (fastText's subword model), so unseen and misspelt words still
/// get a vector.
public struct Embeddings: Sendable {
    public let dim: Int
    public let minN: Int
    public let maxN: Int
    public let wordBuckets: Int
    public let ngramBuckets: Int
    /// (wordBuckets + ngramBuckets) × dim, row-major.
    public internal(set) var input: [Float]

    public init(dim: Int, minN: Int, maxN: Int, wordBuckets: Int, ngramBuckets: Int, input: [Float]) {
        precondition(input.count == (wordBuckets + ngramBuckets) * dim, "embedding matrix has the wrong size")
        self.dim = dim
        self.minN = minN
        self.maxN = maxN
        self.wordBuckets = wordBuckets
        self.ngramBuckets = ngramBuckets
        self.input = input
    }

    /// The layout of `config`'s matrix without its values (what training workers need to find rows).
    init(layoutOf config: SkipGramConfig) {
        (dim, minN, maxN, wordBuckets, ngramBuckets, input) = (config.dim, config.minN, config.maxN, config.wordBuckets, config.ngramBuckets, [])
    }

    /// Appends the input rows of `word` (its word row first) to `rows`.
    @inline(__always)
    func appendRows(of word: UnsafeBufferPointer<UInt8>, to rows: inout [Int32], scratch: inout [UInt8]) {
        rows.append(Int32(truncatingIfNeeded: Words.bucket(Words.fnv1a(word), wordBuckets)))
        let base = wordBuckets
        let buckets = ngramBuckets
        Words.forEachNgram(of: word, minN: minN, maxN: maxN, scratch: &scratch) {
            rows.append(Int32(truncatingIfNeeded: base + Words.bucket($0, buckets)))
        }
    }
}

/// fastText-style skip-gram embeddings with subword buckets, trained on unlabelled text
/// (Bojanowski et al. 2017; Mikolov et al. 2013 for negative sampling and subsampling).
///
/// For each kept word, the mean of its word and n-gram rows predicts each word in a random
/// window of 1…`window` on both sides (logistic loss against the output row of the context word
/// and `negatives` words drawn from the unigram distribution raised to 0.5, as fastText does).
/// The gradient of all contexts is summed and added to every input row of the centre word once
/// (fastText adds it after each context; summing halves the work and trains as well). The
/// learning rate decays linearly to zero over all epochs.
///
/// Threads: the documents are dealt round-robin to `threads` workers that update shared
/// matrices without locks (Hogwild, as fastText and word2vec). Each worker has its own seeded
/// generator and its own learning-rate schedule, so with one thread training is exactly
/// reproducible from the seed; with several, the interleaving of updates can differ slightly
/// between runs (the data each worker sees does not).
public enum SkipGram {
    public struct Report: Sendable, CustomStringConvertible {
        /// Words read over all epochs, before subsampling (fastText's count).
        public var words: Int64
        /// All of it: counting words, building tables, training.
        public var seconds: Double
        /// The training passes only (what fastText's words/sec/thread counter measures).
        public var trainingSeconds: Double
        public var threads: Int
        public var wordsPerSecondPerThread: Double { Double(words) / trainingSeconds / Double(threads) }
        public var description: String {
            "\(words) words in \(String(format1: seconds)) s (training passes \(String(format1: trainingSeconds)) s) on "
                + "\(threads) thread(s) = \(Int(wordsPerSecondPerThread)) words/s/thread"
        }
    }

    public static func train(_ texts: [String], config: SkipGramConfig) -> (Embeddings, Report) {
        let start = monotonicSeconds()
        let dim = config.dim
        let threads = max(1, min(config.threads, max(texts.count, 1)))
        let rows = config.wordBuckets + config.ngramBuckets

        // Pass 1: word counts per bucket (per thread, then summed: deterministic).
        let perThread = parallelMap(threads) { t -> (counts: [Int64], tokens: Int64) in
            var local = [Int64](repeating: 0, count: config.wordBuckets)
            var buffer: [UInt8] = []
            var n: Int64 = 0
            for d in stride(from: t, to: texts.count, by: threads) {
                Words.forEach(in: texts[d], buffer: &buffer) {
                    local[Words.bucket(Words.fnv1a($0), config.wordBuckets)] += 1
                    n += 1
                }
            }
            return (local, n)
        }
        var counts = [Int64](repeating: 0, count: config.wordBuckets)
        for local in perThread { for k in local.counts.indices { counts[k] += local.counts[k] } }
        let tokensOf = perThread.map(\.tokens)
        let totalTokens = max(tokensOf.reduce(0, +), 1)

        var keep = [Float](repeating: 1, count: config.wordBuckets)
        if config.subsample > 0 {
            for k in counts.indices where counts[k] > 0 {
                let f = Double(counts[k]) / Double(totalTokens)
                keep[k] = Float(min(1, (config.subsample / f).squareRoot() + config.subsample / f))
            }
        }
        var rng = SplitMix64(seed: config.seed)
        let table = negativeTable(counts, rng: &rng)

        let input = UnsafeMutablePointer<Float>.allocate(capacity: rows * dim)
        let output = UnsafeMutablePointer<Float>.allocate(capacity: config.wordBuckets * dim)
        defer { input.deallocate(); output.deallocate() }
        let bound = 1 / Float(dim)
        for k in 0..<(rows * dim) { input[k] = (rng.unit() * 2 - 1) * bound }
        output.initialize(repeating: 0, count: config.wordBuckets * dim)

        let embeddingsShape = Embeddings(layoutOf: config)
        let sigmoid = SigmoidTable()
        let matrices = SharedMatrices(input: input, output: output)
        let keepProbability = keep
        let trainingStart = monotonicSeconds()
        _ = parallelMap(threads) { t in
            var worker = Worker(config: config, shape: embeddingsShape, matrices: matrices, keep: keepProbability, table: table,
                                sigmoid: sigmoid, seed: config.seed &+ UInt64(t + 1) &* 0x9e37_79b9_7f4a_7c15)
            let total = Double(max(tokensOf[t] * Int64(config.epochs), 1))
            for _ in 0..<config.epochs {
                for d in stride(from: t, to: texts.count, by: threads) {
                    worker.train(texts[d], total: total)
                }
            }
            worker.release()
        }
        let embeddings = Embeddings(dim: dim, minN: config.minN, maxN: config.maxN, wordBuckets: config.wordBuckets,
                                    ngramBuckets: config.ngramBuckets,
                                    input: Array(UnsafeBufferPointer(start: input, count: rows * dim)))
        let end = monotonicSeconds()
        let report = Report(words: totalTokens * Int64(config.epochs), seconds: end - start,
                            trainingSeconds: end - trainingStart, threads: threads)
        return (embeddings, report)
    }

    /// fastText's table for negative sampling: bucket k appears in proportion to count^0.5.
    static func negativeTable(_ counts: [Int64], rng: inout SplitMix64) -> [Int32] {
        let size = 1 << 22
        var z = 0.0
        for c in counts where c > 0 { z += Double(c).squareRoot() }
        var table: [Int32] = []
        table.reserveCapacity(size + counts.count)
        guard z > 0 else { return [0] }
        for (k, c) in counts.enumerated() where c > 0 {
            let n = Int((Double(c).squareRoot() / z * Double(size)).rounded(.up))
            table.append(contentsOf: repeatElement(Int32(k), count: n))
        }
        table.shuffle(using: &rng)
        return table
    }

    /// The two matrices shared by the workers (Hogwild: updated without locks).
    struct SharedMatrices: @unchecked Sendable {
        let input: UnsafeMutablePointer<Float>
        let output: UnsafeMutablePointer<Float>
    }

    /// One training thread's state: its generator, scratch space and learning-rate schedule.
    struct Worker {
        let config: SkipGramConfig
        let shape: Embeddings
        let matrices: SharedMatrices
        let keep: [Float]
        let table: [Int32]
        let sigmoid: SigmoidTable
        var rng: SplitMix64
        var processed: Double = 0
        var buffer: [UInt8] = []
        var scratch: [UInt8] = []
        var targets: [Int32] = []
        var rowStart: [Int32] = []
        var rows: [Int32] = []
        /// Scratch vectors of `dim` floats, freed by `release()`.
        let hidden: UnsafeMutablePointer<Float>
        let gradient: UnsafeMutablePointer<Float>

        init(config: SkipGramConfig, shape: Embeddings, matrices: SharedMatrices, keep: [Float], table: [Int32],
             sigmoid: SigmoidTable, seed: UInt64) {
            self.config = config
            self.shape = shape
            self.matrices = matrices
            self.keep = keep
            self.table = table
            self.sigmoid = sigmoid
            rng = SplitMix64(seed: seed)
            hidden = .allocate(capacity: config.dim)
            gradient = .allocate(capacity: config.dim)
        }

        func release() {
            hidden.deallocate()
            gradient.deallocate()
        }

        /// One pass over one document: read its words (dropping frequent ones at random), then
        /// train on every window.
        mutating func train(_ text: String, total: Double) {
            targets.removeAll(keepingCapacity: true)
            rowStart.removeAll(keepingCapacity: true)
            rows.removeAll(keepingCapacity: true)
            var read = 0
            let wordBuckets = config.wordBuckets
            Words.forEach(in: text, buffer: &buffer) { word in
                read += 1
                let target = Words.bucket(Words.fnv1a(word), wordBuckets)
                guard rng.unit() < keep[target] else { return }
                targets.append(Int32(target))
                rowStart.append(Int32(rows.count))
                shape.appendRows(of: word, to: &rows, scratch: &scratch)
            }
            rowStart.append(Int32(rows.count))
            let lr = config.learningRate * Float(max(0, 1 - processed / total))
            processed += Double(read)
            guard targets.count > 1 else { return }
            for w in targets.indices { step(center: w, lr: lr) }
        }

        @inline(__always)
        mutating func step(center w: Int, lr: Float) {
            let dim = config.dim
            let input = matrices.input
            let output = matrices.output
            let first = Int(rowStart[w]), end = Int(rowStart[w + 1])
            let scale = 1 / Float(end - first)
            let h = hidden, g = gradient
            for i in 0..<dim { h[i] = 0; g[i] = 0 }
            for r in first..<end {
                let row = input + Int(rows[r]) * dim
                for i in 0..<dim { h[i] += row[i] }
            }
            for i in 0..<dim { h[i] *= scale }
            let reach = 1 + Words.bucket(rng.next(), config.window)
            for c in max(0, w - reach)...min(targets.count - 1, w + reach) where c != w {
                let target = targets[c]
                update(output + Int(target) * dim, label: 1, lr: lr)
                for _ in 0..<config.negatives {
                    let negative = table[Words.bucket(rng.next(), table.count)]
                    if negative == target { continue }
                    update(output + Int(negative) * dim, label: 0, lr: lr)
                }
            }
            for r in first..<end {
                let row = input + Int(rows[r]) * dim
                for i in 0..<dim { row[i] += g[i] }
            }
        }

        /// Logistic loss of one (hidden, output row) pair: accumulates the input gradient and
        /// updates the output row.
        @inline(__always)
        func update(_ out: UnsafeMutablePointer<Float>, label: Float, lr: Float) {
            let dim = config.dim
            let alpha = lr * (label - sigmoid(FloatKernels.dot(out, hidden, dim)))
            FloatKernels.axpy(alpha, out, gradient, dim)
            FloatKernels.axpy(alpha, hidden, out, dim)
        }
    }
}

/// Dense vector kernels on raw pointers, eight lanes at a time (a float sum is not reordered,
/// hence not vectorised, unless written with SIMD types).
enum FloatKernels {
    @inline(__always)
    static func dot(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ n: Int) -> Float {
        var acc = SIMD8<Float>(repeating: 0)
        var i = 0
        while i + 8 <= n {
            acc += UnsafeRawPointer(a + i).loadUnaligned(as: SIMD8<Float>.self) * UnsafeRawPointer(b + i).loadUnaligned(as: SIMD8<Float>.self)
            i += 8
        }
        var s = acc.sum()
        while i < n { s += a[i] * b[i]; i += 1 }
        return s
    }

    /// y += alpha · x
    @inline(__always)
    static func axpy(_ alpha: Float, _ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, _ n: Int) {
        for i in 0..<n { y[i] += alpha * x[i] }
    }
}

/// The logistic function from a table over [-8, 8], as fastText computes it.
struct SigmoidTable: Sendable {
    static let size = 512
    static let bound: Float = 8
    let values: [Float]

    init() {
        values = (0...Self.size).map { k in
            let x = (Float(k) * 2 * Self.bound / Float(Self.size)) - Self.bound
            return 1 / (1 + expf(-x))
        }
    }

    @inline(__always)
    func callAsFunction(_ x: Float) -> Float {
        if x <= -Self.bound { return 0 }
        if x >= Self.bound { return 1 }
        return values[Int((x + Self.bound) * (Float(Self.size) / (2 * Self.bound)))]
    }
}

/// Runs `body(0)`, …, `body(count - 1)` on `count` threads and returns the results in order.
public func parallelMap<T>(_ count: Int, _ body: @Sendable (Int) -> T) -> [T] {
    let slots = ParallelSlots<T>(base: .allocate(capacity: count))
    slots.base.initialize(repeating: nil, count: count)
    defer { slots.base.deinitialize(count: count); slots.base.deallocate() }
    DispatchQueue.concurrentPerform(iterations: count) { t in slots.base[t] = body(t) }
    return (0..<count).map { slots.base[$0]! }
}

/// Result slots that threads fill at distinct indices.
struct ParallelSlots<T>: @unchecked Sendable { let base: UnsafeMutablePointer<T?> }

func monotonicSeconds() -> Double {
    var t = timespec()
    clock_gettime(CLOCK_MONOTONIC, &t)
    return Double(t.tv_sec) + Double(t.tv_nsec) / 1e9
}

extension String {
    /// A number with one decimal.
    init(format1 x: Double) {
        let scaled = (x * 10).rounded() / 10
        self = "\(scaled)"
    }
}
