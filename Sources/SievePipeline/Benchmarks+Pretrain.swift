import SieveCore
import SieveModel

extension Benchmarks {
    /// `sieve bench pretrain`: trains the model of the issue (by default 4 blocks, 4 heads, width 256,
    /// context 256, vocabulary 8,192, batch 16) on `threads` threads for `steps` steps, on byte
    /// tokens of a real text (the vocabulary size, not the ids, sets the cost), and reports
    /// tokens/s, ms/step and MFU against the measured one-thread sgemm peak × threads. The first
    /// two steps are not timed. On a shared machine the wall-clock figures drop with the load; the
    /// CPU-time figures (process CPU seconds, which include OpenBLAS's waiting threads) do much less.
    public static func pretrain(text: String, config: GPTConfig, batch: Int, steps: Int, threads: Int) throws -> String {
        let directory = "/tmp/sieve-bench/pretrain"
        try? FileSystem.removeTree(directory)
        let shards = try ByteTokens.writeShards(text: try FileSystem.readFile(text), directory: directory + "/data")
        var options = TrainingOptions()
        options.batch = batch
        options.length = config.contextLength
        options.steps = steps + 2
        options.warmup = 2
        options.valEvery = 0
        options.threads = threads
        options.train = [shards.train]
        let trainer = try Trainer(config: config, options: options, runDirectory: directory + "/run")
        var seconds = 0.0, cpu = 0.0, tokens = 0, losses: [Double] = []
        for k in 0..<(steps + 2) {
            let cpuStart = Benchmark.processCPUTime()
            let report = try trainer.trainStep()
            losses.append(report.loss)
            if k >= 2 { seconds += report.seconds; tokens += report.tokens; cpu += Benchmark.processCPUTime() - cpuStart }
        }
        let flopsPerToken = config.trainingFLOPsPerToken(sequenceLength: config.contextLength)
        let flops = flopsPerToken * Double(tokens) / seconds, cpuFlops = flopsPerToken * Double(tokens) / cpu * Double(threads)
        return """
            pretrain: \(config.layers) layers, \(config.heads) heads, width \(config.channels), context \(config.contextLength), \
            vocab \(config.vocabSize) (\(config.parameterCount) parameters), batch \(batch), \(threads) threads
              \(steps) timed steps: \(fmt(Double(tokens) / seconds)) tokens/s, \(fmt(seconds / Double(steps) * 1000)) ms/step, \
            \(fmt(flops / 1e9)) GFLOP/s model FLOPs
              sgemm peak: \(fmt(Trainer.sgemmPeakPerThread / 1e9)) GFLOP/s per thread (1024³); \
            MFU \(fmt(100 * flops / trainer.peakFLOPS))% of \(fmt(trainer.peakFLOPS / 1e9)) GFLOP/s
              by CPU time: \(fmt(cpu / Double(steps))) CPU-s/step = \(fmt(Double(tokens) / cpu * Double(threads))) tokens/s on \(threads) free cores, \
            MFU \(fmt(100 * cpuFlops / trainer.peakFLOPS))%
              loss \(fmt(losses.first!)) → \(fmt(losses.last!)); peak RSS \(fmt(Double(peakRSS()) / 1e6)) MB
            """
    }
}
