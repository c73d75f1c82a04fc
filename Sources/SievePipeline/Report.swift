import Glibc
import SieveCore

/// `sieve report RUN`: one self-contained HTML page (inline SVG, no script from the network, no
/// external file) that shows what a run did (DESIGN §10): documents and bytes kept after each
/// step, drop reasons per step, languages, quality-score histogram with the cut, duplicate
/// cluster sizes, tokens per shard, training and validation loss, throughput per step, wall time
/// per phase, and the ablation of `sieve ablate`.
///
/// Everything comes from files the run already writes: `stats.json` (merged counters),
/// `spec.yaml` (the quality cut and its sketch directory), the quality sketches
/// (`QuantileSketch` JSON), token `manifest.json` files, a `sieve pretrain` `log.jsonl` under the
/// run, `timings.json`, `ablation.json`, and the mtimes of `plan.json` and the completion markers.
public enum RunReport {
    /// Writes the report of run directory `run` to `output` (default `RUN/report.html`) and
    /// returns its path.
    @discardableResult
    public static func write(run: String, output: String? = nil) throws -> String {
        let path = output ?? run + "/report.html"
        try FileSystem.writeFile(path, Array(try html(run: run).utf8))
        return path
    }

    public static func html(run: String) throws -> String {
        let statsPath = run + "/stats.json"
        guard FileSystem.exists(statsPath) else {
            throw SieveError.usage("\(statsPath) does not exist: finish the run first ('sieve run SPEC --run-dir \(run)')")
        }
        let stats = try JSONParser.parse(try FileSystem.readText(statsPath)).objectValue ?? [:]
        let steps = (stats["steps"]?.arrayValue ?? []).compactMap(StageStats.init(json:))
        let name = stats["name"]?.stringValue ?? run
        let spec = try? PipelineSpec.parse(try FileSystem.readText(run + "/spec.yaml"), file: run + "/spec.yaml")
        var page = HTMLPage(title: "Sieve run \(name)")
        let tasks = stats["tasks"]?.intValue ?? 0
        page.paragraph("Run directory <code>\(escape(run))</code>, \(tasks) task\(tasks == 1 ? "" : "s"), \(steps.count - 1) steps.")

        // Funnel: documents and bytes that each step passed on.
        page.section("Documents kept after each step (funnel)",
                     Chart.bars(steps.map { ($0.name, Double($0["forwarded"]), "\($0["forwarded"]) docs, \(megabytes($0["forwarded_bytes"]))") }))

        // Drop reasons, per step.
        var drops: [(String, Double, String)] = []
        for step in steps {
            for (key, value) in step.counters.sorted(by: { $0.key < $1.key })
            where (key.hasPrefix("dropped_") || key.hasPrefix("skipped_")) && value > 0 {
                drops.append(("\(step.name): \(key)", Double(value), "\(value)"))
            }
        }
        page.section("Drop reasons per step", drops.isEmpty ? "<p>Nothing was dropped.</p>" : Chart.bars(drops))

        // Languages, from the language step's counters.
        let languages = steps.flatMap { step in
            step.counters.filter { $0.key.hasPrefix("language_") && $0.value > 0 }
                .map { (String($0.key.dropFirst("language_".count)), Double($0.value), "\($0.value)") }
        }.sorted { $0.1 > $1.1 }
        if !languages.isEmpty { page.section("Languages (documents identified)", Chart.bars(Array(languages.prefix(20)))) }

        // Quality scores: the sketches of every task, the cut marked.
        if let spec, let (bins, cut) = qualityHistogram(run: run, spec: spec) {
            page.section("Quality scores (all scored documents; the cut in red)", Chart.histogram(bins, from: 0, to: 1, marker: cut))
        }

        // Duplicate clusters, from the dedup steps' cluster_size_* counters.
        for step in steps where step.name.hasPrefix("dedup") {
            let sizes = step.counters.filter { $0.key.hasPrefix("cluster_size_") }
                .map { (key: String($0.key.dropFirst("cluster_size_".count)).replacingOccurrences("_", "–"), value: $0.value) }
                .sorted { (Int($0.key.split(separator: "–").first ?? "") ?? 0) < (Int($1.key.split(separator: "–").first ?? "") ?? 0) }
            guard !sizes.isEmpty else { continue }
            page.section("Duplicate cluster sizes (\(step.name): \(counted(step["clusters"], "cluster")), \(counted(step["duplicates"], "duplicate")))",
                         Chart.bars(sizes.map { ("\($0.key) documents", Double($0.value), counted(Int64($0.value), "cluster")) }))
        }

        // Tokens per shard.
        for manifest in files(under: run, named: "manifest.json") {
            guard let object = try? JSONParser.parse(try FileSystem.readText(manifest)).objectValue,
                  let shards = object["shards"]?.arrayValue else { continue }
            let bars = shards.compactMap { shard -> (String, Double, String)? in
                guard let s = shard.objectValue, let tokens = s["tokens"]?.intValue else { return nil }
                let file = s["file"]?.stringValue ?? s["name"]?.stringValue ?? "?"
                return (file, Double(tokens), "\(tokens) tokens, \(s["documents"]?.intValue ?? 0) docs")
            }
            if !bars.isEmpty { page.section("Tokens per shard (\(escape(relative(manifest, to: run))))", Chart.bars(bars)) }
        }

        // Training and validation loss of a `sieve pretrain` run kept under the run directory.
        for log in files(under: run, named: "log.jsonl") {
            var train: [(Double, Double)] = [], validation: [(Double, Double)] = []
            for line in (try? FileSystem.readText(log))?.split(separator: "\n") ?? [] {
                guard let o = try? JSONParser.parse(String(line)).objectValue, let step = o["step"]?.doubleValue else { continue }
                if let loss = o["loss"]?.doubleValue { train.append((step, loss)) }
                if let loss = o["val_loss"]?.doubleValue { validation.append((step, loss)) }
            }
            if !train.isEmpty {
                page.section("Training loss (blue) and validation loss (orange): \(escape(relative(log, to: run)))",
                             Chart.lines([train, validation], xLabel: "step", yLabel: "loss (nats/token)"))
            }
        }

        if let ablation = ablationTable(run: run) { page.section("Curation judged by training (sieve ablate)", ablation) }

        // Throughput per step, from the tasks' timings.
        if let steps = RunTimings.load(run: run), let total = Optional(steps.reduce(0) { $0 + $1.wallSeconds }), total > 0 {
            let rows = steps.filter { $0.wallSeconds > 0 }.map { step in
                (step.name, step.wallSeconds, "\(format1(step.wallSeconds / total * 100))% of the time · \(Int(step.documentsPerSecond)) docs/s · "
                    + "\(format1(step.megabytesPerSecond)) MB/s")
            }
            page.section("Throughput per step (share of time, documents and MB per second of the step's own time)",
                         "<p>Seconds are summed over tasks (\(format1(total)) task-seconds in the steps); MB/s counts the text a step "
                         + "takes in (the reader: what it passes on). From <code>timings.json</code>.</p>" + Chart.bars(rows)
                         + RunTimings.table(steps, html: true))
        }

        // Wall time per phase, from the completion markers; throughput of the whole run.
        let phases = (stats["phases"]?.arrayValue ?? []).compactMap { $0.objectValue?["name"]?.stringValue }
        // A phase ends with its last marker; the run starts when plan.json is written (a later
        // `sieve run` that found nothing to do rewrites it: then the first phase's time is unknown).
        let markers = (try? FileSystem.list(run + "/completions")) ?? []
        let ends = phases.enumerated().map { p, phase in
            markers.filter { p == 0 ? $0.hasPrefix("task_") : $0.hasPrefix(phase + "_task_") }
                .compactMap { mtime(run + "/completions/" + $0) }.max()
        }
        if let plan = mtime(run + "/plan.json"), let firstEnd = ends.first ?? nil {
            let start = plan <= firstEnd ? plan : firstEnd
            var previous = start, rows: [(String, Double, String)] = []
            for (phase, end) in zip(phases, ends) {
                guard let end else { continue }
                let seconds = max(end - previous, 0)
                rows.append((phase, seconds, plan <= firstEnd || end > firstEnd ? format1(seconds) + " s" : "unknown (resumed run)"))
                previous = end
            }
            let wall = previous - start
            let read = steps.first
            var text = "<p>Wall time \(format1(wall)) s\(plan <= firstEnd ? "" : " after the first phase")"
            if let read, wall > 0, plan <= firstEnd {
                text += ": \(Int(Double(read["forwarded"]) / wall)) documents/s and "
                    + "\(format1(Double(read["forwarded_bytes"]) / 1e6 / wall)) MB/s read, over all phases and tasks"
            }
            page.section("Wall time per phase", text + ".</p>" + Chart.bars(rows))
        }
        return page.finish()
    }

    /// Score histogram (20 bins over [0, 1]) of the quality step's sketches, and its threshold.
    static func qualityHistogram(run: String, spec: PipelineSpec) -> ([Int64], Double?)? {
        guard var params = spec.steps.first(where: { $0.name == "quality" })?.params,
              let directory = try? params.string("sketch") else { return nil }
        let threshold: String? = (try? params.string("threshold")) ?? nil
        let cut = threshold.flatMap { Double($0) }
        var bins = [Int64](repeating: 0, count: 20)
        let path = directory.hasPrefix("/") ? directory : run + "/" + directory
        for file in ((try? FileSystem.list(path)) ?? []) where file.hasSuffix(".json") {
            guard let sketch = try? QuantileSketchBins(json: JSONParser.parse(try FileSystem.readText(path + "/" + file))) else { continue }
            for (k, count) in sketch.bins { bins[min(19, k * 20 / sketch.resolution)] += count }
        }
        return bins.contains { $0 > 0 } ? (bins, cut) : nil
    }

    /// `RUN/ablation.json` of `sieve ablate`: bits per byte on the reference text per share and seed.
    static func ablationTable(run: String) -> String? {
        guard let o = try? JSONParser.parse(try FileSystem.readText(run + "/ablation.json")).objectValue,
              let runs = o["runs"]?.arrayValue, let difference = o["difference_bits_per_byte"]?.doubleValue else { return nil }
        let rows = runs.compactMap(\.objectValue).map { r in
            "<tr><td>\(escape(r["share"]?.stringValue ?? "?"))</td><td>\(r["seed"]?.intValue ?? 0)</td>"
                + "<td>\(Chart.format2(r["val_loss"]?.doubleValue ?? .nan))</td><td>\(format3(r["bits_per_byte"]?.doubleValue ?? .nan))</td></tr>"
        }.joined()
        let bars = ["top", "random"].compactMap { arm in
            o["mean_bits_per_byte"]?.objectValue?[arm]?.doubleValue.map { ("\(arm) share (mean)", $0, format3($0) + " bits/byte") }
        }
        return "<p>The same GPT (\(o["model"]?.objectValue?["layers"]?.intValue ?? 0) layers, width "
            + "\(o["model"]?.objectValue?["width"]?.intValue ?? 0)), the same token budget (\(o["steps"]?.intValue ?? 0) steps, "
            + "\(o["training_tokens"]?.intValue ?? 0) tokens), trained on the quality scorer's top "
            + "\(Chart.format2((o["share"]?.doubleValue ?? 0) * 100))% of \(o["documents"]?.intValue ?? 0) scored documents and on a "
            + "random share of equal size; evaluated on <code>\(escape(o["reference"]?.stringValue ?? "?"))</code>, which the scorer "
            + "never saw. Mean difference, top − random: <b>\(format3(difference)) bits per byte</b> (negative: the top share is better).</p>"
            + Chart.bars(bars)
            + "<table><tr><th>share</th><th>seed</th><th>validation loss (nats/token)</th><th>bits per byte</th></tr>\(rows)</table>"
    }

    /// Files named `name` anywhere below `directory`, sorted; not under `ablation/`, whose
    /// models have their own section.
    static func files(under directory: String, named name: String) -> [String] {
        var found: [String] = []
        for entry in ((try? FileSystem.list(directory)) ?? []).sorted() where entry != "ablation" {
            let path = directory + "/" + entry
            if FileSystem.isDirectory(path) { found += files(under: path, named: name) } else if entry == name { found.append(path) }
        }
        return found
    }

    static func mtime(_ path: String) -> Double? {
        var s = stat()
        guard stat(path, &s) == 0 else { return nil }
        return Double(s.st_mtim.tv_sec) + Double(s.st_mtim.tv_nsec) / 1e9
    }

    static func relative(_ path: String, to root: String) -> String {
        path.hasPrefix(root + "/") ? String(path.dropFirst(root.count + 1)) : path
    }

    static func megabytes(_ bytes: Int64) -> String { format1(Double(bytes) / 1e6) + " MB" }
}

/// The bins of a `QuantileSketch` JSON (`{"resolution":R,"total":N,"bins":[[index,count],…]}`).
struct QuantileSketchBins {
    var resolution: Int
    var bins: [(Int, Int64)]

    init(json: JSONValue) throws {
        guard let o = json.objectValue, let r = o["resolution"]?.intValue, r > 0, let b = o["bins"]?.arrayValue else {
            throw SieveError.usage("not a quality sketch")
        }
        resolution = r
        bins = b.compactMap { pair in
            guard let p = pair.arrayValue, p.count == 2, let k = p[0].intValue, let c = p[1].intValue, k >= 0, k < r else { return nil }
            return (k, Int64(c))
        }
    }
}

func escape(_ text: String) -> String {
    var out = ""
    for c in text {
        switch c {
        case "&": out += "&amp;"
        case "<": out += "&lt;"
        case ">": out += "&gt;"
        case "\"": out += "&quot;"
        default: out.append(c)
        }
    }
    return out
}

func format3(_ x: Double) -> String {
    let thousandths = Int((abs(x) * 1000).rounded())
    let fraction = String(thousandths % 1000)
    return (x < 0 && thousandths > 0 ? "-" : "") + "\(thousandths / 1000)." + String(repeating: "0", count: 3 - fraction.count) + fraction
}

func format1(_ x: Double) -> String {
    guard x.isFinite else { return "–" }
    let tenths = Int((x * 10).rounded())
    return "\(tenths / 10).\(abs(tenths % 10))"
}


/// `timings.json` (merged `StepTiming`s per pipeline position) as rows of a table: `sieve stats
/// RUN --timings` and the report's throughput section.
public enum RunTimings {
    public static func load(run: String) -> [StepTiming]? {
        guard let text = try? FileSystem.readText(run + "/timings.json"),
              let steps = (try? JSONParser.parse(text))?.objectValue?["steps"]?.arrayValue else { return nil }
        return steps.compactMap(StepTiming.init(json:))
    }

    /// step, wall s, CPU s, share of time, documents in → out, MB in → out, docs/s, MB/s; as text
    /// columns or an HTML table.
    public static func table(_ steps: [StepTiming], html: Bool) -> String {
        let total = max(steps.reduce(0) { $0 + $1.wallSeconds }, 1e-9)
        let header = ["step", "wall s", "CPU s", "time %", "docs in", "docs out", "MB in", "MB out", "docs/s", "MB/s"]
        let rows = steps.enumerated().map { k, t in
            ["\(k == 0 ? "" : "\(k). ")\(t.name)", format3(t.wallSeconds), format3(t.cpuSeconds), format1(t.wallSeconds / total * 100),
             "\(t.documentsIn)", "\(t.documentsOut)", format1(Double(t.bytesIn) / 1e6), format1(Double(t.bytesOut) / 1e6),
             "\(Int(t.documentsPerSecond))", format1(t.megabytesPerSecond)]
        }
        if html {
            return "<table><tr>" + header.map { "<th>\($0)</th>" }.joined() + "</tr>"
                + rows.map { "<tr>" + $0.map { "<td>\(escape($0))</td>" }.joined() + "</tr>" }.joined() + "</table>"
        }
        let widths = header.indices.map { c in ([header] + rows).map { $0[c].count }.max() ?? 0 }
        return ([header] + rows).map { row in
            row.enumerated().map { c, cell in
                let pad = String(repeating: " ", count: widths[c] - cell.count)
                return c == 0 ? cell + pad : pad + cell
            }.joined(separator: "  ")
        }.joined(separator: "\n") + "\n"
    }

    /// `sieve stats RUN --timings [--json]`.
    public static func render(run: String, json: Bool) throws -> String {
        guard let steps = load(run: run) else {
            throw SieveError.usage("\(run)/timings.json does not exist: finish the run first (runs from before timings were kept have none)")
        }
        return json ? try FileSystem.readText(run + "/timings.json") : table(steps, html: false)
    }
}

/// `sieve stats RUN`: the merged counters of every step as an aligned table (steps in order,
/// `total`, `forwarded` and `dropped` first, then the rest by name).
public enum RunStatsTable {
    public static func render(run: String, json: Bool) throws -> String {
        let path = run + "/stats.json"
        guard FileSystem.exists(path) else {
            throw SieveError.usage("\(path) does not exist: finish the run first, or see 'sieve status \(run)'")
        }
        let text = try FileSystem.readText(path)
        if json { return text.hasSuffix("\n") ? text : text + "\n" }
        let steps = (try JSONParser.parse(text).objectValue?["steps"]?.arrayValue ?? []).compactMap(StageStats.init(json:))
        let first = ["total", "forwarded", "dropped", "forwarded_bytes"]
        var rows: [(String, String, String)] = []
        for (k, step) in steps.enumerated() {
            let keys = first.filter { step.counters[$0] != nil } + step.counters.keys.filter { !first.contains($0) }.sorted()
            for (n, key) in keys.enumerated() {
                rows.append((n == 0 ? "\(k == 0 ? "" : "\(k). ")\(step.name)" : "", key, "\(step[key])"))
            }
        }
        let w0 = max(rows.map(\.0.count).max() ?? 0, 4), w1 = max(rows.map(\.1.count).max() ?? 0, 7)
        func pad(_ s: String, _ w: Int) -> String { s + String(repeating: " ", count: max(w - s.count, 0)) }
        var out = pad("step", w0) + "  " + pad("counter", w1) + "  value\n"
        for row in rows { out += pad(row.0, w0) + "  " + pad(row.1, w1) + "  " + String(repeating: " ", count: max(12 - row.2.count, 0)) + row.2 + "\n" }
        return out
    }
}

/// "1 cluster", "3 clusters".
private func counted(_ n: Int64, _ noun: String) -> String { "\(n) \(noun)\(n == 1 ? "" : "s")" }
