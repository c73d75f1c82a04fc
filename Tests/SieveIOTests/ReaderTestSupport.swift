import SieveCore
import SieveIO

/// The repository root (fixtures live under it).
let repositoryRoot: String = {
    var parts = String(#filePath).split(separator: "/", omittingEmptySubsequences: false)
    parts.removeLast(3)  // Tests/SieveIOTests/ReaderTestSupport.swift
    return parts.joined(separator: "/")
}()

func fixture(_ path: String) -> String { repositoryRoot + "/fixtures/" + path }

/// `../shared/data` beside the repository, nil when absent (optional tests skip then).
let sharedData: String? = {
    let path = repositoryRoot + "/../shared/data"
    return FileSystem.isDirectory(path) ? path : nil
}()

/// Hands out a byte array at most `chunk` bytes per read: readers must not depend on how
/// their input arrives.
final class ChunkedStream: ByteStream {
    private let bytes: [UInt8]
    private let chunk: Int
    private var offset = 0

    init(_ bytes: [UInt8], chunk: Int) {
        self.bytes = bytes
        self.chunk = chunk
    }

    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        let n = min(chunk, buffer.count, bytes.count - offset)
        guard n > 0 else { return 0 }
        bytes.withUnsafeBytes { buffer.copyMemory(from: UnsafeRawBufferPointer(rebasing: $0[offset..<(offset + n)])) }
        offset += n
        return n
    }
}

/// Every document a reader emits for `stream`, with the reader's stats.
func readWARC(_ stream: ByteStream, name: String, reader: WARCReader = WARCReader()) throws -> ([Document], StageStats) {
    var stats = StageStats(name: "read")
    var docs: [Document] = []
    try reader.read(stream, name: name, stats: &stats) { docs.append($0) }
    return (docs, stats)
}

/// A reader that turns every record into a document, with payload digests.
let everyRecord = WARCReader(recordTypes: ["*"], contentTypes: ["*"], digest: true)
