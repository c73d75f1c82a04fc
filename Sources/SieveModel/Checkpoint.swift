import Foundation
import SieveCore

/// The safetensors format (huggingface/safetensors): an 8-byte little-endian header length, a
/// JSON header `{"name": {"dtype": "F32", "shape": [...], "data_offsets": [begin, end]}, ...,
/// "__metadata__": {...}}` padded with spaces to 8 bytes, then the raw little-endian data.
public enum Safetensors {
    /// Writes the tensors of `layout` from `data`, each under `prefix + name`.
    public static func write(path: String, layout: ParameterLayout, data: UnsafePointer<Float>, prefix: String = "",
                             metadata: [String: String] = [:]) throws {
        try write(path: path, layout: layout, groups: [(prefix, data)], metadata: metadata)
    }

    /// Writes several buffers of the same layout (say, AdamW's two moments), each name under its prefix.
    public static func write(path: String, layout: ParameterLayout, groups: [(prefix: String, data: UnsafePointer<Float>)],
                             metadata: [String: String] = [:]) throws {
        var header = "{"
        if !metadata.isEmpty {
            let pairs = metadata.keys.sorted().map { "\(quoted($0)):\(quoted(metadata[$0]!))" }
            header += "\"__metadata__\":{\(pairs.joined(separator: ","))},"
        }
        header += groups.indices.flatMap { g in
            layout.entries.map { e in
                let begin = (g * layout.count + e.offset) * 4
                return "\(quoted(groups[g].prefix + e.name)):{\"dtype\":\"F32\",\"shape\":[\(e.shape.map(String.init).joined(separator: ","))],"
                    + "\"data_offsets\":[\(begin),\(begin + e.count * 4)]}"
            }
        }.joined(separator: ",") + "}"
        var json = Array(header.utf8)
        while json.count % 8 != 0 { json.append(0x20) }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(8 + json.count + groups.count * layout.count * 4)
        withUnsafeBytes(of: UInt64(json.count).littleEndian) { bytes.append(contentsOf: $0) }
        bytes.append(contentsOf: json)
        for group in groups { bytes.append(contentsOf: UnsafeRawBufferPointer(start: group.data, count: layout.count * 4)) }
        try FileSystem.writeFile(path, bytes)
    }

    /// Reads into `data` every tensor of `layout` (looked up as `prefix + name`), checking dtype and shape.
    public static func read(path: String, layout: ParameterLayout, into data: UnsafeMutablePointer<Float>, prefix: String = "") throws {
        let bytes = try FileSystem.readFile(path)
        func bad(_ offset: Int, _ message: String) -> SieveError { .corrupt(path: path, offset: Int64(offset), message: message) }
        guard bytes.count >= 8 else { throw bad(0, "too short for a safetensors file") }
        let length = bytes[0..<8].enumerated().reduce(0) { $0 | Int($1.element) << (8 * $1.offset) }
        guard length > 0, 8 + length <= bytes.count,
              let header = try? JSONSerialization.jsonObject(with: Data(bytes[8..<(8 + length)])) as? [String: Any]
        else { throw bad(8, "unreadable safetensors header") }
        let base = 8 + length
        for e in layout.entries {
            guard let info = header[prefix + e.name] as? [String: Any] else { throw bad(8, "no tensor '\(prefix + e.name)'") }
            guard info["dtype"] as? String == "F32", (info["shape"] as? [Int]) == e.shape,
                  let offsets = info["data_offsets"] as? [Int], offsets.count == 2, offsets[1] - offsets[0] == e.count * 4,
                  base + offsets[1] <= bytes.count
            else { throw bad(8, "tensor '\(prefix + e.name)' is not F32 of shape \(e.shape)") }
            bytes.withUnsafeBytes { raw in
                UnsafeMutableRawPointer(data + e.offset).copyMemory(from: raw.baseAddress! + base + offsets[0], byteCount: e.count * 4)
            }
        }
    }

    static func quoted(_ s: String) -> String {
        "\"" + s.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
    }
}

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
