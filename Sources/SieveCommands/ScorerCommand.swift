import ArgumentParser
import SieveCore
import SievePipeline

struct ScorerCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "scorer",
        abstract: "Train and evaluate the quality and toxicity scorers (self-supervised embeddings + calibrated linear model).",
        subcommands: [ScorerTrainCommand.self, ScorerEvalCommand.self])
}

struct ScorerTrainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Train a scorer: skip-gram embeddings on all the text, then a calibrated linear model on the labels.",
        discussion: """
            Examples:
            Quality:  sieve scorer train --positives wiki.jsonl.gz books.jsonl.gz --negatives crawl/*.jsonl.gz \\
                        --max-negatives 50000 --output models/quality
            Toxicity: sieve scorer train --task toxicity --labels davidson.jsonl.gz \\
                        --blocklist filters/badwords/en.txt --output models/toxicity
            Writes OUTPUT/model.safetensors and OUTPUT/config.json; the steps 'quality' and
            'toxicity' take the directory as 'model'. Training is deterministic for a seed with --threads 1.
            """)

    @Option(help: "quality or toxicity (names the metadata key, e.g. quality_score).") var task = "quality"
    @Option(parsing: .upToNextOption, help: "Reference documents (positives): files, globs, directories.") var positives: [String] = []
    @Option(parsing: .upToNextOption, help: "Crawl documents (negatives).") var negatives: [String] = []
    @Option(parsing: .upToNextOption, help: "Documents labelled in metadata.<label-key> (1/0, true/false).") var labels: [String] = []
    @Option(help: "Metadata key holding the label.") var labelKey = "label"
    @Option(parsing: .upToNextOption, help: "More unlabelled documents for the embeddings.") var corpus: [String] = []
    @Option(help: "Input format of every file (see 'sieve read').") var format = "jsonl"
    @Option(help: "Sample at most this many negatives at random.") var maxNegatives: Int?
    @Option(help: "Word list (one term per line): hits are features and reported per term.") var blocklist: String?
    @Option(help: "Where to write the model (a directory).") var output: String
    @Flag(help: "Train without embeddings (n-grams and statistics only).") var noEmbeddings = false
    @Flag(help: "Train without word n-grams (embeddings and statistics only).") var noNgrams = false
    @Option(help: "Embedding dimension.") var dim = 32
    @Option(help: "Skip-gram epochs.") var embeddingEpochs = 5
    @Option(help: "Skip-gram threads (1 = exactly reproducible).") var threads = 1
    @Option(help: "Rows for hashed words in the embeddings.") var wordBuckets = 1 << 17
    @Option(help: "Rows for hashed character n-grams in the embeddings.") var ngramBuckets = 1 << 18
    @Option(help: "Linear model epochs.") var epochs = 10
    @Option(help: "L2 penalty of the linear model.") var l2: Float = 1e-5
    @Option(help: "Random seed.") var seed: UInt64 = 1

    func run() throws {
        guard ["quality", "toxicity"].contains(task) else { throw SieveError.usage("--task: '\(task)' is not quality or toxicity") }
        var o = ScorerTraining.Options()
        (o.task, o.positives, o.negatives, o.labeled, o.labelKey) = (task, positives, negatives, labels, labelKey)
        (o.corpus, o.format, o.maxNegatives, o.blocklist, o.embeddings) = (corpus, format, maxNegatives, blocklist, !noEmbeddings)
        (o.skipGram.dim, o.skipGram.epochs, o.skipGram.threads, o.skipGram.seed) = (dim, embeddingEpochs, threads, seed)
        (o.skipGram.wordBuckets, o.skipGram.ngramBuckets) = (wordBuckets, ngramBuckets)
        (o.scorer.useNgrams, o.scorer.epochs, o.scorer.l2, o.scorer.seed) = (!noNgrams, epochs, l2, seed)
        try ScorerTraining.train(o).save(to: output)
        Log.info("wrote the scorer to \(output)")
    }
}

struct ScorerEvalCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eval",
        abstract: "Measure a scorer on labelled documents: ROC-AUC, precision/recall at the cut, calibration table.",
        discussion: """
            Example: sieve scorer eval --model models/toxicity --labels heldout.jsonl
                     sieve scorer eval --model models/quality --positives wiki-test.jsonl --negatives crawl-test.jsonl
            """)

    @Option(help: "The scorer directory.") var model: String
    @Option(parsing: .upToNextOption, help: "Documents labelled in metadata.<label-key>.") var labels: [String] = []
    @Option(help: "Metadata key holding the label.") var labelKey = "label"
    @Option(parsing: .upToNextOption, help: "Documents that are positive.") var positives: [String] = []
    @Option(parsing: .upToNextOption, help: "Documents that are negative.") var negatives: [String] = []
    @Option(help: "Input format of every file.") var format = "jsonl"
    @Option(help: "The cut: a score at or above it is positive.") var threshold = 0.5
    @Option(help: "Bins of the calibration table.") var bins = 10

    func run() throws {
        let scorer = try ScorerTraining.load(model)
        var labeled = try ScorerTraining.readLabeled(labels, format: format, labelKey: labelKey)
        labeled += try ScorerTraining.readTexts(positives, format: format).map { ($0, true) }
        labeled += try ScorerTraining.readTexts(negatives, format: format).map { ($0, false) }
        guard !labeled.isEmpty else { throw SieveError.usage("sieve scorer eval: no labelled documents (give --labels, or --positives and --negatives)") }
        print(ScorerTraining.evaluate(scorer, labeled: labeled, threshold: threshold, bins: bins))
    }
}
