import SieveCore
import SieveIO
import Testing
@testable import SieveTokenizer

/// The sample `train_tokenizer` trains on, and the step's shell form.
struct TrainTokenizerTests {
    /// The longest prefix, by key, of `items` whose sizes add up to at most `budget` (by sorting).
    func prefix(_ items: [(key: SampleKey, size: Int)], budget: Int) -> [SampleKey] {
        var total = 0
        var keys: [SampleKey] = []
        for item in items.sorted(by: { $0.key < $1.key }) {
            total += item.size
            if total > budget { break }
            keys.append(item.key)
        }
        return keys
    }

    @Test func bottomSampleIsTheLongestPrefixByKeyInOneStreamOrMergedFromFiles() {
        var random = SplitMix64(seed: 7)
        for round in 0..<40 {
            // Sizes span tiny documents and documents larger than the budget; hashes collide now and then.
            let items = (0..<300).map { k in
                (key: SampleKey(hash: random.next() % 200, file: k % 3, position: k / 3),
                 size: Int(random.next() % (round % 4 == 0 ? 5000 : 400)) + 1)
            }
            for budget in [0, 1, 500, 10_000, 60_000, 1 << 30] {
                let expected = prefix(items, budget: budget)
                var one = BottomSample<Void>(budget: budget)
                for item in items.shuffled(using: &random) { one.add(item.key, size: item.size, payload: ()) }
                #expect(one.entries.map(\.key) == expected)
                #expect(one.bytes <= budget)

                // Per file, then the files' keys and ceilings merged: the same sample.
                var merged = BottomSample<Void>(budget: budget)
                for file in 0..<3 {
                    var part = BottomSample<Void>(budget: budget)
                    for item in items where item.key.file == file { part.add(item.key, size: item.size, payload: ()) }
                    for entry in part.entries { merged.add(entry.key, size: entry.size, payload: ()) }
                    if let ceiling = part.ceiling { merged.add(ceiling: ceiling) }
                }
                #expect(merged.entries.map(\.key) == expected)
            }
        }
    }

    @Test func theShellStagePassesDocumentsOnAndTrainsOnItsSample() throws {
        var reader = JSONLReader()
        let docs = Array(try reader.readAll(fixture("jsonl/dolma-cc-2019-30.jsonl.gz")).documents.prefix(120))
        let path = scratch("shell-tokenizer.json")
        let budget = 150_000
        let trainer = BPETrainer(vocabSize: 700)
        var stage = TrainTokenizerStage(TokenizerTraining(trainer: trainer, path: path, sampleBytes: budget, seed: 3, threads: 2))
        var stats = StageStats(name: "train_tokenizer")
        var passed: [Document] = []
        try stage.process(Array(docs[..<50]), into: &passed, stats: &stats)
        try stage.process(Array(docs[50...]), into: &passed, stats: &stats)
        try stage.finish(into: &passed, stats: &stats)
        #expect(passed.map(\.id) == docs.map(\.id) && passed.map(\.text) == docs.map(\.text))

        // The same documents, chosen by sorting their keys, counted and trained on directly.
        let keyed = docs.enumerated().map { (key: SampleKey(text: $0.element.text, seed: 3, file: 0, position: $0.offset), size: $0.element.text.utf8.count) }
        let chosen = Set(prefix(keyed, budget: budget).map(\.position))
        #expect(!chosen.isEmpty && chosen.count < docs.count)
        var counts = WordCounts()
        for k in chosen.sorted() { var text = docs[k].text; text.withUTF8 { counts.add(UnsafeRawBufferPointer($0)) } }
        let direct = try trainer.train(counts)
        let trained = try Tokenizer.load(path)
        #expect(trained.vocab == direct.vocab)
        #expect(trained.merges.map { [$0.0, $0.1] } == direct.merges.map { [$0.0, $0.1] })
        #expect(stats["sampled_documents"] == Int64(chosen.count) && stats["forwarded"] == Int64(docs.count))
        #expect(stats["vocab_size"] == 700 && stats["sampled_bytes"] <= Int64(budget))

        // Another seed, another sample.
        let other = Set(prefix(docs.enumerated().map { (key: SampleKey(text: $0.element.text, seed: 4, file: 0, position: $0.offset), size: $0.element.text.utf8.count) },
                               budget: budget).map(\.position))
        #expect(other != chosen)
    }
}
