import Testing
import Foundation
import SieveCore
@testable import SieveModel

@Suite struct CheckpointTests {
    /// A model written as safetensors and read back is identical; the header carries GPT-2's names,
    /// shapes (Conv1D: in × out) and the "pt" format tag transformers expects.
    @Test func safetensorsRoundTrip() throws {
        let config = GPTConfig(vocabSize: 10, contextLength: 8, layers: 2, heads: 2, channels: 4)
        let a = GPT<Float>(config: config, batch: 1, length: 8), b = GPT<Float>(config: config, batch: 1, length: 8)
        a.initialize(seed: 1)
        let path = try ModelFixtures.directory() + "/model.safetensors"
        try Safetensors.write(path: path, layout: a.params.layout, data: a.params.data, metadata: ["format": "pt"])
        try Safetensors.read(path: path, layout: b.params.layout, into: b.params.data)
        #expect(Array(a.params.buffer) == Array(b.params.buffer))
        let bytes = try FileSystem.readFile(path)
        let length = Int(bytes[0]) | Int(bytes[1]) << 8
        #expect(length % 8 == 0)
        let header = try #require(try JSONSerialization.jsonObject(with: Data(bytes[8..<(8 + length)])) as? [String: Any])
        #expect((header["__metadata__"] as? [String: String])?["format"] == "pt")
        #expect((header["h.1.attn.c_attn.weight"] as? [String: Any])?["shape"] as? [Int] == [4, 12])
        #expect((header["h.0.mlp.c_proj.weight"] as? [String: Any])?["shape"] as? [Int] == [16, 4])
        #expect((header["wte.weight"] as? [String: Any])?["shape"] as? [Int] == [10, 4])
        let tensors = 2 + 2 + 12 * 2
        #expect(header.count == tensors + 1)
        // A truncated file is an error that names the file, not a crash.
        try FileSystem.writeFile(path, Array(bytes.prefix(bytes.count - 4)))
        #expect(throws: SieveError.self) { try Safetensors.read(path: path, layout: b.params.layout, into: b.params.data) }
    }

    /// Shards in both llm.c formats read back; broken ones are refused with their file and offset.
    @Test func tokenShards() throws {
        let dir = try ModelFixtures.directory()
        let narrow: [Int32] = [256, 72, 105, 0, 65535], wide: [Int32] = [100_000, 1, 2]
        try TokenShard.write(narrow, to: dir + "/a.bin")
        try TokenShard.write(wide, to: dir + "/b.bin")
        let a = try TokenShard(path: dir + "/a.bin"), b = try TokenShard(path: dir + "/b.bin")
        #expect(a.count == 5 && a.bytesPerToken == 2 && b.count == 3 && b.bytesPerToken == 4)
        #expect(FileSystem.size(dir + "/a.bin") == Int64(1034))
        var out = [Int32](repeating: 0, count: 5)
        try a.read(from: 0, count: 5, into: &out, vocabSize: 65536)
        #expect(out == narrow)
        try b.read(from: 0, count: 3, into: &out, vocabSize: 100_001)
        #expect(Array(out.prefix(3)) == wide)
        #expect(throws: SieveError.self) { try b.read(from: 0, count: 3, into: &out, vocabSize: 50_000) }
        // Header lies about the count; wrong magic.
        var bytes = try FileSystem.readFile(dir + "/a.bin")
        try FileSystem.writeFile(dir + "/short.bin", Array(bytes.dropLast(2)))
        #expect(throws: SieveError.corrupt(path: dir + "/short.bin", offset: 8, message: "header says 5 tokens but the file holds 4")) {
            try TokenShard(path: dir + "/short.bin")
        }
        bytes[0] = 0
        try FileSystem.writeFile(dir + "/magic.bin", bytes)
        #expect(throws: SieveError.self) { try TokenShard(path: dir + "/magic.bin") }
    }

    /// The loader continues exactly where a stored state left it, in both samplings.
    @Test(arguments: [DataLoader.Sampling.random, .sequential])
    func loaderResumes(sampling: DataLoader.Sampling) throws {
        let dir = try ModelFixtures.directory()
        let shards = try ByteTokens.writeShards(text: try FileSystem.readFile(ModelFixtures.shakespeare), directory: dir)
        func loader() throws -> DataLoader {
            try DataLoader(paths: [shards.validation, shards.train], B: 4, T: 64, vocabSize: 257, sampling: sampling, seed: 9)
        }
        let first = try loader()
        var x = [Int32](repeating: 0, count: 256), y = x
        for _ in 0..<30 { try first.next(inputs: &x, targets: &y) }  // past the first shard in sequential mode
        let state = first.state
        try first.next(inputs: &x, targets: &y)
        let second = try loader()
        try second.restore(state)
        var x2 = x, y2 = y
        try second.next(inputs: &x2, targets: &y2)
        #expect(x == x2 && y == y2)
        #expect(Array(x.dropFirst()) == Array(y.dropLast()) || sampling == .random)
        #expect(sampling == .random || first.state.shard == 1)
    }

    @Test func validationSplit() {
        let named = TokenData.split(["d/x_train_1.bin", "d/x_val_0.bin", "d/manifest.json"])
        #expect(named.train == ["d/x_train_1.bin"] && named.validation == ["d/x_val_0.bin"])
        let numbered = TokenData.split(["d/s0.bin", "d/s1.bin", "d/s2.bin"])
        #expect(numbered.train == ["d/s1.bin", "d/s2.bin"] && numbered.validation == ["d/s0.bin"])
        let lone = TokenData.split(["d/only.bin"])
        #expect(lone.train == ["d/only.bin"] && lone.validation.isEmpty)
    }
}
