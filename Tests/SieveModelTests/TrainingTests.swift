import Testing
import SieveCore
@testable import SieveModel

/// Paths of the fixtures, found from this source file, and fresh directories under /tmp.
enum ModelFixtures {
    static let shakespeare: String = {
        var parts = #filePath.split(separator: "/", omittingEmptySubsequences: false)
        parts.removeLast(3)  // Tests/SieveModelTests/TrainingTests.swift
        return parts.joined(separator: "/") + "/fixtures/prose/tinyshakespeare-64k.txt"
    }()

    static func directory(_ name: String = #function) throws -> String {
        let dir = "/tmp/sieve-tests/model-\(name.filter { $0.isLetter })-\(UInt32.random(in: 0...UInt32.max))"
        try FileSystem.createDirectory(dir)
        return dir
    }

    /// A tiny model and its options, trained byte-level on the Shakespeare fixture.
    static func run(steps: Int, threads: Int = 1, sampling: DataLoader.Sampling = .random) throws -> (GPTConfig, TrainingOptions, String) {
        let dir = try directory()
        let shards = try ByteTokens.writeShards(text: try FileSystem.readFile(shakespeare), directory: dir + "/data")
        let config = GPTConfig(vocabSize: ByteTokens.vocabSize, contextLength: 32, layers: 2, heads: 2, channels: 32, tokenizer: "bytes")
        var options = TrainingOptions()
        (options.batch, options.length, options.steps, options.lr, options.warmup) = (16, 32, steps, 3e-3, 10)
        (options.valEvery, options.valBatches, options.threads, options.sampling) = (100, 4, threads, sampling)
        (options.train, options.validation) = ([shards.train], [shards.validation])
        return (config, options, dir + "/run")
    }
}

@Suite struct TrainingTests {
    /// Byte-level Shakespeare: the loss starts at ln 257 ≈ 5.55 and must fall below 2.6 nats
    /// (validation) within 300 steps of batch 16 × 32 tokens (a unigram model reaches about 3.3).
    @Test func lossFallsOnRealText() throws {
        let (config, options, dir) = try ModelFixtures.run(steps: 300)
        let trainer = try Trainer(config: config, options: options, runDirectory: dir)
        let first = try #require(try trainer.validationLoss())
        #expect(abs(first - 5.55) < 0.1)
        try trainer.run(progress: false)
        let last = try #require(try trainer.validationLoss())
        #expect(last < 2.6, "validation loss \(last) after 300 steps")
        // The log has every step and the validations.
        let log = try FileSystem.readText(dir + "/log.jsonl").split(separator: "\n")
        #expect(log.filter { $0.contains("\"loss\"") }.count == 300)
        #expect(log.filter { $0.contains("\"val_loss\"") }.count == 4)
        #expect(log.last!.contains("\"val_loss\""))
        // Greedy generation from the checkpoint is deterministic and yields text bytes.
        let model = try Checkpoint.loadModel(dir + "/checkpoints/step_000300")
        var sampler = Sampler(model: model, temperature: 0)
        let a = sampler.generate(prompt: ByteTokens.encode(Array("ROMEO:".utf8)), maxTokens: 20)
        let b = sampler.generate(prompt: ByteTokens.encode(Array("ROMEO:".utf8)), maxTokens: 20)
        #expect(a == b && a.count == 20 && a.allSatisfy { $0 < 128 })
    }

    /// Training 6 steps straight and training 3, stopping, resuming from the checkpoint and training
    /// 3 more give the same parameters, moments and losses, bit for bit (2 threads, random windows).
    @Test(arguments: [DataLoader.Sampling.random, .sequential])
    func resumeIsBitExact(sampling: DataLoader.Sampling) throws {
        var (config, options, dir) = try ModelFixtures.run(steps: 6, threads: 2, sampling: sampling)
        options.checkpointEvery = 3
        options.valEvery = 0
        let straight = try Trainer(config: config, options: options, runDirectory: dir)
        var losses: [Double] = []
        while straight.step < 6 {
            losses.append(try straight.trainStep().loss)
            if straight.step == 3 { try straight.saveCheckpoint() }
        }
        let resumed = try Trainer.resume(runDirectory: dir, checkpoint: dir + "/checkpoints/step_000003")
        #expect(resumed.step == 3)
        var resumedLosses: [Double] = []
        while resumed.step < 6 { resumedLosses.append(try resumed.trainStep().loss) }
        #expect(resumedLosses == Array(losses[3...]))
        #expect(Array(resumed.model.params.buffer) == Array(straight.model.params.buffer))
        #expect(Array(resumed.optimizer.m.buffer) == Array(straight.optimizer.m.buffer))
        #expect(Array(resumed.optimizer.v.buffer) == Array(straight.optimizer.v.buffer))
        #expect(resumed.loader.state == straight.loader.state)
    }

    /// The thread count changes no result: rows are split per thread, reductions in fixed chunks,
    /// attention per (batch, head) with one-thread OpenBLAS.
    @Test func threadsDoNotChangeResults() throws {
        var params: [[Float]] = []
        for threads in [1, 2] {
            let (config, options, dir) = try ModelFixtures.run(steps: 3, threads: threads)
            let trainer = try Trainer(config: config, options: options, runDirectory: dir)
            for _ in 0..<3 { _ = try trainer.trainStep() }
            params.append(Array(trainer.model.params.buffer))
        }
        #expect(params[0] == params[1])
    }

    /// A new run refuses a directory that already holds one.
    @Test func refusesAnExistingRun() throws {
        let (config, options, dir) = try ModelFixtures.run(steps: 1)
        _ = try Trainer(config: config, options: options, runDirectory: dir)
        #expect(throws: SieveError.self) { try Trainer(config: config, options: options, runDirectory: dir) }
    }

    @Test func schedule() {
        let s = LearningRateSchedule(maxLR: 1, minLR: 0.1, warmup: 10, steps: 110)
        #expect(s.rate(at: 0) == 0.1)
        #expect(s.rate(at: 9) == 1)
        #expect(abs(s.rate(at: 60) - 0.55) < 1e-12)
        #expect(abs(s.rate(at: 110) - 0.1) < 1e-12)
    }
}
