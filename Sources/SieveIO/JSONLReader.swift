import SieveCore

/// JSON Lines in datatrove's (`id`, `text`, `metadata`) or dolma's (`id`, `text`, `source`,
/// `added`, `created`, `metadata`, `attributes`) shape, plain or compressed (detected by content).
///
/// A malformed line is skipped, counted as `skipped_malformed_json` (or another reason) and
/// logged with its line number; the rest of the file is still read. A document without an id
/// gets `FILE:LINE`.
public struct JSONLReader: DocumentReader, Sendable {
    /// Adds `source_file` and `source_line` to each document's metadata.
    public var provenance: Bool
    /// Longer lines are skipped (`skipped_line_too_long`) without being held in memory.
    public var maxLineBytes: Int
    public var decompression: DecompressionLimits

    public init(provenance: Bool = false, maxLineBytes: Int = 64 << 20, decompression: DecompressionLimits = .init()) {
        self.provenance = provenance
        self.maxLineBytes = maxLineBytes
        self.decompression = decompression
    }

    public func read(_ path: String, stats: inout StageStats, emit: (Document) throws -> Void) throws {
        let file: ByteStream = try Compression.openRaw(path)
        try read(file, name: path, stats: &stats, emit: emit)
    }

    /// Reads `stream` (decompressed by content); `path` names it in ids and warnings.
    public func read(_ stream: ByteStream, name path: String, stats: inout StageStats, emit: (Document) throws -> Void) throws {
        let name = path.split(separator: "/").last.map(String.init) ?? path
        var lines = LineReader(try Compression.decompressing(stream, name: path, limits: decompression), maxLineBytes: maxLineBytes)
        do {
            while let line = try lines.next() {
                guard case .line(let bytes) = line else {
                    skip("line_too_long", "line \(lines.lineNumber) is longer than \(lines.maxLineBytes) bytes", at: path, stats: &stats)
                    continue
                }
                if bytes.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) { continue }
                do {
                    var doc = try NDJSON.decode(bytes, defaultID: "\(name):\(lines.lineNumber)")
                    if provenance {
                        doc.metadata["source_file"] = .string(path)
                        doc.metadata["source_line"] = JSONValue(lines.lineNumber)
                    }
                    try emit(doc)
                } catch let error as NDJSON.LineError {
                    skip(error.reason, "line \(lines.lineNumber): \(error)", at: path, stats: &stats)
                }
            }
        } catch let error as TruncatedInput {
            skip(error.reason, "\(error) after line \(lines.lineNumber)", at: path, stats: &stats)
        }
    }
}
