#if canImport(Glibc)
import Glibc
#endif
import SieveCore
import SieveModel

extension Benchmarks {
    /// The scorer's benchmark (`sieve bench scorer`): skip-gram training words/s per thread (one
    /// and `threads` threads, default settings, one epoch over `corpus`), scoring docs/s on one
    /// core (a quality scorer with default sizes trained on `corpus` against `crawl`, scoring the
    /// crawl documents for at least `seconds`), and toxicity ROC-AUC on a held-out split. The
    /// first `corpusDocuments` passages of `corpus` are used. Rates are given per wall-clock second
    /// and per CPU second of this process (the fair figure on a shared, loaded machine).
    /// Returns the lines it prints.
    public static func scorer(corpus: String, crawl: String, toxicityTrain: String?, toxicityTest: String?,
                              blocklist: String?, threads: Int = 2, seconds: Double = 5, corpusDocuments: Int = 3000) throws -> [String] {
        var lines: [String] = []
        func say(_ line: String) { print(line); lines.append(line) }
        let books = Array(try ScorerTraining.readTexts([corpus], format: "jsonl").prefix(corpusDocuments))
        let pages = try ScorerTraining.readTexts([crawl], format: "jsonl")
        var config = SkipGramConfig()
        config.epochs = 1
        var embeddings: Embeddings?
        for t in Set([1, threads]).sorted() {
            config.threads = t
            let cpu = cpuSeconds()
            let (trained, report) = SkipGram.train(books, config: config)
            let perCPUSecond = Double(report.words) / (cpuSeconds() - cpu)
            embeddings = trained
            say("skip-gram (dim \(config.dim), window \(config.window), \(config.negatives) negatives, 1 epoch): \(report); "
                + "\(Int(perCPUSecond)) words per CPU second (all of it)")
        }

        let sample = Array(books.prefix(pages.count * 2))
        let (quality, _) = LinearScorer.train(texts: sample + pages, labels: sample.map { _ in true } + pages.map { _ in false },
                                              embeddings: embeddings, blocklist: .empty, config: ScorerConfig())
        var scratch = LinearScorer.Scratch()
        var documents = 0
        var words = 0
        var buffer: [UInt8] = []
        for page in pages { Words.forEach(in: page, limit: ScorerConfig().maxWords, buffer: &buffer) { _ in words += 1 } }
        let start = now(), cpu = cpuSeconds()
        var checksum = 0.0
        repeat {
            for page in pages { checksum += quality.analyze(page, scratch: &scratch).score }
            documents += pages.count
        } while now() - start < seconds
        let elapsed = now() - start, cpuElapsed = cpuSeconds() - cpu
        say("quality scoring (n-grams + embedding + statistics, 1 core): \(documents) docs in \(fmt(elapsed)) s = "
            + "\(fmt(Double(documents) / elapsed)) docs/s, \(fmt(Double(documents) / cpuElapsed)) docs per CPU second (mean \(words / max(pages.count, 1)) words/doc; mean score \(fmt(checksum / Double(documents) * 100)) %)")

        if let toxicityTrain, let toxicityTest {
            var options = ScorerTraining.Options()
            options.task = "toxicity"
            options.labeled = [toxicityTrain]
            options.blocklist = blocklist
            let model = try ScorerTraining.train(options)
            let test = try ScorerTraining.readLabeled([toxicityTest], format: "jsonl", labelKey: "label")
            let metrics = ScorerTraining.evaluate(model, labeled: test, threshold: 0.5)
            say("toxicity (trained on \(toxicityTrain), held out \(test.count)): ROC-AUC \(fmt4(metrics.auc)), "
                + "precision \(fmt4(metrics.precision)), recall \(fmt4(metrics.recall)) at 0.5, ECE \(fmt4(metrics.expectedCalibrationError)); "
                + "linear scorer trained at \(model.training["scorer_words_per_second"]?.intValue ?? 0) words/s (words × epochs, 1 thread)")
        }
        say("peak RSS \(fmt(Double(peakRSS()) / 1e6)) MB")
        return lines
    }
}

/// CPU time used by this process so far (all threads).
func cpuSeconds() -> Double {
    var t = timespec()
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t)
    return Double(t.tv_sec) + Double(t.tv_nsec) / 1e9
}

private func fmt4(_ x: Double) -> String { String((x * 10000).rounded() / 10000) }
