import CArchive
import SieveCore

/// bzip2, xz and lz4 through libarchive's filters over its `raw` format: libarchive detects the
/// filter from the bytes and hands back the decompressed stream.
///
/// libarchive's raw format rejects an empty compressed file; that reads as an empty stream here.
public final class ArchiveFilterStream: ByteStream {
    fileprivate let base: ByteStream
    fileprivate var chunk: UnsafeMutableRawBufferPointer
    fileprivate var failure: Error?
    private let archive: OpaquePointer
    private let name: String
    private var empty = false

    public init(_ base: ByteStream, name: String) throws {
        self.base = base
        self.name = name
        chunk = .allocate(byteCount: 1 << 18, alignment: 16)
        archive = archive_read_new()
        archive_read_support_filter_all(archive)
        archive_read_support_format_raw(archive)
        let opened = archive_read_open(archive, Unmanaged.passUnretained(self).toOpaque(), nil, archiveRead, nil)
        var entry: OpaquePointer?
        if opened != ARCHIVE_OK || archive_read_next_header(archive, &entry) != ARCHIVE_OK {
            if let failure { throw failure }
            empty = true
        }
    }

    deinit {
        archive_read_free(archive)
        chunk.deallocate()
    }

    public func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        if empty { return 0 }
        let n = archive_read_data(archive, buffer.baseAddress, buffer.count)
        if n < 0 {
            if let failure { throw failure }
            throw TruncatedInput(format: "compressed (\(String(cString: archive_error_string(archive))))")
        }
        return n
    }
}

/// libarchive's read callback: hands it the next chunk of the underlying stream.
private func archiveRead(
    _ archive: OpaquePointer?, _ context: UnsafeMutableRawPointer?,
    _ buffer: UnsafeMutablePointer<UnsafeRawPointer?>?
) -> la_ssize_t {
    let stream = Unmanaged<ArchiveFilterStream>.fromOpaque(context!).takeUnretainedValue()
    do {
        let n = try stream.base.read(into: stream.chunk)
        buffer?.pointee = UnsafeRawPointer(stream.chunk.baseAddress)
        return n
    } catch {
        stream.failure = error
        return -1
    }
}
