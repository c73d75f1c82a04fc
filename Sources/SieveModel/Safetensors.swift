import SieveCore

/// The safetensors format (huggingface/safetensors): an 8-byte little-endian header length, a
/// JSON header `{"__metadata__": {...}, "name": {"dtype": "F32", "shape": [...], "data_offsets":
/// [begin, end]}, ...}` padded with spaces to 8 bytes, then the raw little-endian data. Only F32,
/// which is all Sieve stores. Checkpoints use `write`/`read` (tensors laid out by a
/// `ParameterLayout` in one buffer); scorers use `encode`/`decode` (named arrays).
public enum Safetensors {
    /// Writes the tensors of `layout` from `data`, each under `prefix + name`.
    public static func write(path: String, layout: ParameterLayout, data: UnsafePointer<Float>, prefix: String = "",
                             metadata: [String: String] = [:]) throws {
        try write(path: path, layout: layout, groups: [(prefix, data)], metadata: metadata)
    }

    /// Writes several buffers of the same layout (say, AdamW's two moments), each name under its prefix.
    public static func write(path: String, layout: ParameterLayout, groups: [(prefix: String, data: UnsafePointer<Float>)],
                             metadata: [String: String] = [:]) throws {
        var bytes = header(groups.flatMap { g in layout.entries.map { (g.prefix + $0.name, $0.shape) } }, metadata: metadata)
        for group in groups { bytes.append(contentsOf: UnsafeRawBufferPointer(start: group.data, count: layout.count * 4)) }
        try FileSystem.writeFile(path, bytes)
    }

    /// Reads into `data` every tensor of `layout` (looked up as `prefix + name`), checking shapes.
    public static func read(path: String, layout: ParameterLayout, into data: UnsafeMutablePointer<Float>, prefix: String = "") throws {
        let bytes = try FileSystem.readFile(path)
        let (dataStart, tensors) = try parse(bytes, path: path)
        for e in layout.entries {
            guard let t = tensors[prefix + e.name], t.shape == e.shape else {
                throw SieveError.corrupt(path: path, offset: 8, message: "no F32 tensor '\(prefix + e.name)' of shape \(e.shape)")
            }
            bytes.withUnsafeBytes { raw in
                UnsafeMutableRawPointer(data + e.offset).copyMemory(from: raw.baseAddress! + dataStart + t.range.lowerBound, byteCount: e.count * 4)
            }
        }
    }

    /// A whole file in memory from named tensors, in the order given.
    public static func encode(_ tensors: [(name: String, shape: [Int], values: [Float])]) -> [UInt8] {
        var out = header(tensors.map { ($0.name, $0.shape) })
        for t in tensors { t.values.withUnsafeBytes { out.append(contentsOf: $0) } }
        return out
    }

    /// Every tensor of a file by name.
    public static func decode(_ bytes: [UInt8], path: String) throws -> [String: [Float]] {
        let (dataStart, tensors) = try parse(bytes, path: path)
        return tensors.mapValues { t in
            bytes[(dataStart + t.range.lowerBound)..<(dataStart + t.range.upperBound)].withUnsafeBytes { raw in
                (0..<(t.range.count / 4)).map { Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: $0 * 4, as: UInt32.self))) }
            }
        }
    }

    /// The length-prefixed, padded header for tensors stored back to back in this order.
    static func header(_ tensors: [(name: String, shape: [Int])], metadata: [String: String] = [:]) -> [UInt8] {
        var object = JSONObject()
        if !metadata.isEmpty {
            object["__metadata__"] = .object(JSONObject(metadata.keys.sorted().map { .init(key: $0, value: .string(metadata[$0]!)) }))
        }
        var offset = 0
        for t in tensors {
            let end = offset + t.shape.reduce(1, *) * 4
            object[t.name] = ["dtype": "F32", "shape": .array(t.shape.map { JSONValue($0) }), "data_offsets": [JSONValue(offset), JSONValue(end)]]
            offset = end
        }
        var json = Array(JSONWriter.string(.object(object)).utf8)
        while json.count % 8 != 0 { json.append(0x20) }
        var out: [UInt8] = []
        out.reserveCapacity(8 + json.count + offset)
        withUnsafeBytes(of: UInt64(json.count).littleEndian) { out.append(contentsOf: $0) }
        return out + json
    }

    /// The data's start and each tensor's shape and byte range within the data, all checked.
    static func parse(_ bytes: [UInt8], path: String) throws -> (dataStart: Int, tensors: [String: (shape: [Int], range: Range<Int>)]) {
        func bad(_ message: String) -> SieveError { .corrupt(path: path, offset: 8, message: "not a safetensors file: \(message)") }
        guard bytes.count >= 8 else { throw bad("shorter than its header") }
        let length = bytes[0..<8].enumerated().reduce(UInt64(0)) { $0 | UInt64($1.element) << (8 * UInt64($1.offset)) }
        guard length <= UInt64(bytes.count - 8) else { throw bad("header length \(length) beyond the end") }
        let dataStart = 8 + Int(length)
        let header: JSONValue
        do {
            header = try bytes[8..<dataStart].withUnsafeBytes { try JSONParser.parse($0) }
        } catch {
            throw bad("header: \(error)")
        }
        guard let object = header.objectValue else { throw bad("header is not an object") }
        var tensors: [String: (shape: [Int], range: Range<Int>)] = [:]
        for member in object where member.key != "__metadata__" {
            guard let t = member.value.objectValue, t["dtype"]?.stringValue == "F32",
                  let shape = t["shape"]?.arrayValue?.compactMap(\.intValue), let range = t["data_offsets"]?.arrayValue,
                  range.count == 2, let begin = range[0].intValue, let end = range[1].intValue,
                  begin >= 0, begin <= end, end <= bytes.count - dataStart, shape.reduce(1, *) * 4 == end - begin
            else { throw bad("tensor '\(member.key)' is not F32 with a valid shape and range") }
            tensors[member.key] = (shape, begin..<end)
        }
        return (dataStart, tensors)
    }
}
