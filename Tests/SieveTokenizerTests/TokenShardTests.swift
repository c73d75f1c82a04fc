#if canImport(Glibc)
import Glibc
#endif
import SieveCore
import SieveIO
import SievePipeline
import Testing
@testable import SieveTokenizer

/// A fresh directory under /tmp, removed by the caller.
func scratch(_ name: String) -> String {
    let path = "/tmp/sieve-test-\(getpid())-\(name)"
    try? FileSystem.removeTree(path)
    return path
}

/// Reads a shard the way llm.c's `dataloader.h` and nanoGPT's `_load_data_shard` do: 256 int32,
/// magic and version checked, then the rest of the file as tokens, whose count must match.
func loadLikeNanoGPT(_ path: String) throws -> (magic: Int32, version: Int32, tokens: [UInt32]) {
    let bytes = try FileSystem.readFile(path)
    let header = bytes.withUnsafeBytes { raw in (0..<256).map { Int32(littleEndian: raw.loadUnaligned(fromByteOffset: 4 * $0, as: Int32.self)) } }
    let width: Int
    switch (header[0], header[1]) {
    case (20240520, 1): width = 2
    case (20240801, 7): width = 4
    default: throw SieveError.failed("magic number mismatch in the data .bin file")
    }
    let body = bytes[1024...]
    let tokens: [UInt32] = body.withUnsafeBytes { raw in
        (0..<(raw.count / width)).map {
            width == 2 ? UInt32(UInt16(littleEndian: raw.loadUnaligned(fromByteOffset: 2 * $0, as: UInt16.self)))
                : UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: 4 * $0, as: UInt32.self))
        }
    }
    guard tokens.count == Int(header[2]), header[3...].allSatisfy({ $0 == 0 }) else { throw SieveError.failed("number of tokens read does not match header") }
    return (header[0], header[1], tokens)
}

/// Real paragraphs of prose, as documents.
func proseDocuments() throws -> [String] {
    let text = try FileSystem.readText(fixture("prose/tinyshakespeare-head.txt"))
    return text.split(separator: "\n\n").map(String.init)
}

func gpt2Info(_ vocabSize: Int? = nil) throws -> TokenManifest.Info {
    let path = fixture("tokenizer/gpt2-tokenizer.json.gz")
    return TokenManifest.Info(tokenizer: path, tokenizerSHA256: SHA256.hex(of: try FileSystem.readFile(path)),
                              vocabSize: vocabSize ?? gpt2.vocabSize, eotID: 50256)
}

@Suite struct TokenShardTests {
    @Test func shardsReadBackAsLLMcAndNanoGPTReadThem() throws {
        let dir = scratch("shards")
        defer { try? FileSystem.removeTree(dir) }
        let docs = try proseDocuments()
        var encoder = Encoder(gpt2)
        let writer = TokenShardWriter(.init(directory: dir, maxShardTokens: 4000, validationTokens: 1000), info: try gpt2Info())
        var encoded: [[UInt32]] = []
        for doc in docs {
            encoded.append(encoder.encode(doc, allowSpecial: false))
            try writer.write(encoded.last!)
        }
        try writer.close()
        let (info, shards) = try TokenManifest.read(dir)
        #expect(info == (try gpt2Info()))
        #expect(shards.first?.file == "part_val_000000.bin")
        #expect(shards.first?.split == "val")
        #expect(shards.dropFirst().allSatisfy { $0.split == "train" })
        #expect(shards[1].file == "part_train_000001.bin")
        #expect(shards.reduce(0) { $0 + $1.documents } == docs.count)
        var all: [UInt32] = []
        for shard in shards {
            let path = dir + "/" + shard.file
            let (magic, version, tokens) = try loadLikeNanoGPT(path)
            #expect(magic == 20240520 && version == 1)
            #expect(tokens.count == shard.tokens)
            #expect(tokens.count <= (shard.split == "val" ? 1000 : 4000))
            #expect(tokens.first == 50256)  // every shard starts with a document
            #expect(tokens.filter { $0 == 50256 }.count == shard.documents)
            #expect(SHA256.hex(of: try FileSystem.readFile(path)) == shard.sha256)
            #expect(try TokenShard.readHeader(path) == TokenShard.Header(dtype: .uint16, tokens: shard.tokens))
            all += tokens
        }
        // Documents separated by the end-of-text token decode to the texts.
        let split = all.split(separator: 50256, omittingEmptySubsequences: false).dropFirst()
        #expect(split.map { gpt2.decodeText($0) } == docs)
    }

    @Test func aShardBufferGrowsGeometricallyNotByEachDocument() {
        // Reserving only what each document needs copied the whole buffer per document (quadratic).
        var out: [UInt8] = []
        var reallocations = 0
        for k in 0..<20_000 {
            let capacity = out.capacity
            TokenShard.append([UInt32(k), 7, 50_000], as: .uint16, to: &out)
            if out.capacity != capacity { reallocations += 1 }
        }
        #expect(out.count == 120_000)
        #expect(reallocations < 40)
    }

    @Test func largeVocabulariesUseUInt32AndBigDocumentsAreSplit() throws {
        let dir = scratch("u32")
        defer { try? FileSystem.removeTree(dir) }
        var info = try gpt2Info(100_000)
        info.eotID = 99_999
        let writer = TokenShardWriter(.init(directory: dir, maxShardTokens: 10), info: info)
        try writer.write([70_000, 1, 2])
        try writer.write(Array(repeating: 5, count: 25))  // 26 tokens with its end-of-text: three shards
        try writer.close()
        #expect(writer.shards.map(\.tokens) == [4, 10, 10, 6])
        #expect(writer.shards.map(\.documents) == [1, 1, 0, 0])
        let (magic, version, tokens) = try loadLikeNanoGPT(dir + "/part_train_000000.bin")
        #expect(magic == 20240801 && version == 7)
        #expect(tokens == [99_999, 70_000, 1, 2])
        let documents = try TokenDocuments(directory: dir)
        #expect(documents.count == 2)
        #expect(try documents.tokens(1) == [99_999] + Array(repeating: 5, count: 25))
    }

    @Test func badShardsAreErrorsNotCrashes() throws {
        let dir = scratch("bad")
        defer { try? FileSystem.removeTree(dir) }
        let path = dir + "/x.bin"
        var bytes = TokenShard.header(.uint16, tokens: 10) + [UInt8](repeating: 1, count: 12)  // 6 tokens, header says 10
        try FileSystem.writeFile(path, bytes)
        #expect(throws: SieveError.self) { try TokenShard.read(path) }
        bytes = [UInt8](repeating: 7, count: 2000)
        try FileSystem.writeFile(path, bytes)
        #expect(throws: SieveError.self) { try TokenShard.readHeader(path) }
        #expect(try TokenShardReport.describe(path, tokenizer: nil, documents: 1) == nil)
    }

    @Test func shuffleIsASeededPermutationAcrossShards() throws {
        let dir = scratch("unshuffled"), a = scratch("shuffled-a"), b = scratch("shuffled-b"), c = scratch("shuffled-c")
        defer { for d in [dir, a, b, c] { try? FileSystem.removeTree(d) } }
        let docs = try proseDocuments()
        var encoder = Encoder(gpt2)
        let writer = TokenShardWriter(.init(directory: dir, maxShardTokens: 3000), info: try gpt2Info())
        for doc in docs { try writer.write(encoder.encode(doc)) }
        try writer.close()
        let input = try TokenDocuments(directory: dir)
        #expect(input.count == docs.count)
        let options = { (out: String) in TokenShardWriter.Options(directory: out, maxShardTokens: 3000, validationTokens: 500) }
        _ = try input.shuffled(seed: 7, into: options(a))
        _ = try input.shuffled(seed: 7, into: options(b))
        _ = try input.shuffled(seed: 8, into: options(c))
        func texts(_ d: String) throws -> [String] {
            let documents = try TokenDocuments(directory: d)
            return try (0..<documents.count).map { gpt2.decodeText(try documents.tokens($0).dropFirst()) }
        }
        let (ta, tb, tc) = (try texts(a), try texts(b), try texts(c))
        #expect(ta == tb)  // same seed, same order
        #expect(ta != tc)
        #expect(ta != docs)
        #expect(ta.sorted() == docs.sorted())  // a permutation
        #expect(try TokenManifest.read(a).shards.first?.split == "val")
    }

    @Test func megatronExportReadsBack() throws {
        let dir = scratch("megatron-in"), out = scratch("megatron")
        defer { try? FileSystem.removeTree(dir); FileSystem.remove(out + ".bin"); FileSystem.remove(out + ".idx") }
        let writer = TokenShardWriter(.init(directory: dir), info: try gpt2Info())
        let docs: [[UInt32]] = [[10, 11, 12], [20], [30, 31]]
        for doc in docs { try writer.write(doc) }
        try writer.close()
        try TokenDocuments(directory: dir).exportMegatron(prefix: out)
        let idx = try FileSystem.readFile(out + ".idx")
        #expect(Array(idx[0..<9]) == Array("MMIDIDX\0\0".utf8))
        func u64(_ at: Int) -> UInt64 { idx.withUnsafeBytes { UInt64(littleEndian: $0.loadUnaligned(fromByteOffset: at, as: UInt64.self)) } }
        func i32(_ at: Int) -> Int32 { idx.withUnsafeBytes { Int32(littleEndian: $0.loadUnaligned(fromByteOffset: at, as: Int32.self)) } }
        #expect(u64(9) == 1 && idx[17] == 8 && u64(18) == 3 && u64(26) == 4)
        #expect((0..<3).map { i32(34 + 4 * $0) } == [4, 2, 3])  // lengths, end-of-text appended
        #expect((0..<3).map { u64(46 + 8 * $0) } == [0, 8, 12])  // byte pointers
        #expect((0..<4).map { u64(70 + 8 * $0) } == [0, 1, 2, 3])  // document indices
        #expect(idx.count == 70 + 32)
        let bin = try FileSystem.readFile(out + ".bin")
        let tokens = bin.withUnsafeBytes { raw in (0..<(bin.count / 2)).map { UInt32(raw.loadUnaligned(fromByteOffset: 2 * $0, as: UInt16.self)) } }
        #expect(tokens == [10, 11, 12, 50256, 20, 50256, 30, 31, 50256])
    }

    @Test func tokenizeStepWritesShardsForEveryTaskIntoOneManifest() throws {
        let dir = scratch("step")
        defer { try? FileSystem.removeTree(dir) }
        let step = try Registry.step("tokenize", at: .commandLine("test"))
        let params = try StepParams.commandLine(step: "tokenize", arguments: [
            "--tokenizer", fixture("tokenizer/gpt2-tokenizer.json.gz"), "--path", dir, "--max-shard-tokens", "5000", "--threads", "2"])
        let docs = try proseDocuments().enumerated().map { Document(id: "\($0.offset)", text: $0.element) }
        var kept: [Document] = []
        for (task, part) in [docs[..<50], docs[50...]].enumerated() {
            var stage = try step.make(params, context: StepContext(shardPrefix: zeroPadded(task, 5)))
            var stats = StageStats(name: "tokenize")
            try stage.process(Array(part), into: &kept, stats: &stats)
            try stage.finish(into: &kept, stats: &stats)
            #expect(stats["documents"] == Int64(part.count))
        }
        #expect(kept == docs)
        let (info, shards) = try TokenManifest.read(dir)
        #expect(info.vocabSize == 50257 && info.eotID == 50256 && info.dtype == .uint16)
        #expect(shards.first?.file == "00000_train_000000.bin")
        #expect(shards.contains { $0.file == "00001_train_000000.bin" })
        #expect(shards.reduce(0) { $0 + $1.documents } == docs.count)
        let report = try TokenShardReport.describe(dir + "/00000_train_000000.bin", tokenizer: nil, documents: 1)
        #expect(report?.contains("magic 20240520, version 1, dtype uint16") == true)
        #expect(report?.contains("sha256 ok") == true)
        #expect(report?.contains(String(JSONWriter.string(.string(String(docs[0].text.prefix(30)))).dropLast())) == true)
        // An unknown key is refused with its name.
        let bogus = try StepParams.commandLine(step: "tokenize", arguments: [
            "--tokenizer", fixture("tokenizer/gpt2-tokenizer.json.gz"), "--path", dir, "--bogus", "1"])
        #expect { try step.make(bogus, context: StepContext()) } throws: { "\($0)".contains("'bogus': unknown key") }
    }
}
