import SieveCore
import SieveText

/// Documents from the members of an archive — tar, plain or compressed (gzip, bzip2, xz, zstd,
/// lz4: detected by libarchive from the bytes), and anything else libarchive reads (zip, so
/// WACZ too) — read in place, member by member, never written to disk.
///
/// By member name (compression suffixes aside; the content decides the decompression):
/// - `.jsonl`, `.ndjson`, and bare `N.zst` (lm_dataformat's shards): one document per line (`jsonl`: datatrove or dolma shape,
///   with its line cap and decompression caps);
/// - `.warc`, `.arc`: the web archive's documents (`warc`, with its record and decompression caps);
/// - `.html`, `.htm`, `.xhtml`: the page decoded to UTF-8 (`CharsetDecoder`);
/// - `.txt`, `.text`, `.md`: the text (UTF-8, else detected);
/// - anything else, and directories and links: counted as `other_members`.
/// A member over `maxMemberBytes` (HTML or text) is skipped and counted
/// (`skipped_member_too_large`); a damaged archive ends with `skipped_truncated_input`.
///
/// Metadata: `source` (`ARCHIVE!MEMBER`), `member`, and for HTML `charset`/`charset_source`.
public struct TarReader: DocumentReader, Sendable {
    public var maxMemberBytes: Int64
    public var warc: WARCReader
    public var jsonl: JSONLReader

    public init(maxMemberBytes: Int64 = 64 << 20, warc: WARCReader = WARCReader(), jsonl: JSONLReader = JSONLReader()) {
        self.maxMemberBytes = maxMemberBytes
        self.warc = warc
        self.jsonl = jsonl
    }

    public func read(_ path: String, stats: inout StageStats, emit: (Document) throws -> Void) throws {
        let stream: ByteStream = try Compression.openRaw(path)
        try read(stream, name: path, stats: &stats, emit: emit)
    }

    private enum Kind { case jsonl, warc, html, text }

    private static func kind(of path: String) -> Kind? {
        var name = Substring(path.lowercased())
        // lm_dataformat (The Pile) stores JSONL shards as bare `N.zst` members.
        if name.hasSuffix(".zst"), !name.dropLast(4).contains(".") || name.dropLast(4).split(separator: "/").last?.contains(".") == false {
            return .jsonl
        }
        for suffix in [".gz", ".zst", ".bz2", ".xz", ".lz4"] where name.hasSuffix(suffix) { name = name.dropLast(suffix.count) }
        if name.hasSuffix(".jsonl") || name.hasSuffix(".ndjson") { return .jsonl }
        if name.hasSuffix(".warc") || name.hasSuffix(".arc") { return .warc }
        if name.hasSuffix(".html") || name.hasSuffix(".htm") || name.hasSuffix(".xhtml") { return .html }
        if name.hasSuffix(".txt") || name.hasSuffix(".text") || name.hasSuffix(".md") { return .text }
        return nil
    }

    public func read(_ stream: ByteStream, name: String, stats: inout StageStats, emit: (Document) throws -> Void) throws {
        let archive = try ArchiveMembers(stream, name: name)
        do {
            while let member = try archive.next() {
                let source = name + "!" + member.path
                guard member.isRegularFile, let kind = Self.kind(of: member.path) else {
                    stats.add("other_members")
                    continue
                }
                stats.add("members")
                switch kind {
                case .jsonl:
                    try jsonl.read(archive.data, name: source, stats: &stats, emit: emit)
                case .warc:
                    try warc.read(archive.data, name: source, stats: &stats, emit: emit)
                case .html, .text:
                    guard member.size <= maxMemberBytes else {
                        skip("member_too_large", "\(member.path) is \(member.size) bytes, over \(maxMemberBytes)", at: name, stats: &stats)
                        continue
                    }
                    let bytes = try archive.data.readAll()
                    let decoded = bytes.withUnsafeBytes { CharsetDecoder.decode($0, declared: nil, sniffMeta: kind == .html) }
                    var meta = JSONObject()
                    meta["source"] = .string(source)
                    meta["member"] = .string(member.path)
                    meta["content_type"] = .string(kind == .html ? "text/html" : "text/plain")
                    meta["charset"] = .string(decoded.charset)
                    meta["charset_source"] = .string(decoded.source.rawValue)
                    try emit(Document(id: source, text: decoded.text, metadata: meta))
                }
            }
        } catch let error as TruncatedInput {
            skip(error.reason, "\(error)", at: name, stats: &stats)
        }
    }
}
