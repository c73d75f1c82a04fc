#if canImport(Glibc)
import Glibc
#endif
import Foundation
import SieveCore

/// How to train: batch and sequence, optimisation, evaluation, checkpoints, data.
public struct TrainingOptions: Codable, Equatable, Sendable {
    public var batch = 16
    /// Tokens per sequence (at most the model's context).
    public var length = 256
    public var steps = 1000
    public var lr = 3e-4
    /// The cosine schedule ends at lr × minLRFraction.
    public var minLRFraction = 0.1
    public var warmup = 100
    /// Global gradient-norm clipping threshold (0: off).
    public var gradClip = 1.0
    /// Micro-batches per optimizer step.
    public var gradAccum = 1
    /// Validation every N steps and at the end (0: never), over `valBatches` batches.
    public var valEvery = 100
    public var valBatches = 8
    /// A checkpoint every N steps (0: only at the end).
    public var checkpointEvery = 0
    public var seed: UInt64 = 1337
    public var threads = 2
    public var sampling = DataLoader.Sampling.random
    public var adam = AdamW.Options()
    /// Training and validation shards (llm.c format).
    public var train: [String] = []
    public var validation: [String] = []

    public init() {}
}

/// What one optimizer step did.
public struct StepReport: Sendable {
    public var step: Int, loss: Double, lr: Double, gradNorm: Double, seconds: Double, tokens: Int, mfu: Double
    public var tokensPerSecond: Double { Double(tokens) / seconds }
}

/// The pretraining loop (DESIGN §9): micro-batches with gradient accumulation, global-norm
/// clipping, AdamW on a warmup + cosine schedule, validation, JSONL logs and checkpoints in a run
/// directory. Same seed and threads → the same run, bit for bit, also across a resume.
public final class Trainer {
    public let config: GPTConfig
    public let options: TrainingOptions
    public let runDirectory: String
    public let model: GPT<Float>
    public let optimizer: AdamW
    public let loader: DataLoader
    public let validation: DataLoader?
    public private(set) var step = 0
    /// The step of the last validation in the log (a resumed run does not repeat it).
    private var validatedStep: Int?
    private let schedule: LearningRateSchedule
    private var inputs: [Int32], targets: [Int32]
    /// sgemm FLOP/s of one thread × threads: the 100% of MFU.
    public let peakFLOPS: Double

    /// A new run in `runDirectory` (created; refused if it already holds a run).
    public convenience init(config: GPTConfig, options: TrainingOptions, runDirectory: String) throws {
        try Trainer.refuseExistingRun(runDirectory)
        try self.init(config: config, options: options, runDirectory: runDirectory, fresh: true)
        try FileSystem.createDirectory(runDirectory + "/checkpoints")
        try Checkpoint.writeJSON(RunFile(config: config, options: options), to: runDirectory + "/run.json")
        try FileSystem.writeFile(runDirectory + "/log.jsonl", [UInt8]())
    }

    /// Throws when `runDirectory` already holds a run (a new run must not overwrite it).
    public static func refuseExistingRun(_ runDirectory: String) throws {
        if FileSystem.exists(runDirectory + "/run.json") {
            throw SieveError.usage("\(runDirectory) already holds a run: resume it with --resume, or choose another --out")
        }
    }

    /// Continues the run in `runDirectory` from `checkpoint` (default: its latest), up to `steps`
    /// (default: the run's) — bit-identical to a run that never stopped.
    public static func resume(runDirectory: String, checkpoint: String? = nil, steps: Int? = nil) throws -> Trainer {
        let run = try Checkpoint.readJSON(RunFile.self, from: runDirectory + "/run.json")
        let directory: String
        if let checkpoint { directory = checkpoint } else {
            let latest = String(try FileSystem.readText(runDirectory + "/checkpoints/latest").filter { !$0.isWhitespace })
            directory = runDirectory + "/checkpoints/" + latest
        }
        var options = run.options
        if let steps { options.steps = steps }
        let trainer = try Trainer(config: run.config, options: options, runDirectory: runDirectory, fresh: false)
        let state = try Checkpoint.readJSON(TrainingState.self, from: directory + "/state.json")
        let layout = trainer.model.params.layout
        try Safetensors.read(path: directory + "/model.safetensors", layout: layout, into: trainer.model.params.data)
        try Safetensors.read(path: directory + "/optimizer.safetensors", layout: layout, into: trainer.optimizer.m.data, prefix: "exp_avg.")
        try Safetensors.read(path: directory + "/optimizer.safetensors", layout: layout, into: trainer.optimizer.v.data, prefix: "exp_avg_sq.")
        trainer.optimizer.steps = state.optimizerSteps
        try trainer.loader.restore(state.loader)
        trainer.step = state.step
        if try RunLog.truncate(runDirectory + "/log.jsonl", after: state.step) { trainer.validatedStep = state.step }
        return trainer
    }

    private init(config: GPTConfig, options: TrainingOptions, runDirectory: String, fresh: Bool) throws {
        if let problem = config.problem { throw SieveError.usage("model: \(problem)") }
        guard options.length <= config.contextLength else {
            throw SieveError.usage("sequence length \(options.length) is longer than the context \(config.contextLength)")
        }
        guard options.batch >= 1, options.length >= 1, options.gradAccum >= 1, options.threads >= 1 else {
            throw SieveError.usage("batch, sequence length, gradient accumulation and threads must be at least 1")
        }
        guard !options.train.isEmpty else { throw SieveError.usage("no training shards") }
        self.config = config
        self.options = options
        self.runDirectory = runDirectory
        BLAS.threads = options.threads
        Parallel.threads = options.threads
        model = GPT(config: config, batch: options.batch, length: options.length)
        model.initialize(seed: options.seed)
        optimizer = AdamW(layout: model.params.layout, options: options.adam)
        loader = try DataLoader(paths: options.train, B: options.batch, T: options.length, vocabSize: config.vocabSize,
                                sampling: options.sampling, seed: options.seed &+ 1)
        do {
            validation = options.validation.isEmpty ? nil
                : try DataLoader(paths: options.validation, B: options.batch, T: options.length, vocabSize: config.vocabSize,
                                 sampling: .sequential, seed: 0)
        } catch SieveError.failed(let message) {
            Log.warning("no validation: \(message)")
            validation = nil
        }
        schedule = LearningRateSchedule(maxLR: options.lr, minLR: options.lr * options.minLRFraction,
                                        warmup: options.warmup, steps: options.steps)
        inputs = [Int32](repeating: 0, count: options.batch * options.length)
        targets = inputs
        peakFLOPS = Trainer.sgemmPeakPerThread * Double(options.threads)
    }

    /// One optimizer step over `gradAccum` micro-batches.
    public func trainStep() throws -> StepReport {
        let start = Benchmark.now()
        let (B, T, k) = (options.batch, options.length, options.gradAccum)
        model.grads.zero()
        var loss = 0.0
        for _ in 0..<k {
            try inputs.withUnsafeMutableBufferPointer { i in
                try targets.withUnsafeMutableBufferPointer { t in
                    try loader.next(inputs: i.baseAddress!, targets: t.baseAddress!)
                    loss += Double(model.forward(tokens: i.baseAddress!, targets: t.baseAddress!, B: B, T: T))
                }
            }
            model.backward(lossScale: 1 / Float(k))
        }
        loss /= Double(k)
        guard loss.isFinite else { throw SieveError.failed("the loss is \(loss) at step \(step + 1): try a lower --lr or more --warmup") }
        let norm = AdamW.norm(model.grads)
        let clip = options.gradClip > 0 && norm > options.gradClip ? options.gradClip / norm : 1
        let lr = schedule.rate(at: step)
        optimizer.update(params: model.params, grads: model.grads, lr: Float(lr), gradScale: Float(clip))
        step += 1
        let seconds = Benchmark.now() - start, tokens = B * T * k
        let mfu = config.trainingFLOPsPerToken(sequenceLength: T) * Double(tokens) / seconds / peakFLOPS
        return StepReport(step: step, loss: loss, lr: lr, gradNorm: norm, seconds: seconds, tokens: tokens, mfu: mfu)
    }

    /// The mean loss over the first `valBatches` batches of the validation shards.
    public func validationLoss() throws -> Double? {
        guard let validation else { return nil }
        validation.reset()
        let batches = min(options.valBatches, validation.batchesPerEpoch)
        var total = 0.0
        for _ in 0..<batches {
            try inputs.withUnsafeMutableBufferPointer { i in
                try targets.withUnsafeMutableBufferPointer { t in
                    try validation.next(inputs: i.baseAddress!, targets: t.baseAddress!)
                    total += Double(model.forward(tokens: i.baseAddress!, targets: t.baseAddress!, B: options.batch, T: options.length))
                }
            }
        }
        return total / Double(max(batches, 1))
    }

    /// Writes `checkpoints/step_NNNNNN/` (under a temporary name, then renamed) and points
    /// `checkpoints/latest` at it. Returns its path.
    @discardableResult
    public func saveCheckpoint() throws -> String {
        let name = "step_" + String(repeating: "0", count: max(0, 6 - String(step).count)) + String(step)
        let final = runDirectory + "/checkpoints/" + name, temporary = final + ".tmp"
        try? FileSystem.removeTree(temporary)
        try FileSystem.createDirectory(temporary)
        let layout = model.params.layout
        try Safetensors.write(path: temporary + "/model.safetensors", layout: layout, data: model.params.data, metadata: ["format": "pt"])
        try Checkpoint.writeConfig(config, to: temporary)
        try Safetensors.write(path: temporary + "/optimizer.safetensors", layout: layout,
                              groups: [("exp_avg.", UnsafePointer(optimizer.m.data)), ("exp_avg_sq.", UnsafePointer(optimizer.v.data))])
        try Checkpoint.writeJSON(TrainingState(step: step, optimizerSteps: optimizer.steps, loader: loader.state),
                                 to: temporary + "/state.json")
        try? FileSystem.removeTree(final)
        guard rename(temporary, final) == 0 else { throw SieveError.io(path: final, message: "cannot rename the checkpoint into place") }
        try FileSystem.writeFile(runDirectory + "/checkpoints/latest", Array((name + "\n").utf8))
        return final
    }

    /// Trains to `options.steps`: validation every `valEvery` steps and at the end, a checkpoint every
    /// `checkpointEvery` steps and at the end; each step logged to `log.jsonl`, and to stderr when
    /// `progress` (a line rewritten in place on a terminal).
    public func run(progress: Bool = Log.isTerminal) throws {
        let log = try RunLog(path: runDirectory + "/log.jsonl")
        var seconds = 0.0, timed = 0
        func validate() throws {
            guard options.valEvery > 0, step != validatedStep, let loss = try validationLoss() else { return }
            validatedStep = step
            log.append("{\"step\":\(step),\"val_loss\":\(loss)}")
            if progress { Log.write("\(Log.isTerminal ? "\r\u{1B}[K" : "")step \(step): validation loss \(format(loss, 4))\n") }
        }
        while step < options.steps {
            if options.valEvery > 0 && step % options.valEvery == 0 { try validate() }
            let r = try trainStep()
            if r.step > 1 { seconds += r.seconds; timed += 1 }  // the first step warms caches
            log.append("{\"step\":\(r.step),\"loss\":\(r.loss),\"lr\":\(r.lr),\"grad_norm\":\(r.gradNorm),\"ms\":\(format(r.seconds * 1000, 2)),"
                + "\"tokens_per_s\":\(format(r.tokensPerSecond, 1)),\"mfu\":\(format(r.mfu, 4))}")
            if progress {
                let eta = Double(options.steps - step) * (timed > 0 ? seconds / Double(timed) : r.seconds)
                Log.write("\(Log.isTerminal ? "\r\u{1B}[K" : "")step \(r.step)/\(options.steps) | loss \(format(r.loss, 4)) | lr \(String(format: "%.2e", r.lr))"
                    + " | \(Int(r.tokensPerSecond)) tok/s | \(Int(r.seconds * 1000)) ms/step | MFU \(format(r.mfu * 100, 1))% | ETA \(duration(eta))"
                    + (Log.isTerminal ? "" : "\n"))
            }
            if options.checkpointEvery > 0 && step % options.checkpointEvery == 0 && step < options.steps { try saveCheckpoint() }
        }
        try validate()
        let path = try saveCheckpoint()
        if progress { Log.write("\(Log.isTerminal ? "\n" : "")checkpoint: \(path)\n") }
    }

    /// One-thread sgemm FLOP/s at 1024³ (best of three), measured once per process in the calling
    /// thread's CPU time, so that other processes on the machine do not lower it.
    public static let sgemmPeakPerThread: Double = {
        let n = 1024, saved = BLAS.threads
        BLAS.threads = 1
        defer { BLAS.threads = saved }
        let a = [Float](repeating: 0.5, count: n * n)
        var c = a
        var best = Double.infinity
        for _ in 0..<3 {
            let start = Benchmark.threadCPUTime()
            BLAS.sgemm(m: n, n: n, k: n, a: a, b: a, c: &c)
            best = min(best, Benchmark.threadCPUTime() - start)
        }
        return 2 * Double(n * n * n) / best
    }()
}

/// `run.json`: what a run trains and how.
struct RunFile: Codable {
    var config: GPTConfig
    var options: TrainingOptions
}

/// `state.json` in a checkpoint.
struct TrainingState: Codable {
    var step: Int
    var optimizerSteps: Int
    var loader: DataLoader.State
}

/// Appends lines to the run's `log.jsonl`.
final class RunLog {
    private let fd: Int32

    init(path: String) throws {
        fd = open(path, O_WRONLY | O_APPEND | O_CREAT, 0o644)
        guard fd >= 0 else { throw SieveError.io(path: path, message: "cannot open for appending") }
    }

    deinit { close(fd) }

    func append(_ line: String) {
        var text = line + "\n"
        text.withUTF8 { _ = write(fd, $0.baseAddress, $0.count) }
    }

    /// Keeps only the lines of steps ≤ `step` (a resumed run logs the later ones again); returns
    /// whether step `step` has its validation line.
    static func truncate(_ path: String, after step: Int) throws -> Bool {
        guard FileSystem.exists(path) else { return false }
        let kept = try FileSystem.readText(path).split(separator: "\n").filter { line in
            guard let range = line.range(of: "\"step\":") else { return false }
            return Int(line[range.upperBound...].prefix { $0.isNumber }).map { $0 <= step } ?? false
        }
        try FileSystem.writeFile(path, Array(kept.map { $0 + "\n" }.joined().utf8))
        return kept.contains { $0.hasPrefix("{\"step\":\(step),\"val_loss\"") }
    }
}

/// Clocks for the trainer and the benchmarks.
public enum Benchmark {
    /// Wall-clock seconds.
    public static func now() -> Double { clock(CLOCK_MONOTONIC) }
    /// CPU seconds of the whole process (all threads).
    public static func processCPUTime() -> Double { clock(CLOCK_PROCESS_CPUTIME_ID) }
    /// CPU seconds of the calling thread.
    public static func threadCPUTime() -> Double { clock(CLOCK_THREAD_CPUTIME_ID) }

    private static func clock(_ id: clockid_t) -> Double {
        var t = timespec()
        clock_gettime(id, &t)
        return Double(t.tv_sec) + Double(t.tv_nsec) / 1e9
    }
}

func format(_ x: Double, _ decimals: Int) -> String {
    var scale = 1.0
    for _ in 0..<decimals { scale *= 10 }
    let v = (x * scale).rounded() / scale
    return "\(v)"
}

func duration(_ seconds: Double) -> String {
    let s = Int(seconds.rounded())
    return s >= 3600 ? "\(s / 3600)h\(s % 3600 / 60)m" : s >= 60 ? "\(s / 60)m\(s % 60)s" : "\(s)s"
}
