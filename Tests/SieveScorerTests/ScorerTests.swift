import SieveCore
import Testing
@testable import SieveModel
@testable import SievePipeline
import SieveTestSupport

/// Small settings that keep training fast in debug builds.
func smallSkipGram(seed: UInt64 = 1, threads: Int = 1) -> SkipGramConfig {
    var c = SkipGramConfig()
    (c.dim, c.window, c.negatives, c.epochs) = (16, 3, 3, 1)
    (c.wordBuckets, c.ngramBuckets, c.seed, c.threads) = (1 << 13, 1 << 14, seed, threads)
    return c
}

func smallScorer(seed: UInt64 = 1) -> ScorerConfig {
    var c = ScorerConfig()
    (c.featureBuckets, c.epochs, c.maxWords, c.seed) = (1 << 18, 5, 300, seed)
    return c
}

/// The first `characters` of each text: enough to judge, and quick in debug builds.
func heads(_ docs: [Document], _ characters: Int = 1500) -> [String] { docs.map { String($0.text.prefix(characters)) } }

@Suite struct WordsTests {
    func words(_ text: String) -> [String] {
        var out: [String] = []
        var buffer: [UInt8] = []
        Words.forEach(in: text, buffer: &buffer) { out.append(String(decoding: $0, as: UTF8.self)) }
        return out
    }

    @Test func splitsOnLettersAndDigits() {
        #expect(words("Hello, World! 123-abc don't") == ["hello", "world", "123", "abc", "don", "t"])
        #expect(words("Ünïcode café, naïve — Straße ١٢٣") == ["Ünïcode", "café", "naïve", "straße", "١٢٣"])
        #expect(words("日本語のテキスト") == ["日本語のテキスト"])
        #expect(words("") == [])
    }

    @Test func ngramsAreFastTexts() {
        var scratch: [UInt8] = []
        var hashes: [UInt64] = []
        Array("cat".utf8).withUnsafeBufferPointer { word in
            Words.forEachNgram(of: word, minN: 3, maxN: 5, scratch: &scratch) { hashes.append($0) }
        }
        // <ca <cat <cat> cat cat> at>
        let expected = ["<ca", "<cat", "<cat>", "cat", "cat>", "at>"].map { s in Array(s.utf8).withUnsafeBufferPointer { Words.fnv1a($0) } }
        #expect(hashes == expected)
        // A multi-byte character is one character: "é" starts no n-gram in its middle.
        hashes.removeAll()
        Array("é".utf8).withUnsafeBufferPointer { word in
            Words.forEachNgram(of: word, minN: 3, maxN: 3, scratch: &scratch) { hashes.append($0) }
        }
        #expect(hashes == [Array("<é>".utf8).withUnsafeBufferPointer { Words.fnv1a($0) }])
    }
}

@Suite struct SkipGramTests {
    @Test func deterministicWithASeed() throws {
        let texts = heads(Array(try Fixtures.documents("scorer/gutenberg-chunks.jsonl.gz").prefix(60)))
        let (a, report) = SkipGram.train(texts, config: smallSkipGram(seed: 7))
        let (b, _) = SkipGram.train(texts, config: smallSkipGram(seed: 7))
        let (c, _) = SkipGram.train(texts, config: smallSkipGram(seed: 8))
        #expect(report.words > 10_000)
        #expect(a.input == b.input)
        #expect(a.input != c.input)
        let finite = a.input.allSatisfy { $0.isFinite }
        #expect(finite)
    }

    @Test func sharesTheWorkAcrossThreads() throws {
        let texts = heads(Array(try Fixtures.documents("scorer/gutenberg-chunks.jsonl.gz").prefix(40)))
        let (one, r1) = SkipGram.train(texts, config: smallSkipGram(threads: 1))
        let (two, r2) = SkipGram.train(texts, config: smallSkipGram(threads: 2))
        #expect(r1.words == r2.words)
        #expect(r2.threads == 2)
        #expect(one.input.count == two.input.count)
        let finite = two.input.allSatisfy { $0.isFinite }
        #expect(finite)
    }

    /// Words that share contexts in the books end up closer than words that do not: the
    /// embedding of "she" is nearer "he" than "the" after training on the Gutenberg passages.
    @Test func similarWordsAreClose() throws {
        let texts = heads(try Fixtures.documents("scorer/gutenberg-chunks.jsonl.gz"), 1200)
        var config = smallSkipGram()
        config.epochs = 3
        let (e, _) = SkipGram.train(texts, config: config)
        func vector(_ word: String) -> [Float] {
            var rows: [Int32] = [], scratch: [UInt8] = []
            Array(word.utf8).withUnsafeBufferPointer { e.appendRows(of: $0, to: &rows, scratch: &scratch) }
            var v = [Float](repeating: 0, count: e.dim)
            for r in rows { for i in 0..<e.dim { v[i] += e.input[Int(r) * e.dim + i] } }
            return v
        }
        func cosine(_ a: String, _ b: String) -> Float {
            let x = vector(a), y = vector(b)
            let dot = zip(x, y).reduce(0) { $0 + $1.0 * $1.1 }
            return dot / (x.reduce(0) { $0 + $1 * $1 }.squareRoot() * y.reduce(0) { $0 + $1 * $1 }.squareRoot())
        }
        #expect(cosine("she", "he") > cosine("she", "the"))
        #expect(cosine("said", "replied") > cosine("said", "of"))
    }
}

@Suite struct ScorerTrainingTests {
    struct QualityData {
        var train: [String] = [], trainLabels: [Bool] = []
        var test: [String] = [], testLabels: [Bool] = []
    }

    /// Positives: Wikipedia articles and book passages; negatives: Common Crawl pages with
    /// their boilerplate. Split 80/20 by id.
    func qualityData() throws -> QualityData {
        var data = QualityData()
        let sets = [("scorer/wiki-en.jsonl.gz", true), ("scorer/gutenberg-chunks.jsonl.gz", true),
                    ("jsonl/dolma-cc-2019-30.jsonl.gz", false)]
        for (file, label) in sets {
            let (train, test) = split(try Fixtures.documents(file))
            data.train += heads(train, 1000)
            data.trainLabels += Array(repeating: label, count: train.count)
            data.test += heads(test, 1000)
            data.testLabels += Array(repeating: label, count: test.count)
        }
        return data
    }

    func auc(_ model: LinearScorer, _ texts: [String], _ labels: [Bool]) -> Double {
        BinaryMetrics.rocAUC(scores: texts.map { model.score($0) }, labels: labels)
    }

    @Test func qualityHeldOutAUC() throws {
        let data = try qualityData()
        let (embeddings, _) = SkipGram.train(data.train + data.test, config: smallSkipGram())
        let (model, report) = LinearScorer.train(texts: data.train, labels: data.trainLabels, embeddings: embeddings,
                                                 blocklist: .empty, config: smallScorer())
        #expect(report.calibrationSamples > 50)
        let full = auc(model, data.test, data.testLabels)
        #expect(full > 0.97, "held-out AUC \(full)")

        // The self-supervised embeddings (with the statistics) carry the signal on their own.
        var config = smallScorer()
        config.useNgrams = false
        let (dense, _) = LinearScorer.train(texts: data.train, labels: data.trainLabels, embeddings: embeddings,
                                            blocklist: .empty, config: config)
        let denseAUC = auc(dense, data.test, data.testLabels)
        #expect(denseAUC > 0.88, "held-out AUC without n-grams \(denseAUC)")
    }

    @Test func toxicityHeldOutAUC() throws {
        let (train, test) = split(try Fixtures.documents("scorer/davidson-sample.jsonl.gz"))
        let label = { (d: Document) in d.metadata["label"]?.intValue == 1 }
        let blocklist = Blocklist(terms: try ScorerTraining.readList(Fixtures.path("scorer/ldnoobw-en.txt")))
        let (embeddings, _) = SkipGram.train(train.map(\.text), config: smallSkipGram())
        let (model, _) = LinearScorer.train(texts: train.map(\.text), labels: train.map(label), embeddings: embeddings,
                                            blocklist: blocklist, config: smallScorer())
        let metrics = BinaryMetrics(scores: test.map { model.score($0.text) }, labels: test.map(label))
        #expect(metrics.auc > 0.88, "held-out toxicity AUC \(metrics.auc)")
        // Calibrated: scores mean what they say, within a few points.
        #expect(metrics.expectedCalibrationError < 0.08, "ECE \(metrics.expectedCalibrationError)")
    }

    @Test func deterministicWithASeed() throws {
        let data = try qualityData()
        let every = Array(stride(from: 0, to: data.train.count, by: 6))  // both classes, about 140 documents
        let texts = every.map { data.train[$0] }, labels = every.map { data.trainLabels[$0] }
        func train(_ seed: UInt64) -> LinearScorer {
            let (e, _) = SkipGram.train(texts, config: smallSkipGram(seed: seed))
            return LinearScorer.train(texts: texts, labels: labels, embeddings: e, blocklist: .empty, config: smallScorer(seed: seed)).0
        }
        let a = train(3), b = train(3), c = train(4)
        #expect(a.sparse == b.sparse && a.dense == b.dense && a.bias == b.bias && a.plattA == b.plattA)
        #expect(a.dense != c.dense)
        #expect(data.test.prefix(20).map { a.score($0) } == data.test.prefix(20).map { b.score($0) })
    }

    @Test func blocklistPhrasesAreFound() {
        let list = Blocklist(terms: ["bad", "two words", "three word phrase", "four words are ignored", "Bad"])
        #expect(list.terms == ["bad", "two words", "three word phrase"])
        let model = LinearScorer(config: smallScorer(), embeddings: nil, blocklist: list, sparse: [Float](repeating: 0, count: 1 << 18),
                                 dense: [Float](repeating: 0, count: 12), bias: 0, denseMean: [Float](repeating: 0, count: 12),
                                 denseScale: [Float](repeating: 1, count: 12), plattA: 1, plattB: 0)
        var scratch = LinearScorer.Scratch()
        let hits = model.analyze("BAD news: two words, then a three-word phrase; badly two.", scratch: &scratch).hits
        #expect(hits.map { list.terms[$0] } == ["bad", "two words", "three word phrase"])
    }
}

@Suite struct ScorerFilesTests {
    @Test func saveAndLoadGiveTheSameScores() throws {
        let (train, test) = split(try Fixtures.documents("scorer/davidson-sample.jsonl.gz"))
        let texts = Array(train.prefix(800)).map(\.text), labels = Array(train.prefix(800)).map { $0.metadata["label"]?.intValue == 1 }
        let (e, _) = SkipGram.train(texts, config: smallSkipGram())
        let (scorer, _) = LinearScorer.train(texts: texts, labels: labels, embeddings: e,
                                             blocklist: Blocklist(terms: ["trash", "hoe"]), config: smallScorer())
        let dir = try Fixtures.temporaryDirectory()
        try ScorerModel(task: "toxicity", scorer: scorer, skipGram: smallSkipGram()).save(to: dir)
        let loaded = try ScorerModel.load(dir)
        #expect(loaded.task == "toxicity")
        #expect(loaded.scorer.blocklist.terms == ["trash", "hoe"])
        #expect(loaded.skipGram == smallSkipGram())
        #expect(test.prefix(50).map { loaded.scorer.score($0.text) } == test.prefix(50).map { scorer.score($0.text) })

        // A damaged weights file is an error that names the file, not a crash.
        let weights = dir + "/" + ScorerModel.weightsFile
        let bytes = try FileSystem.readFile(weights)
        try FileSystem.writeFile(weights, bytes.prefix(bytes.count / 2))
        #expect(throws: SieveError.self) { try ScorerModel.load(dir) }
        try FileSystem.writeFile(weights, [1, 2, 3])
        #expect(throws: SieveError.self) { try ScorerModel.load(dir) }
    }

    @Test func safetensorsLayout() throws {
        let bytes = Safetensors.encode([("a", [2], [1, -2]), ("b", [1, 1], [0.5])])
        let length = Int(bytes[0]) | Int(bytes[1]) << 8
        #expect((8 + length) % 8 == 0)
        let header = String(decoding: bytes[8..<(8 + length)], as: UTF8.self)
        #expect(header.hasPrefix(#"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[1,1],"data_offsets":[8,12]}}"#))
        #expect(try Safetensors.decode(bytes, path: "x") == ["a": [1, -2], "b": [0.5]])
    }
}

@Suite struct MetricsTests {
    @Test func aucCountsTiesAsHalf() {
        #expect(BinaryMetrics.rocAUC(scores: [0.1, 0.4, 0.35, 0.8], labels: [false, false, true, true]) == 0.75)
        #expect(BinaryMetrics.rocAUC(scores: [0.5, 0.5], labels: [true, false]) == 0.5)
        #expect(BinaryMetrics.rocAUC(scores: [0.9, 0.1], labels: [true, false]) == 1)
    }

    @Test func precisionRecallAndCalibration() {
        let m = BinaryMetrics(scores: [0.05, 0.15, 0.55, 0.95, 0.92], labels: [false, true, false, true, true], threshold: 0.5, bins: 10)
        #expect((m.truePositives, m.falsePositives, m.falseNegatives, m.trueNegatives) == (2, 1, 1, 1))
        #expect(abs(m.precision - 2.0 / 3) < 1e-12 && abs(m.recall - 2.0 / 3) < 1e-12)
        #expect(m.bins[9].count == 2 && m.bins[9].fractionPositive == 1 && abs(m.bins[9].meanPredicted - 0.935) < 1e-12)
        #expect(m.description.contains("ROC-AUC 0.8333"))
    }

    @Test func plattScalingRecoversASigmoid() {
        var rng = SplitMix64(seed: 5)
        var scores: [Double] = [], labels: [Bool] = []
        for _ in 0..<4000 {
            let z = Double(rng.unit()) * 8 - 4
            scores.append(z)
            labels.append(Double(rng.unit()) < sigmoid(2 * z - 1))
        }
        let (a, b) = LinearScorer.plattScaling(scores: scores, labels: labels)
        #expect(abs(a - 2) < 0.3 && abs(b + 1) < 0.3, "a \(a) b \(b)")
    }
}

@Suite struct QuantileSketchTests {
    @Test func mergeIsExactAndQuantilesAreClose() throws {
        var rng = SplitMix64(seed: 9)
        let scores = (0..<10_000).map { _ in Double(rng.unit()) * Double(rng.unit()) }
        var whole = QuantileSketch(), left = QuantileSketch(), right = QuantileSketch()
        for (k, s) in scores.enumerated() {
            whole.add(s)
            if k % 3 == 0 { left.add(s) } else { right.add(s) }
        }
        var merged = right
        merged.merge(left)
        #expect(merged == whole)
        let sorted = scores.sorted()
        for q in [0.1, 0.5, 0.7, 0.99] {
            #expect(abs(whole.quantile(q) - sorted[Int(q * Double(sorted.count))]) <= 1.0 / Double(whole.resolution) + 1e-12)
        }
        let cut = whole.threshold(keepingTop: 0.3)
        let kept = Double(scores.filter { $0 >= cut }.count) / Double(scores.count)
        #expect(abs(kept - 0.3) < 0.002)
        let read = try QuantileSketch(json: try JSONParser.parse(whole.json))
        #expect(read == whole)
        #expect(throws: SieveError.self) { try QuantileSketch(json: try JSONParser.parse(#"{"resolution":4,"bins":[[9,1]]}"#)) }
    }
}

@Suite struct BucketTests {
    @Test func bucketsSpreadOverTheRange() {
        var seen = Set<Int>()
        for k in 0..<10_000 {
            let b = Words.bucket(Words.combine(0, UInt64(k)), 100)
            #expect((0..<100).contains(b))
            seen.insert(b)
        }
        #expect(seen.count == 100)
    }
}
