import Foundation
import SieveCore

/// A checkpoint directory: `model.safetensors` (GPT-2 tensor names) and `config.json` (Hugging
/// Face GPT-2 keys) — together loadable by `transformers` — plus `optimizer.safetensors` (AdamW's
/// moments as `exp_avg.NAME`, `exp_avg_sq.NAME`) and `state.json` (step, loader, options).
public enum Checkpoint {
    public static func writeConfig(_ config: GPTConfig, to directory: String) throws {
        try writeJSON(config, to: directory + "/config.json")
    }

    public static func readConfig(_ directory: String) throws -> GPTConfig {
        try readJSON(GPTConfig.self, from: directory + "/config.json")
    }

    /// A model for inference (batch 1, full context) from a checkpoint directory.
    public static func loadModel(_ directory: String, batch: Int = 1) throws -> GPT<Float> {
        let config = try readConfig(directory)
        if let problem = config.problem { throw SieveError.failed("\(directory)/config.json: \(problem)") }
        let model = GPT<Float>(config: config, batch: batch, length: config.contextLength)
        try Safetensors.read(path: directory + "/model.safetensors", layout: model.params.layout, into: model.params.data)
        return model
    }

    static func writeJSON<V: Encodable>(_ value: V, to path: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try FileSystem.writeFile(path, Array(try encoder.encode(value)) + [0x0A])
    }

    static func readJSON<V: Decodable>(_ type: V.Type, from path: String) throws -> V {
        do {
            return try JSONDecoder().decode(type, from: Data(try FileSystem.readFile(path)))
        } catch let error as SieveError {
            throw error
        } catch {
            throw SieveError.io(path: path, message: "not a valid file: \(error)")
        }
    }
}
