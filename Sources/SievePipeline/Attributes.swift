import SieveCore
import SieveIO

/// Attributes instead of rewriting, as dolma does (its `taggers` write `attributes/NAME/*.jsonl.gz`
/// beside untouched `documents/*.jsonl.gz`, and its mixer selects by them): a scoring pass records
/// every verdict and score, and `apply` selects later by thresholds, without scoring again
/// (docs/attributes.md).

extension Document {
    /// `metadata.attributes`: the verdicts of filters run with `mode: annotate` (and dolma's
    /// attributes, which readers keep there).
    var attributes: JSONObject {
        get { metadata["attributes"]?.objectValue ?? [:] }
        set { metadata["attributes"] = .object(newValue) }
    }
}

/// A filter run with `mode: annotate`: it decides as usual but drops nothing and leaves the text
/// as it is; its verdict goes to `metadata.attributes[name]`, `keep` or the drop reason. Counts
/// `forwarded` for every document and `annotated_<verdict>`.
struct AnnotatingFilter<Filter: DocumentFilter>: IndependentStage {
    var filter: Filter
    let name: String

    mutating func process(_ batch: consuming [Document], into output: inout [Document], stats: inout StageStats) throws {
        for var doc in batch {
            let value: String
            switch filter.verdict(for: doc) {
            case .keep: value = "keep"
            case .drop(let reason): value = reason
            }
            doc.attributes[name] = .string(value)
            stats.add("annotated_" + value)
            stats.count(doc)
            output.append(doc)
        }
    }

    mutating func finish(into output: inout [Document], stats: inout StageStats) throws {
        try filter.finish(into: &output, stats: &stats)
    }
}

/// The `attributes` step: writes `{"id": …, "attributes": {…}}` for every document, in order, to
/// `DIRECTORY/PREFIX.jsonl.zst` (one file per input file of a run, named by its number, so it
/// lines up with the text shard that input is), and passes the documents on unchanged. The
/// attributes are `metadata.attributes` plus the metadata `keys` asked for (`language`,
/// `language_score`, `quality_score`, …); a key a document lacks is left out.
struct AttributesStage: Stage {
    let path: String
    let keys: [String]
    /// Opened at the first document (building a stage to check a pipeline file creates nothing).
    var sink: ZstdSink?
    var buffer: [UInt8] = []

    init(path: String, keys: [String]) {
        self.path = path
        self.keys = keys
    }

    mutating func process(_ batch: consuming [Document], into output: inout [Document], stats: inout StageStats) throws {
        for doc in batch {
            var attributes = doc.attributes
            for key in keys { if let value = doc.metadata[key] { attributes[key] = value } }
            JSONWriter.append(["id": .string(doc.id), "attributes": .object(attributes)] as JSONValue, to: &buffer)
            buffer.append(0x0A)
            stats.count(doc)
            output.append(doc)
        }
        if buffer.count >= 1 << 20 { try flush() }
    }

    mutating func finish(into output: inout [Document], stats: inout StageStats) throws {
        try flush()
        try sink!.close()
    }

    private mutating func flush() throws {
        if sink == nil { sink = ZstdSink(try AtomicFileSink(path: path), level: 3) }
        try buffer.withUnsafeBytes { try sink!.write($0) }
        buffer.removeAll(keepingCapacity: true)
    }
}

/// The `apply` step: keeps the documents whose attributes meet every condition of `where`, read
/// from attribute files written by an earlier `attributes` step (record k belongs to document k;
/// their ids must agree) or, without them, from the document's own metadata. A document failing
/// a condition is dropped with the attribute's name as the reason. A malformed attribute line is
/// skipped with its document (`skipped_bad_attributes`), so the rest stay in step.
///
/// It must see every document of its input (put it first): the records are matched by position.
struct ApplyStage: Stage {
    let conditions: [AttributeCondition]
    let records: AttributeRecords?

    mutating func process(_ batch: consuming [Document], into output: inout [Document], stats: inout StageStats) throws {
        for doc in batch {
            var attributes = doc.attributes
            if let records {
                guard let record = try records.next(expecting: doc.id, stats: &stats) else { continue }
                attributes = record
            }
            if let failed = conditions.first(where: { !$0.holds(in: attributes, metadata: doc.metadata) }) {
                stats.drop(doc, reason: failed.name)
            } else {
                stats.count(doc)
                output.append(doc)
            }
        }
    }

    mutating func finish(into output: inout [Document], stats: inout StageStats) throws {
        try records?.finish()
    }
}

/// Attribute records read in order from one file or several (one after another).
final class AttributeRecords {
    private var files: [String]
    private var path = ""
    private var lines: Lines?

    /// A reader of the current file (a class, so the noncopyable reader can sit in an optional).
    private final class Lines {
        var reader: LineReader
        init(_ path: String) throws { reader = LineReader(try Compression.open(path)) }
    }

    /// `DIRECTORY/PREFIX.jsonl.zst` when it exists (a run: the file of this input); else `path`
    /// itself, or every file in the directory in name order (a pipe over all the shards in order).
    init(path: String, prefix: String) throws {
        let own = path + "/" + prefix + ".jsonl.zst"
        if FileSystem.exists(own) {
            files = [own]
        } else if FileSystem.isDirectory(path) {
            files = try FileSystem.list(path).filter { !$0.hasPrefix(".") }.map { path + "/" + $0 }
        } else {
            files = [path]
        }
        guard !files.isEmpty else { throw SieveError.io(path: path, message: "no attribute files") }
    }

    /// The next record's attributes; nil for a malformed line (counted, warned). Throws when the
    /// record is for another document or the records have run out: the files do not belong to
    /// these documents.
    func next(expecting id: String, stats: inout StageStats) throws -> JSONObject? {
        while true {
            if lines == nil {
                guard !files.isEmpty else {
                    throw SieveError.usage("apply: the attribute files end before the documents (at '\(id)'); were they written for the same inputs?")
                }
                path = files.removeFirst()
                lines = try Lines(path)
            }
            guard let line = try lines!.reader.next() else {
                lines = nil
                continue
            }
            let place = "\(path): line \(lines!.reader.lineNumber)"
            guard case .line(let bytes) = line, let record = try? JSONParser.parse(bytes).objectValue,
                  let recordID = record["id"]?.stringValue else {
                stats.skip(reason: "bad_attributes")
                Log.warning("\(place) (byte \(lines!.reader.lineOffset)): not an attribute record (skipped with its document)")
                return nil
            }
            if recordID != id {
                throw SieveError.corrupt(path: path, offset: lines!.reader.lineOffset,
                    message: "the attributes at line \(lines!.reader.lineNumber) are for '\(recordID)', the document is '\(id)'; attributes must come from the same inputs, in the same order")
            }
            return record["attributes"]?.objectValue ?? [:]
        }
    }

    /// Throws if the current file has records left: it was written for more documents.
    func finish() throws {
        guard lines != nil, let line = try lines!.reader.next() else { return }
        if case .line(let bytes) = line, bytes.isEmpty { return }
        throw SieveError.corrupt(path: path, offset: lines!.reader.lineOffset, message: "more attribute records than documents; were they written for the same inputs?")
    }
}

/// One condition of `apply`'s `where`: `NAME OP VALUE` with OP one of `==`, `!=`, `>=`, `<=`,
/// `>`, `<` (`gopher_quality == keep`, `quality_score >= 0.3`, `language == en`). Numbers compare
/// as numbers, anything else as text; an attribute a document lacks fails every condition on it.
/// A dolma span list (`[[start, end, score], …]`) stands for its first span's score.
public struct AttributeCondition: Sendable, CustomStringConvertible {
    public enum Operator: String, Sendable, CaseIterable { case ge = ">=", le = "<=", eq = "==", ne = "!=", gt = ">", lt = "<" }

    public let name: String
    public let op: Operator
    public let value: String

    public init(_ text: String) throws {
        guard let op = Operator.allCases.first(where: { text.contains($0.rawValue) }),
              let range = text.range(of: op.rawValue) else {
            throw SieveError.usage("'\(text)' is not a condition such as 'quality_score >= 0.3' (operators: \(Operator.allCases.map(\.rawValue).joined(separator: " ")))")
        }
        let name = text[..<range.lowerBound].trimmingWhitespace
        var value = text[range.upperBound...].trimmingWhitespace
        if value.count >= 2, let q = value.first, q == "\"" || q == "'", value.last == q { value = String(value.dropFirst().dropLast()) }
        guard !name.isEmpty, name.allSatisfy({ $0.isLetter || $0.isNumber || "_.-:".contains($0) }), !value.isEmpty else {
            throw SieveError.usage("'\(text)' is not a condition such as 'quality_score >= 0.3' (an attribute name, an operator, a value)")
        }
        self.name = name
        self.op = op
        self.value = value
    }

    public var description: String { "\(name) \(op.rawValue) \(value)" }

    /// Whether the condition holds, looking the name up in `attributes`, then in `metadata`.
    public func holds(in attributes: JSONObject, metadata: JSONObject = [:]) -> Bool {
        guard var found = attributes[name] ?? metadata[name] else { return false }
        if case .array(let spans) = found, case .array(let span)? = spans.first, span.count == 3 { found = span[2] }
        switch found {
        case .number:
            guard let x = found.doubleValue, let y = Double(value) else { return false }
            return compare(x, y)
        case .string(let s): return compare(s, value)
        case .bool(let b): return compare(b ? "true" : "false", value)
        default: return false
        }
    }

    private func compare<T: Comparable>(_ a: T, _ b: T) -> Bool {
        switch op {
        case .eq: a == b
        case .ne: a != b
        case .ge: a >= b
        case .le: a <= b
        case .gt: a > b
        case .lt: a < b
        }
    }
}
