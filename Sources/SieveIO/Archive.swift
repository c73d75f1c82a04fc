import CArchive
import SieveCore

/// The byte source behind a libarchive reader: its read callback pulls chunks from `base`.
private final class ArchiveInput {
    let base: ByteStream
    let chunk: UnsafeMutableRawBufferPointer
    var failure: Error?

    init(_ base: ByteStream) {
        self.base = base
        chunk = .allocate(byteCount: 1 << 18, alignment: 16)
    }

    deinit { chunk.deallocate() }

    /// A reader over this input with the given formats enabled, opened.
    func open(formats: (OpaquePointer) -> Void) -> (OpaquePointer, Bool) {
        let archive = archive_read_new()!
        archive_read_support_filter_all(archive)
        formats(archive)
        let opened = archive_read_open(archive, Unmanaged.passUnretained(self).toOpaque(), nil, archiveRead, nil)
        return (archive, opened == ARCHIVE_OK)
    }
}

/// bzip2, xz and lz4 through libarchive's filters over its `raw` format: libarchive detects the
/// filter from the bytes and hands back the decompressed stream.
///
/// libarchive's raw format rejects an empty compressed file; that reads as an empty stream here.
public final class ArchiveFilterStream: ByteStream {
    private let input: ArchiveInput
    private let archive: OpaquePointer
    private var empty = false

    public init(_ base: ByteStream, name: String) throws {
        input = ArchiveInput(base)
        let (archive, opened) = input.open { archive_read_support_format_raw($0) }
        self.archive = archive
        var entry: OpaquePointer?
        if !opened || archive_read_next_header(archive, &entry) != ARCHIVE_OK {
            if let failure = input.failure { throw failure }
            empty = true
        }
    }

    deinit { archive_read_free(archive) }

    public func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        if empty { return 0 }
        let n = archive_read_data(archive, buffer.baseAddress, buffer.count)
        if n < 0 {
            if let failure = input.failure { throw failure }
            throw TruncatedInput(format: "compressed (\(String(cString: archive_error_string(archive))))")
        }
        return n
    }
}

/// The members of an archive — tar (any compression libarchive detects), and also zip, cpio,
/// 7z — read in place: each member's bytes are streamed from the archive, never written to
/// disk (DESIGN §11).
public final class ArchiveMembers {
    public struct Member {
        public var path: String
        public var size: Int64
        public var isRegularFile: Bool
    }

    private let input: ArchiveInput
    private let archive: OpaquePointer
    private let name: String

    public init(_ base: ByteStream, name: String) throws {
        input = ArchiveInput(base)
        let (archive, opened) = input.open { archive_read_support_format_all($0) }
        self.archive = archive
        self.name = name
        if !opened {
            // deinit frees the reader.
            let message = input.failure.map { "\($0)" } ?? archive_error_string(archive).map { String(cString: $0) } ?? "unknown format"
            throw SieveError.io(path: name, message: "not an archive libarchive can read (\(message))")
        }
    }

    deinit { archive_read_free(archive) }

    /// The next member, or nil after the last. A damaged archive ends with `TruncatedInput`.
    public func next() throws -> Member? {
        var entry: OpaquePointer?
        let status = archive_read_next_header(archive, &entry)
        if status == ARCHIVE_EOF { return nil }
        if let failure = input.failure { throw failure }
        guard status == ARCHIVE_OK || status == ARCHIVE_WARN, let entry else {
            throw TruncatedInput(format: "archive (\(archive_error_string(archive).map { String(cString: $0) } ?? "damaged"))")
        }
        let path = archive_entry_pathname_utf8(entry).map { String(cString: $0) }
            ?? archive_entry_pathname(entry).map { String(cString: $0) } ?? ""
        return Member(path: path, size: archive_entry_size(entry), isRegularFile: sieve_archive_entry_is_regular(entry) != 0)
    }

    /// The current member's bytes (valid until `next()`).
    public var data: ByteStream { MemberStream(self) }

    private final class MemberStream: ByteStream {
        let owner: ArchiveMembers
        init(_ owner: ArchiveMembers) { self.owner = owner }
        func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
            let n = archive_read_data(owner.archive, buffer.baseAddress, buffer.count)
            if n < 0 {
                if let failure = owner.input.failure { throw failure }
                throw TruncatedInput(format: "archive member (\(archive_error_string(owner.archive).map { String(cString: $0) } ?? "damaged"))")
            }
            return n
        }
    }
}

/// libarchive's read callback: hands it the next chunk of the underlying stream.
private func archiveRead(
    _ archive: OpaquePointer?, _ context: UnsafeMutableRawPointer?,
    _ buffer: UnsafeMutablePointer<UnsafeRawPointer?>?
) -> la_ssize_t {
    let input = Unmanaged<ArchiveInput>.fromOpaque(context!).takeUnretainedValue()
    do {
        let n = try input.base.read(into: input.chunk)
        buffer?.pointee = UnsafeRawPointer(input.chunk.baseAddress)
        return n
    } catch {
        input.failure = error
        return -1
    }
}
