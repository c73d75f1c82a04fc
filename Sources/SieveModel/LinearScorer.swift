#if canImport(Glibc)
import SieveCore
import Glibc
#endif

/// Settings of the linear scorer.
public struct ScorerConfig: Sendable, Equatable {
    /// Hashed word unigrams and bigrams share this many weights (fastText's `-bucket`, smaller).
    public var featureBuckets = 1 << 20
    /// Only the first `maxWords` words of a text are read (long documents are judged by their
    /// start; this also bounds the cost of scoring).
    public var maxWords = 2000
    public var useNgrams = true
    public var epochs = 10
    public var learningRate: Float = 0.2
    /// L2 penalty, applied to the weights a sample touches (lazy, per occurrence).
    public var l2: Float = 1e-5
    /// Share of the labelled data held out to fit the calibration (Platt scaling).
    public var calibrationFraction = 0.15
    public var seed: UInt64 = 1

    public init() {}
}

/// Terms of a word list (LDNOOBW, C4's bad words), matched as whole words or phrases of up to
/// three words after the scorer's word splitting. Hits are features of the scorer and are
/// reported per term.
public struct Blocklist: Sendable, Equatable {
    public let terms: [String]
    let phrases: [UInt64: Int]
    let longest: Int

    public init(terms: [String]) {
        var phrases: [UInt64: Int] = [:]
        var longest = 0
        var buffer: [UInt8] = []
        var kept: [String] = []
        for term in terms {
            var hash: UInt64 = 0
            var words = 0
            Words.forEach(in: term, buffer: &buffer) { hash = Words.combine(hash, Words.fnv1a($0)); words += 1 }
            guard words > 0, words <= 3, phrases[hash] == nil else { continue }
            phrases[hash] = kept.count
            kept.append(term)
            longest = max(longest, words)
        }
        self.terms = kept
        self.phrases = phrases
        self.longest = longest
    }

    public static let empty = Blocklist(terms: [])
    public var isEmpty: Bool { terms.isEmpty }
}

/// A linear model over hashed word unigrams and bigrams, the mean skip-gram embedding of the
/// words and cheap text statistics, trained as L2-regularised logistic regression by SGD and
/// calibrated with Platt scaling (Platt 1999, with the smoothed targets of Lin, Lin & Weng 2007)
/// on a held-out share of the labels. The same model scores quality (positives: a reference set
/// such as Wikipedia and books; negatives: a sample of the crawl) and toxicity (human labels).
///
/// As in fastText's supervised model (Joulin et al. 2017, "Bag of Tricks"), the n-gram features
/// are hashed into `featureBuckets`; each occurrence has weight 1/sqrt(words), so long and short
/// texts have features of similar size. The dense part (embedding + statistics) is standardised
/// with the training set's mean and deviation.
public struct LinearScorer: Sendable {
    public var config: ScorerConfig
    public var embeddings: Embeddings?
    public var blocklist: Blocklist
    public var sparse: [Float]
    public var dense: [Float]
    public var bias: Float
    public var denseMean: [Float]
    public var denseScale: [Float]
    /// Calibration: p = σ(plattA · z + plattB) where z is the raw linear score.
    public var plattA: Double
    public var plattB: Double

    /// Names of the text statistics, in the order of the dense features after the embedding.
    public static let statisticNames = [
        "log_chars", "log_words", "mean_word_length", "letter_ratio", "uppercase_ratio", "digit_ratio",
        "punctuation_ratio", "terminal_punctuation_line_ratio", "short_line_ratio", "log_mean_line_length",
        "blocklist_hits", "blocklist_hit_ratio",
    ]

    public var denseCount: Int { (embeddings?.dim ?? 0) + Self.statisticNames.count }

    /// What the scorer sees and says about one text.
    public struct Analysis: Sendable {
        /// Calibrated probability of the positive class.
        public var score: Double
        /// The uncalibrated linear score.
        public var raw: Double
        /// Indices into `blocklist.terms` of every hit, in text order.
        public var hits: [Int]
        /// Words read (at most `maxWords`).
        public var words: Int
    }

    /// Buffers reused between texts (one per worker).
    public struct Scratch {
        var features = Features()
        var word: [UInt8] = []
        var ngram: [UInt8] = []
        var rows: [Int32] = []
        /// Unit word vectors of recently seen words, by word hash (direct-mapped): text is Zipfian,
        /// so most words are found here and skip their n-gram rows. A cached vector is the
        /// computed one, bit for bit.
        var cacheKeys: [UInt64] = []
        var cacheVectors: [Float] = []
        static let cacheSlots = 8192
        public init() {}
    }

    struct Features {
        var indices: [Int32] = []
        var weight: Float = 0
        var words = 0
        var dense: [Float] = []
        var hits: [Int] = []
    }

    public init(config: ScorerConfig, embeddings: Embeddings?, blocklist: Blocklist, sparse: [Float], dense: [Float],
                bias: Float, denseMean: [Float], denseScale: [Float], plattA: Double, plattB: Double) {
        self.config = config
        self.embeddings = embeddings
        self.blocklist = blocklist
        self.sparse = sparse
        self.dense = dense
        self.bias = bias
        self.denseMean = denseMean
        self.denseScale = denseScale
        self.plattA = plattA
        self.plattB = plattB
    }

    public func analyze(_ text: String, scratch: inout Scratch) -> Analysis {
        extract(text, into: &scratch)
        let z = Double(rawScore(scratch.features))
        return Analysis(score: sigmoid(plattA * z + plattB), raw: z, hits: scratch.features.hits, words: scratch.features.words)
    }

    public func score(_ text: String) -> Double {
        var scratch = Scratch()
        return analyze(text, scratch: &scratch).score
    }

    func rawScore(_ f: Features) -> Float {
        var z = bias
        if !f.indices.isEmpty {
            var s: Float = 0
            sparse.withUnsafeBufferPointer { w in for i in f.indices { s += w[Int(i)] } }
            z += s * f.weight
        }
        for j in dense.indices { z += dense[j] * (f.dense[j] - denseMean[j]) * denseScale[j] }
        return z
    }

    // MARK: features

    func extract(_ text: String, into scratch: inout Scratch) {
        // Take the buffers out of `scratch` (and put them back at the end) so that they stay
        // uniquely referenced: no copy-on-write of a megabyte per text.
        var f = scratch.features
        scratch.features = Features()
        f.indices.removeAll(keepingCapacity: true)
        f.hits.removeAll(keepingCapacity: true)
        let dim = embeddings?.dim ?? 0
        if f.dense.count != denseCount { f.dense = [Float](repeating: 0, count: denseCount) }
        for j in f.dense.indices { f.dense[j] = 0 }
        if scratch.cacheVectors.count != Scratch.cacheSlots * dim {
            scratch.cacheKeys = [UInt64](repeating: 0, count: Scratch.cacheSlots)
            scratch.cacheVectors = [Float](repeating: 0, count: Scratch.cacheSlots * dim)
        }

        let buckets = config.featureBuckets
        var previous: UInt64 = 0
        var recent: (UInt64, UInt64, UInt64) = (0, 0, 0)
        var words = 0
        var letters = 0
        var embedded = 0
        let useNgrams = config.useNgrams
        var rows = scratch.rows, ngram = scratch.ngram, cacheKeys = scratch.cacheKeys, cacheVectors = scratch.cacheVectors
        (scratch.rows, scratch.ngram, scratch.cacheKeys, scratch.cacheVectors) = ([], [], [], [])
        Words.forEach(in: text, limit: config.maxWords, buffer: &scratch.word) { word in
            let h = Words.fnv1a(word)
            words += 1
            letters += word.count
            if useNgrams {
                f.indices.append(Int32(truncatingIfNeeded: Words.bucket(h, buckets)))
                if words > 1 { f.indices.append(Int32(truncatingIfNeeded: Words.bucket(Words.combine(previous, h), buckets))) }
            }
            previous = h
            if !blocklist.isEmpty {
                // Every phrase of 1…3 words that ends at this word, oldest word hashed first.
                recent = (h, recent.0, recent.1)
                let one = Words.combine(0, recent.0)
                if let term = blocklist.phrases[one] { f.hits.append(term) }
                if blocklist.longest >= 2, words >= 2,
                   let term = blocklist.phrases[Words.combine(Words.combine(0, recent.1), recent.0)] { f.hits.append(term) }
                if blocklist.longest >= 3, words >= 3,
                   let term = blocklist.phrases[Words.combine(Words.combine(Words.combine(0, recent.2), recent.1), recent.0)] {
                    f.hits.append(term)
                }
            }
            if let embeddings {
                let key = h | 1
                let slot = Int(truncatingIfNeeded: h >> 40) & (Scratch.cacheSlots - 1)
                if cacheKeys[slot] != key {
                    rows.removeAll(keepingCapacity: true)
                    embeddings.appendRows(of: word, to: &rows, scratch: &ngram)
                    Self.unitMean(rows: rows, embeddings: embeddings, into: &cacheVectors, at: slot * dim)
                    cacheKeys[slot] = key
                }
                for i in 0..<dim { f.dense[i] += cacheVectors[slot * dim + i] }
                embedded += 1
            }
        }
        scratch.rows = rows
        scratch.ngram = ngram
        scratch.cacheKeys = cacheKeys
        scratch.cacheVectors = cacheVectors
        f.weight = words > 0 ? 1 / Float(words).squareRoot() : 0
        f.words = words
        if embedded > 0 { for j in 0..<dim { f.dense[j] /= Float(embedded) } }
        Self.statistics(text, words: words, letters: letters, hits: f.hits.count, into: &f.dense, at: dim)
        scratch.features = f
    }

    /// The word's vector (mean of its rows) scaled to unit length, as fastText scales word
    /// vectors for sentence vectors, into `out[offset..<offset + dim]` (zeros for a zero vector).
    @inline(__always)
    static func unitMean(rows: [Int32], embeddings: Embeddings, into out: inout [Float], at offset: Int) {
        let dim = embeddings.dim
        embeddings.input.withUnsafeBufferPointer { m in
            out.withUnsafeMutableBufferPointer { o in
                let v = o.baseAddress! + offset
                for i in 0..<dim { v[i] = 0 }
                for r in rows {
                    let base = Int(r) * dim
                    for i in 0..<dim { v[i] += m[base + i] }
                }
                let norm = FloatKernels.dot(v, v, dim)
                let scale = norm > 0 ? 1 / norm.squareRoot() : 0
                for i in 0..<dim { v[i] *= scale }
            }
        }
    }

    /// Cheap statistics of the text, in the order of `statisticNames` (the Gopher and C4 rules'
    /// signals, as numbers rather than thresholds).
    static func statistics(_ text: String, words: Int, letters wordBytes: Int, hits: Int, into out: inout [Float], at base: Int) {
        var letters = 0, uppers = 0, digits = 0, punctuation = 0, chars = 0
        var lines = 0, terminal = 0, short = 0, lineWords = 0, inWord = false
        var last: UInt8 = 0
        func endLine() {
            guard lineWords > 0 else { return }
            lines += 1
            if last == UInt8(ascii: ".") || last == UInt8(ascii: "!") || last == UInt8(ascii: "?") || last == UInt8(ascii: "\"") { terminal += 1 }
            if lineWords <= 3 { short += 1 }
            lineWords = 0
        }
        for b in text.utf8 {
            if b & 0xC0 == 0x80 { continue }
            chars += 1
            switch b {
            case UInt8(ascii: "\n"):
                endLine()
                inWord = false
                continue
            case UInt8(ascii: "a")...UInt8(ascii: "z"): letters += 1
            case UInt8(ascii: "A")...UInt8(ascii: "Z"): letters += 1; uppers += 1
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digits += 1
            case 0x21...0x2F, 0x3A...0x40, 0x5B...0x60, 0x7B...0x7E: punctuation += 1
            case 0x80...: letters += 1
            default: break
            }
            let isSpace = b == 0x20 || b == 0x09 || b == 0x0D
            if !isSpace {
                if !inWord { lineWords += 1 }
                last = b
            }
            inWord = !isSpace
        }
        endLine()
        let c = Float(max(chars, 1))
        let values: [Float] = [
            logf(1 + Float(chars)) / 10, logf(1 + Float(words)) / 10,
            words > 0 ? Float(wordBytes) / Float(words) / 10 : 0,
            Float(letters) / c, letters > 0 ? Float(uppers) / Float(letters) : 0, Float(digits) / c,
            Float(punctuation) / c, lines > 0 ? Float(terminal) / Float(lines) : 0,
            lines > 0 ? Float(short) / Float(lines) : 0, logf(1 + c / Float(max(lines, 1))) / 10,
            logf(1 + Float(hits)), words > 0 ? Float(hits) / Float(words) : 0,
        ]
        for (k, v) in values.enumerated() { out[base + k] = v }
    }

    // MARK: training

    public struct TrainingReport: Sendable {
        public var positives: Int
        public var negatives: Int
        public var calibrationSamples: Int
        /// Words read by the SGD passes (words of the fitting set × epochs), fastText's count.
        public var words: Int
        /// Feature extraction, SGD and calibration.
        public var seconds: Double
        public var wordsPerSecond: Double { Double(words) / seconds }
    }

    /// Trains on labelled texts (label 1 = positive). Deterministic for a given seed.
    public static func train(
        texts: [String], labels: [Bool], embeddings: Embeddings?, blocklist: Blocklist, config: ScorerConfig
    ) -> (LinearScorer, TrainingReport) {
        precondition(texts.count == labels.count)
        let start = monotonicSeconds()
        let denseCount = (embeddings?.dim ?? 0) + statisticNames.count
        var model = LinearScorer(
            config: config, embeddings: embeddings, blocklist: blocklist,
            sparse: [Float](repeating: 0, count: config.useNgrams ? config.featureBuckets : 0),
            dense: [Float](repeating: 0, count: denseCount), bias: 0,
            denseMean: [Float](repeating: 0, count: denseCount), denseScale: [Float](repeating: 1, count: denseCount),
            plattA: 1, plattB: 0)

        // Features of every text, once.
        var scratch = Scratch()
        let features: [Features] = texts.map { model.extract($0, into: &scratch); return scratch.features }

        // Stratified split: a share of each class is held out for calibration.
        var rng = SplitMix64(seed: config.seed)
        var order = Array(texts.indices)
        order.shuffle(using: &rng)
        var fit: [Int] = [], calibration: [Int] = []
        for label in [true, false] {
            let members = order.filter { labels[$0] == label }
            let held = members.count >= 20 ? Int(Double(members.count) * config.calibrationFraction) : 0
            calibration += members.prefix(held)
            fit += members.dropFirst(held)
        }
        fit.sort()
        calibration.sort()

        // Standardise the dense features on the fitting set; scale by 1/sqrt(count) so the
        // dense part weighs about as much as the sparse part.
        let n = Float(max(fit.count, 1))
        for j in 0..<denseCount {
            var mean: Float = 0, square: Float = 0
            for k in fit { mean += features[k].dense[j] }
            mean /= n
            for k in fit { let d = features[k].dense[j] - mean; square += d * d }
            let deviation = (square / n).squareRoot()
            model.denseMean[j] = mean
            model.denseScale[j] = (deviation > 1e-6 ? 1 / deviation : 0) / Float(denseCount).squareRoot()
        }

        // SGD on the logistic loss with balanced class weights and a linearly decaying rate.
        let positives = fit.filter { labels[$0] }.count
        let negatives = fit.count - positives
        let weightOf = (positive: Float(fit.count) / Float(2 * max(positives, 1)), negative: Float(fit.count) / Float(2 * max(negatives, 1)))
        let steps = Float(max(config.epochs * fit.count, 1))
        var step: Float = 0
        var sample = fit
        var x = [Float](repeating: 0, count: denseCount)
        for _ in 0..<config.epochs {
            sample.shuffle(using: &rng)
            for k in sample {
                let f = features[k]
                let lr = config.learningRate * (1 - step / steps)
                step += 1
                let p = 1 / (1 + expf(-model.rawScore(f)))
                let g = (labels[k] ? weightOf.positive : weightOf.negative) * (p - (labels[k] ? 1 : 0))
                for j in 0..<denseCount { x[j] = (f.dense[j] - model.denseMean[j]) * model.denseScale[j] }
                model.sparse.withUnsafeMutableBufferPointer { w in
                    for i in f.indices {
                        let i = Int(i)
                        w[i] -= lr * (g * f.weight + config.l2 * w[i])
                    }
                }
                for j in 0..<denseCount { model.dense[j] -= lr * (g * x[j] + config.l2 * model.dense[j]) }
                model.bias -= lr * g
            }
        }

        let scores = calibration.map { Double(model.rawScore(features[$0])) }
        (model.plattA, model.plattB) = plattScaling(scores: scores, labels: calibration.map { labels[$0] })
        let report = TrainingReport(positives: labels.filter { $0 }.count, negatives: labels.filter { !$0 }.count,
                                    calibrationSamples: calibration.count,
                                    words: fit.reduce(0) { $0 + features[$1].words } * config.epochs,
                                    seconds: monotonicSeconds() - start)
        return (model, report)
    }

    /// Platt's sigmoid fit by Newton's method with backtracking (Lin, Lin & Weng 2007, Alg. 1).
    /// Without calibration data, the identity (a = 1, b = 0), which is what the balanced
    /// training produces.
    static func plattScaling(scores: [Double], labels: [Bool]) -> (Double, Double) {
        let prior1 = Double(labels.filter { $0 }.count), prior0 = Double(labels.count) - prior1
        guard prior1 > 0, prior0 > 0 else { return (1, 0) }
        let hi = (prior1 + 1) / (prior1 + 2), lo = 1 / (prior0 + 2)
        let t = labels.map { $0 ? hi : lo }
        // Parameterised as p = 1/(1+exp(A f + B)); returned as (a, b) = (-A, -B).
        var A = 0.0, B = log((prior0 + 1) / (prior1 + 1))
        func objective(_ A: Double, _ B: Double) -> Double {
            var f = 0.0
            for (s, ti) in zip(scores, t) {
                let fApB = s * A + B
                f += fApB >= 0 ? ti * fApB + log(1 + exp(-fApB)) : (ti - 1) * fApB + log(1 + exp(fApB))
            }
            return f
        }
        var fval = objective(A, B)
        for _ in 0..<100 {
            var h11 = 1e-12, h22 = 1e-12, h21 = 0.0, g1 = 0.0, g2 = 0.0
            for (s, ti) in zip(scores, t) {
                let fApB = s * A + B
                let (p, q) = fApB >= 0 ? (exp(-fApB) / (1 + exp(-fApB)), 1 / (1 + exp(-fApB)))
                                       : (1 / (1 + exp(fApB)), exp(fApB) / (1 + exp(fApB)))
                let d2 = p * q
                h11 += s * s * d2; h22 += d2; h21 += s * d2
                let d1 = ti - p
                g1 += s * d1; g2 += d1
            }
            if abs(g1) < 1e-5, abs(g2) < 1e-5 { break }
            let det = h11 * h22 - h21 * h21
            let dA = -(h22 * g1 - h21 * g2) / det, dB = -(-h21 * g1 + h11 * g2) / det
            let gd = g1 * dA + g2 * dB
            var stepSize = 1.0
            while stepSize >= 1e-10 {
                let newA = A + stepSize * dA, newB = B + stepSize * dB
                let newF = objective(newA, newB)
                if newF < fval + 1e-4 * stepSize * gd {
                    A = newA; B = newB; fval = newF
                    break
                }
                stepSize /= 2
            }
            if stepSize < 1e-10 { break }
        }
        return (-A, -B)
    }
}

@inline(__always)
func sigmoid(_ x: Double) -> Double { x >= 0 ? 1 / (1 + exp(-x)) : exp(x) / (1 + exp(x)) }
