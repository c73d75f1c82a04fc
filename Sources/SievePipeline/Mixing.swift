#if canImport(Glibc)
import Glibc
#endif
import SieveCore
import SieveDedup
import SieveIO
import SieveTokenizer

/// How several sources are combined into one corpus (docs/mixing.md): by weights (fractions of
/// the output, as in the mixture tables of The Pile, Gao et al. 2020, Table 1, with its
/// per-source epochs, and of Llama and OLMo) or by budgets (an amount per source), counted in
/// documents, bytes of text or tokens.
///
/// Each source gets a rate `r = target / available` = `n + f`: every document of that source is
/// written `n` times, and once more when its draw `u < t`, where `u ∈ [0, 1)` is a hash of the
/// seed, the source's name and the document's id. The threshold `t ≈ f` is chosen from the counts
/// so that the sampled part adds up to the target to within one document (`MixRate.Fit`). So a
/// rate below 1 down-samples, a rate of 2.5 repeats the source twice and samples half of it once
/// more, and whether a document is taken depends on nothing but the seed, the document and the
/// source's counts: not on the order of the inputs, the number of tasks or the scheduling.
public struct MixPlan: Sendable {
    public enum Unit: String, Sendable, CaseIterable { case docs, bytes, tokens }

    public struct Source: Sendable {
        public var name: String
        /// Globs matched against the document's `metadata[by]`.
        public var match: [String]
        /// A weight (a fraction of the output) or a budget (an amount in `unit`).
        public var amount: Double
        /// The files it was read from, when `sieve mix` read them (for the manifest).
        public var paths: [String] = []

        public init(name: String, match: [String], amount: Double) {
            self.name = name
            self.match = match
            self.amount = amount
        }

        /// `NAME=AMOUNT` or `NAME=AMOUNT@GLOB|GLOB` (the globs default to the name).
        public init?(compact: String) {
            guard let eq = compact.firstIndex(of: "=") else { return nil }
            let name = String(compact[..<eq]).trimmingWhitespace
            let rest = compact[compact.index(after: eq)...]
            let at = rest.firstIndex(of: "@") ?? rest.endIndex
            guard !name.isEmpty, let amount = MixPlan.amount(String(rest[..<at]).trimmingWhitespace) else { return nil }
            let globs = at == rest.endIndex ? [name] : rest[rest.index(after: at)...].split(separator: "|").map { String($0) }
            self.init(name: name, match: globs, amount: amount)
        }
    }

    public var sources: [Source]
    /// Whether `amount` is a budget rather than a weight.
    public var budgets = false
    public var unit = Unit.docs
    /// The size of the output in `unit` (weights only). Without it the output is the largest
    /// mixture that repeats no source: the scarcest source (relative to its weight) is used whole.
    public var total: Double?
    public var seed: UInt64 = 0
    /// The most copies of a source's documents one may ask for (`r ≤ maxRepeat`).
    public var maxRepeat = 10.0
    /// The metadata key whose value names a document's source.
    public var by = "source_file"
    /// A tokenizer.json to count tokens with (needed for `unit: tokens`).
    public var tokenizer: String?

    public init(sources: [Source]) { self.sources = sources }

    /// An amount as written: `0.25`, `1e6`, or a size such as `10MB` (bytes).
    public static func amount(_ text: String) -> Double? { Double(text) ?? parseByteSize(text).map(Double.init) }

    /// The source of `doc`: the first whose globs match `metadata[by]`.
    func source(of doc: Document) -> Int? {
        guard let value = doc.metadata[by]?.stringValue else { return nil }
        return sources.firstIndex { $0.match.contains { fnmatch($0, value, 0) == 0 } }
    }

    /// `u` for `doc` of source `source`: 53 bits of a 64-bit hash, as a fraction in [0, 1).
    func draw(_ doc: Document, source: Int) -> Double {
        Double(XXHash64.hash(sources[source].name + "\u{1F}" + doc.id, seed: seed) >> 11) * 0x1p-53
    }

    /// The amount each source should contribute, given what each has (in `unit`).
    func targets(available: [Double]) -> [Double] {
        if budgets { return sources.map(\.amount) }
        let total = total ?? zip(available, sources).filter { $1.amount > 0 }.map { $0 / $1.amount }.min() ?? 0
        return sources.map { $0.amount * total }
    }

    /// The rate of each source, or an error saying which source cannot meet its target.
    func rates(available: [Double], targets: [Double]) throws -> [Double] {
        try sources.indices.map { k in
            guard targets[k] > 0 else { return 0 }
            guard available[k] > 0 else {
                throw SieveError.usage("mix: source '\(sources[k].name)' has no documents (no metadata.\(by) matches \(sources[k].match.joined(separator: ", ")))")
            }
            let rate = targets[k] / available[k]
            guard rate <= maxRepeat else {
                throw SieveError.usage("mix: source '\(sources[k].name)' would need \(format(rate))× up-sampling (\(format(targets[k])) \(unit.rawValue) wanted, \(format(available[k])) available), more than max_repeat \(format(maxRepeat)); lower its \(budgets ? "budget" : "weight or the total"), or raise max_repeat")
            }
            return rate
        }
    }

    /// Checks the amounts: weights are fractions of the output and sum to 1.
    func validate() throws {
        guard !sources.isEmpty else { throw SieveError.usage("mix: no sources") }
        let names = sources.map(\.name)
        if let dup = names.first(where: { n in names.filter { $0 == n }.count > 1 }) {
            throw SieveError.usage("mix: source '\(dup)' is named twice")
        }
        if let bad = sources.first(where: { !($0.amount >= 0 && $0.amount.isFinite) }) {
            throw SieveError.usage("mix: source '\(bad.name)': \(bad.amount) is not a non-negative amount")
        }
        if budgets {
            if total != nil { throw SieveError.usage("mix: 'total' applies to weights; with budgets each source has its own") }
        } else {
            let sum = sources.reduce(0) { $0 + $1.amount }
            guard abs(sum - 1) < 1e-6 else {
                throw SieveError.usage("mix: the weights sum to \(format(sum)); they are fractions of the output and must sum to 1")
            }
        }
        if unit == .tokens, tokenizer == nil { throw SieveError.usage("mix: unit 'tokens' needs a 'tokenizer' to count them") }
    }

    func format(_ x: Double) -> String { x == x.rounded() && abs(x) < 1e15 ? String(Int64(x)) : String((x * 1e4).rounded() / 1e4) }
}

/// The `mix` step in a run: the map phase counts every source (`counts/FILE.bin`: per document its
/// source, draw, bytes and tokens), the `rates` phase adds them up, fixes the rates and writes
/// the manifest of the realised mixture (exact: the decisions are a function of the counts), and
/// the filter phase writes each document as many times as its draw says.
public struct MixCorpusStage: CorpusStage {
    public let plan: MixPlan
    /// Where the manifest of the realised mixture goes.
    public let manifest: String

    public init(plan: MixPlan, manifest: String) throws {
        try plan.validate()
        self.plan = plan
        self.manifest = manifest
    }

    public var reducePhases: [(name: String, tasks: Int)] { [("rates", 1)] }

    public func collector(file: Int, work: String) throws -> any Stage {
        let tokenizer = try plan.tokenizer.map { path in try LoadedResources.shared(path) { try Tokenizer.load(path) } }
        return MixCollector(plan: plan, path: work + "/counts/" + zeroPadded(file, 5) + ".bin", encoder: tokenizer.map { Encoder($0) })
    }

    public func reduce(phase: Int, task: Int, work: String, stats: inout StageStats) throws {
        let n = plan.sources.count
        var available = [MixCounts](repeating: MixCounts(), count: n)
        try forEachCount(work) { source, _, bytes, tokens in available[source].add(copies: 1, bytes: bytes, tokens: tokens) }
        let amounts = available.map { $0.amount(plan.unit) }
        let targets = plan.targets(available: amounts)
        let rates = try plan.rates(available: amounts, targets: targets)
        // The sampled part of each source: which draws add up to what the whole copies leave.
        var fits = (0..<n).map { MixRate.Fit(rate: rates[$0], available: amounts[$0], target: targets[$0]) }
        try forEachCount(work) { source, u, bytes, tokens in fits[source].histogram(u, size: size(bytes, tokens)) }
        for k in 0..<n { fits[k].chooseBucket() }
        try forEachCount(work) { source, u, bytes, tokens in fits[source].collect(u, size: size(bytes, tokens)) }
        let chosen = fits.map { $0.rate() }
        var realised = [MixCounts](repeating: MixCounts(), count: n)
        try forEachCount(work) { source, u, bytes, tokens in
            realised[source].add(copies: chosen[source].copies(u), bytes: bytes, tokens: tokens)
        }
        try FileSystem.writeFile(work + "/rates.json", Array(JSONWriter.string(.array(chosen.map(\.json))).utf8))
        try writeManifest(available: available, targets: targets, rates: chosen, realised: realised)
        stats.add("sources", Int64(n))
    }

    /// One document's size in the plan's unit.
    private func size(_ bytes: Int64, _ tokens: Int64) -> Double { MixCounts(docs: 1, bytes: bytes, tokens: tokens).amount(plan.unit) }

    public func filter(file: Int, work: String) throws -> any Stage {
        let json = try JSONParser.parse(try FileSystem.readText(work + "/rates.json"))
        return MixSampler(plan: plan, rates: (json.arrayValue ?? []).compactMap(MixRate.init(json:)))
    }

    /// Calls `body(source, u, bytes, tokens)` for every document counted, file after file.
    private func forEachCount(_ work: String, _ body: (Int, Double, Int64, Int64) -> Void) throws {
        let dir = work + "/counts"
        for name in try FileSystem.list(dir) where name.hasSuffix(".bin") {
            let bytes = try FileSystem.readFile(dir + "/" + name)
            guard bytes.count % 32 == 0 else { throw SieveError.corrupt(path: dir + "/" + name, offset: 0, message: "truncated counts; delete the run's work/ folder") }
            bytes.withUnsafeBytes { raw in
                for k in stride(from: 0, to: raw.count, by: 32) {
                    let source = Int(raw.loadUnaligned(fromByteOffset: k, as: UInt64.self))
                    let u = Double(bitPattern: raw.loadUnaligned(fromByteOffset: k + 8, as: UInt64.self))
                    body(source, u, Int64(raw.loadUnaligned(fromByteOffset: k + 16, as: UInt64.self)),
                         Int64(raw.loadUnaligned(fromByteOffset: k + 24, as: UInt64.self)))
                }
            }
        }
    }

    /// `mixture.json`: for each source what it had, what was asked, and what was written.
    private func writeManifest(available: [MixCounts], targets: [Double], rates: [MixRate], realised: [MixCounts]) throws {
        let unit = plan.unit
        let realisedTotal = realised.reduce(0) { $0 + $1.amount(unit) }
        let requestedTotal = targets.reduce(0, +)
        let sources: [JSONValue] = plan.sources.indices.map { k in
            let source = plan.sources[k]
            return [
                "name": .string(source.name),
                source.paths.isEmpty ? "match" : "paths": .array((source.paths.isEmpty ? source.match : source.paths).map { .string($0) }),
                "available": available[k].json(tokens: plan.tokenizer != nil),
                "requested": JSONValue(targets[k]),
                "requested_weight": JSONValue(requestedTotal > 0 ? targets[k] / requestedTotal : 0),
                "rate": JSONValue(targets[k] > 0 ? targets[k] / available[k].amount(unit) : 0),
                "threshold": JSONValue(rates[k].threshold),
                "realised": realised[k].json(tokens: plan.tokenizer != nil),
                "realised_weight": JSONValue(realisedTotal > 0 ? realised[k].amount(unit) / realisedTotal : 0),
                "repetitions": ["full_passes": JSONValue(rates[k].whole),
                                "max_copies": JSONValue(rates[k].whole + (rates[k].threshold > 0 ? 1 : 0)),
                                "extra_copies": JSONValue(Int(realised[k].repeated))],
            ]
        }
        let json: JSONValue = [
            "seed": JSONValue(Int(bitPattern: UInt(plan.seed))), "unit": .string(unit.rawValue), "by": .string(plan.by),
            "amounts": .string(plan.budgets ? "budgets" : "weights"), "max_repeat": JSONValue(plan.maxRepeat),
            "requested_total": JSONValue(requestedTotal), "realised_total": JSONValue(realisedTotal),
            "tokenizer": plan.tokenizer.map { .string($0) } ?? .null,
            "sources": .array(sources),
        ]
        try FileSystem.writeFile(manifest, Array((JSONWriter.string(json) + "\n").utf8))
    }
}

/// How many times a source's documents are written: `whole` times each, and once more when
/// the draw is below `threshold`.
struct MixRate: Equatable {
    var whole: Int
    var threshold: Double

    func copies(_ u: Double) -> Int { whole + (u < threshold ? 1 : 0) }

    var json: JSONValue { [JSONValue(whole), JSONValue(threshold)] }

    init(whole: Int, threshold: Double) {
        self.whole = whole
        self.threshold = threshold
    }

    init?(json: JSONValue) {
        guard let pair = json.arrayValue, pair.count == 2, let w = pair[0].intValue, let t = pair[1].doubleValue else { return nil }
        self.init(whole: w, threshold: t)
    }

    /// Finds the threshold of one source in three passes over its counts, memory-bounded: a
    /// histogram of draws (weighted by size) finds the bucket where the sampled part reaches its
    /// target, then the draws of that bucket alone are sorted to place the threshold within it.
    struct Fit {
        static let buckets = 4096
        let whole: Int
        /// What the sampled part should add up to (in the unit).
        var remainder: Double
        var sums: [Double]
        var bucket = -1
        var before = 0.0
        var inBucket: [(u: Double, size: Double)] = []

        init(rate: Double, available: Double, target: Double) {
            whole = Int(rate.rounded(.down))
            remainder = target - Double(whole) * available
            sums = [Double](repeating: 0, count: rate == rate.rounded(.down) ? 0 : Self.buckets)
        }

        mutating func histogram(_ u: Double, size: Double) {
            if !sums.isEmpty { sums[min(Int(u * Double(Self.buckets)), Self.buckets - 1)] += size }
        }

        mutating func chooseBucket() {
            guard !sums.isEmpty else { return }
            bucket = sums.count - 1
            for (b, sum) in sums.enumerated() {
                if before + sum >= remainder { bucket = b; break }
                before += sum
            }
        }

        mutating func collect(_ u: Double, size: Double) {
            if bucket >= 0, min(Int(u * Double(Self.buckets)), Self.buckets - 1) == bucket { inBucket.append((u, size)) }
        }

        /// Takes the bucket's draws in order while that brings the total nearer the target.
        func rate() -> MixRate {
            guard bucket >= 0 else { return MixRate(whole: whole, threshold: 0) }
            var total = before
            for (u, size) in inBucket.sorted(by: { $0.u < $1.u }) {
                if abs(total + size - remainder) >= abs(total - remainder) { return MixRate(whole: whole, threshold: u) }
                total += size
            }
            return MixRate(whole: whole, threshold: bucket == Self.buckets - 1 ? 1 : Double(bucket + 1) / Double(Self.buckets))
        }
    }
}

/// Documents, bytes and tokens of one source.
struct MixCounts {
    var docs: Int64 = 0
    var bytes: Int64 = 0
    var tokens: Int64 = 0
    /// Copies beyond the first of each document.
    var repeated: Int64 = 0

    mutating func add(copies: Int, bytes: Int64, tokens: Int64) {
        docs += Int64(copies)
        repeated += Int64(max(0, copies - 1))
        self.bytes += Int64(copies) * bytes
        self.tokens += Int64(copies) * tokens
    }

    func amount(_ unit: MixPlan.Unit) -> Double {
        switch unit {
        case .docs: Double(docs)
        case .bytes: Double(bytes)
        case .tokens: Double(tokens)
        }
    }

    func json(tokens withTokens: Bool) -> JSONValue {
        var object: JSONObject = ["docs": JSONValue(Int(docs)), "bytes": JSONValue(Int(bytes))]
        if withTokens { object["tokens"] = JSONValue(Int(tokens)) }
        return .object(object)
    }
}

/// The map side of `mix`: one 32-byte record per document of a known source (source, draw,
/// bytes, tokens), written when the input file is done. Documents of no source are counted
/// (`unmatched`) and left out of the mixture.
struct MixCollector: Stage {
    let plan: MixPlan
    let path: String
    var encoder: Encoder?
    var records: [UInt64] = []

    mutating func process(_ batch: consuming [Document], into output: inout [Document], stats: inout StageStats) throws {
        for doc in batch {
            guard let source = plan.source(of: doc) else {
                guard doc.metadata[plan.by] != nil else {
                    throw SieveError.usage("mix: document '\(doc.id)' has no metadata.\(plan.by) to tell its source; read the input with 'provenance: true' or set 'by'")
                }
                stats.add("unmatched")
                continue
            }
            let tokens = encoder == nil ? 0 : encoder!.encode(doc.text, allowSpecial: false).count
            records += [UInt64(source), plan.draw(doc, source: source).bitPattern, UInt64(doc.text.utf8.count), UInt64(tokens)]
            stats.add("counted")
        }
    }

    mutating func finish(into output: inout [Document], stats: inout StageStats) throws {
        try FileSystem.createDirectory(String(path[..<path.lastIndex(of: "/")!]))
        try records.withUnsafeBytes { try FileSystem.writeFile(path, $0) }
    }
}

/// The filter side of `mix`: each document `copies` times, with `metadata.mix_source`. Counts
/// `total`, `forwarded`, `dropped_sampled_out`, and per source `mixed_<name>` (documents written)
/// and `repeated_<name>` (copies beyond the first). Each decision depends on the document alone,
/// so a run resumes inside an input file (an `IndependentStage`).
struct MixSampler: IndependentStage {
    let plan: MixPlan
    let rates: [MixRate]

    mutating func process(_ batch: consuming [Document], into output: inout [Document], stats: inout StageStats) throws {
        for var doc in batch {
            guard let source = plan.source(of: doc), source < rates.count else {
                stats.drop(doc, reason: "unmatched")
                continue
            }
            let name = plan.sources[source].name
            let copies = rates[source].copies(plan.draw(doc, source: source))
            guard copies > 0 else {
                stats.drop(doc, reason: "sampled_out")
                continue
            }
            doc.metadata["mix_source"] = .string(name)
            stats.add("mixed_" + name, Int64(copies))
            if copies > 1 { stats.add("repeated_" + name, Int64(copies - 1)) }
            // `total` counts input documents; `forwarded` counts every copy.
            stats.count(doc)
            stats.add("forwarded", Int64(copies - 1))
            stats.add("forwarded_bytes", Int64(copies - 1) * Int64(doc.text.utf8.count))
            for _ in 0..<copies { output.append(doc) }
        }
    }
}

extension MixCorpusStage {
    /// `sieve mix`: each source's `match` names its files (JSONL text shards: paths, globs or
    /// folders); every file is read twice (count, then sample) without staging a copy, and the
    /// mixture goes to `output` with `mixture.json` beside the shards. Documents carry their
    /// source in `metadata.mix_source`.
    public static func mix(plan: MixPlan, output: ShardWriter.Options) throws -> StageStats {
        var plan = plan
        let files = try plan.sources.map { try InputPaths.expand($0.match) }
        plan.by = "mix_source"
        for k in plan.sources.indices {
            plan.sources[k].paths = plan.sources[k].match
            plan.sources[k].match = [plan.sources[k].name]
        }
        let stage = try MixCorpusStage(plan: plan, manifest: output.directory + "/mixture.json")
        let work = try FileSystem.temporaryDirectory("sieve-mix")
        defer { try? FileSystem.removeTree(work) }
        let inputs = files.enumerated().flatMap { source, paths in paths.map { (source, $0) } }
        var stats = StageStats(name: "mix")
        var readStats = StageStats(name: "read")
        for (file, input) in inputs.enumerated() {
            var collector = try stage.collector(file: file, work: work)
            try read(input, plan: plan, stats: &readStats) { try collector.process($0, into: &$1, stats: &stats) }
            var none: [Document] = []
            try collector.finish(into: &none, stats: &stats)
        }
        try stage.reduce(phase: 0, task: 0, work: work, stats: &stats)
        let writer = ShardWriter(output)
        for (file, input) in inputs.enumerated() {
            var sampler = try stage.filter(file: file, work: work)
            try read(input, plan: plan, stats: &readStats) { batch, out in
                try sampler.process(batch, into: &out, stats: &stats)
                for doc in out { try writer.write(doc) }
            }
        }
        try writer.close()
        stats.add("shards", Int64(writer.shards.count))
        stats.merge(StageStats(name: "", counters: readStats.counters.filter { $0.key.hasPrefix("skipped") }))
        return stats
    }

    /// Reads `input.1` in batches tagged with source `input.0`, handing each to `body` with an empty output.
    private static func read(_ input: (Int, String), plan: MixPlan, stats: inout StageStats,
                             _ body: ([Document], inout [Document]) throws -> Void) throws {
        var batch: [Document] = []
        var out: [Document] = []
        func flush() throws {
            out.removeAll(keepingCapacity: true)
            try body(batch, &out)
            batch.removeAll(keepingCapacity: true)
        }
        try JSONLReader().read(input.1, stats: &stats) { doc in
            var doc = doc
            doc.metadata["mix_source"] = .string(plan.sources[input.0].name)
            batch.append(doc)
            if batch.count == Run.batchSize { try flush() }
        }
        try flush()
    }
}
