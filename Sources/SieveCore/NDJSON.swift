/// The document stream between stages: one JSON object per line,
/// `{"id":…,"text":…,"metadata":{…}}` (datatrove's JsonlWriter shape).
///
/// Reading also accepts dolma's shape: top-level fields other than `id`, `text` and `metadata`
/// (`source`, `added`, `created`, `attributes`, …) are kept in `metadata` under their own names,
/// after the members of `metadata` itself; one that `metadata` already has is kept as `top_<name>`.
public enum NDJSON {
    /// Why a line is not a document.
    public enum LineError: Error, Sendable, Equatable, CustomStringConvertible {
        case syntax(JSONParser.SyntaxError)
        case notAnObject
        case missingText
        case wrongType(key: String)
        case tooManyKeys(Int)

        /// The counter name in stats: `skipped_<reason>`.
        public var reason: String {
            switch self {
            case .syntax: "malformed_json"
            case .notAnObject: "not_an_object"
            case .missingText: "missing_text"
            case .wrongType: "wrong_field_type"
            case .tooManyKeys: "too_many_metadata_keys"
            }
        }

        public var description: String {
            switch self {
            case .syntax(let e): "malformed JSON: \(e)"
            case .notAnObject: "the line is not a JSON object"
            case .missingText: "no \"text\" string"
            case .wrongType(let key): "\"\(key)\" has the wrong type"
            case .tooManyKeys(let n): "\(n) metadata keys, over the cap of \(NDJSON.maxMetadataKeys)"
            }
        }
    }

    /// Most keys a document's metadata may have (top-level extras included): more is not a
    /// document but an attack on per-key work downstream (docs/reliability.md).
    public static let maxMetadataKeys = 4096

    /// Decodes one line. A document without `id` gets `defaultID`.
    public static func decode(_ line: UnsafeRawBufferPointer, defaultID: @autoclosure () -> String) throws(LineError) -> Document {
        let top: JSONObject
        do {
            var parser = JSONParser(line)
            guard parser.consume(UInt8(ascii: "{")) else { throw LineError.notAnObject }
            top = try parser.parseObjectBody(depth: 1)
            try parser.expectEnd()
        } catch let error as JSONParser.SyntaxError {
            throw .syntax(error)
        } catch {
            throw .notAnObject
        }
        var id: String?
        var text: String?
        var metadata = JSONObject()
        var extras: [JSONObject.Member] = []
        for member in top {
            switch (member.key, member.value) {
            case ("id", .string(let s)), ("id", .number(let s)): id = s
            case ("id", _): throw .wrongType(key: "id")
            case ("text", .string(let s)): text = s
            case ("text", _): throw .wrongType(key: "text")
            case ("metadata", .object(let o)): metadata = o
            case ("metadata", .null): break
            case ("metadata", _): throw .wrongType(key: "metadata")
            default: extras.append(member)
            }
        }
        guard let text else { throw .missingText }
        if metadata.count + extras.count > maxMetadataKeys { throw .tooManyKeys(metadata.count + extras.count) }
        for extra in extras {
            metadata.append(key: metadata[extra.key] == nil ? extra.key : "top_" + extra.key, value: extra.value)
        }
        return Document(id: id ?? defaultID(), text: text, metadata: metadata)
    }

    public static func decode(_ line: String, defaultID: String = "") throws -> Document {
        var line = line
        return try line.withUTF8 { try decode(UnsafeRawBufferPointer($0), defaultID: defaultID) }
    }

    /// Appends the document as one line (with its newline) to `out`.
    public static func encode(_ doc: Document, to out: inout [UInt8]) {
        out.append(contentsOf: #"{"id":"#.utf8)
        JSONWriter.append(string: doc.id, to: &out)
        out.append(contentsOf: #","text":"#.utf8)
        JSONWriter.append(string: doc.text, to: &out)
        out.append(contentsOf: #","metadata":"#.utf8)
        JSONWriter.append(object: doc.metadata, to: &out)
        out.append(contentsOf: "}\n".utf8)
    }
}
