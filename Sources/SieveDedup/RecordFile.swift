#if canImport(Glibc)
import Glibc
#endif
import SieveCore
import SieveIO

/// One fact of dedup's phases, three 64-bit words ordered as a tuple: a band key and a document,
/// a document and its cluster, a document and a line hash, …
public struct Record: Sendable, Hashable, Comparable {
    public var a: UInt64
    public var b: UInt64
    public var c: UInt64

    public init(_ a: UInt64, _ b: UInt64, _ c: UInt64 = 0) {
        self.a = a
        self.b = b
        self.c = c
    }

    public static func < (x: Record, y: Record) -> Bool {
        x.a != y.a ? x.a < y.a : x.b != y.b ? x.b < y.b : x.c < y.c
    }
}

/// A document's place in the corpus: input file number (high 24 bits) and its position among
/// the documents of that file that reached the step (low 40 bits). The smallest reference of a
/// cluster survives, so the survivor does not depend on tasks or scheduling.
public enum DocumentRef {
    public static func make(file: Int, ordinal: Int) -> UInt64 { UInt64(file) << 40 | UInt64(ordinal) }
    public static func file(_ ref: UInt64) -> Int { Int(ref >> 40) }
    public static func ordinal(_ ref: UInt64) -> Int { Int(ref & (1 << 40 - 1)) }
}

/// The intermediate files of dedup's phases: sorted runs of records.
///
/// ```
/// header  "SIEVEDUP" · version u32 · record width u32 (3) · config hash u64     (24 bytes)
/// body    records, 3 × u64 little-endian each
/// trailer record count u64 · CRC-32 of header and body u32 · "END!"             (16 bytes)
/// ```
/// A file whose magic, version, config hash, length or checksum is wrong is refused with an
/// error that names it; it is never merged.
public enum RecordFile {
    static let magic = Array("SIEVEDUP".utf8)
    static let endMagic = Array("END!".utf8)
    public static let version: UInt32 = 1
    static let headerBytes = 24
    static let trailerBytes = 16
    static let recordBytes = 24

    /// Writes sorted `records` to `path` atomically.
    public static func write(_ records: some Collection<Record>, to path: String, configHash: UInt64) throws {
        let writer = try Writer(path: path, configHash: configHash)
        for r in records { try writer.append(r) }
        try writer.close()
    }

    /// Reads a whole (small) file.
    public static func readAll(_ path: String, configHash: UInt64) throws -> [Record] {
        let reader = try Reader(path: path, configHash: configHash)
        var records: [Record] = []
        records.reserveCapacity(reader.count)
        while let r = try reader.next() { records.append(r) }
        return records
    }

    public final class Writer {
        let sink: AtomicFileSink
        var buffer: [UInt8] = []
        var crc = CRC32()
        var count: UInt64 = 0

        public init(path: String, configHash: UInt64) throws {
            sink = try AtomicFileSink(path: path)
            buffer.reserveCapacity(1 << 16)
            buffer += magic
            append(RecordFile.version)
            append(UInt32(3))
            append(configHash)
        }

        private func append(_ x: UInt32) { withUnsafeBytes(of: x.littleEndian) { buffer += $0 } }
        private func append(_ x: UInt64) { withUnsafeBytes(of: x.littleEndian) { buffer += $0 } }

        public func append(_ r: Record) throws {
            append(r.a)
            append(r.b)
            append(r.c)
            count += 1
            if buffer.count >= 1 << 16 { try flush() }
        }

        private func flush() throws {
            try buffer.withUnsafeBytes { bytes in
                crc.update(bytes)
                try sink.write(bytes)
            }
            buffer.removeAll(keepingCapacity: true)
        }

        public func close() throws {
            try flush()
            append(count)
            withUnsafeBytes(of: crc.value.littleEndian) { buffer += $0 }
            buffer += endMagic
            try buffer.withUnsafeBytes { try sink.write($0) }
            try sink.close()
        }
    }

    /// Reads records front to back. The length and trailer are checked on opening, the checksum
    /// when the last record has been read (a caller writes its own outputs only after that).
    public final class Reader {
        public let path: String
        public let count: Int
        private let fd: Int32
        private var chunk: [Record] = []
        private var position = 0
        private var remaining: Int
        private let chunkRecords: Int
        private var crc = CRC32()
        private let expectedCRC: UInt32

        public init(path: String, configHash: UInt64, chunkRecords: Int = 1 << 14) throws {
            self.path = path
            self.chunkRecords = max(chunkRecords, 16)
            fd = open(path, O_RDONLY | O_CLOEXEC)
            guard fd >= 0 else { throw SieveError.io(path: path, message: String(cString: strerror(errno))) }
            var info = stat()
            fstat(fd, &info)
            let size = Int(info.st_size)
            func corrupt(_ offset: Int, _ message: String) -> SieveError {
                .corrupt(path: path, offset: Int64(offset), message: message + "; delete the run's work/ folder (or use a new --run-dir) and run again")
            }
            var header = [UInt8](repeating: 0, count: headerBytes)
            var trailer = [UInt8](repeating: 0, count: trailerBytes)
            guard size >= headerBytes + trailerBytes,
                  pread(fd, &header, headerBytes, 0) == headerBytes,
                  pread(fd, &trailer, trailerBytes, off_t(size - trailerBytes)) == trailerBytes
            else { close(fd); throw corrupt(0, "not a Sieve dedup file (only \(size) bytes)") }
            guard Array(header[0..<8]) == magic else { close(fd); throw corrupt(0, "not a Sieve dedup file (wrong magic)") }
            let version = header.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: 8, as: UInt32.self).littleEndian }
            guard version == RecordFile.version else { close(fd); throw corrupt(8, "written by format version \(version), this Sieve reads \(RecordFile.version)") }
            let hash = header.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: 16, as: UInt64.self).littleEndian }
            guard hash == configHash else {
                close(fd)
                throw corrupt(16, "written for another dedup configuration (config hash \(hash), expected \(configHash))")
            }
            let count = trailer.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: 0, as: UInt64.self).littleEndian }
            guard Array(trailer[12..<16]) == endMagic, count <= UInt64(size),
                  headerBytes + Int(count) * recordBytes + trailerBytes == size
            else { close(fd); throw corrupt(size, "truncated or damaged (length \(size) does not match its trailer)") }
            self.count = Int(count)
            remaining = Int(count)
            expectedCRC = trailer.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: 8, as: UInt32.self).littleEndian }
            header.withUnsafeBytes { crc.update($0) }
            lseek(fd, off_t(headerBytes), SEEK_SET)
        }

        deinit { close(fd) }

        /// The next record, or nil after the last (whose checksum then matched).
        public func next() throws -> Record? {
            if position == chunk.count {
                guard remaining > 0 else { return nil }
                try refill()
            }
            position += 1
            return chunk[position - 1]
        }

        /// The record `next()` would return, without consuming it.
        public func peek() throws -> Record? {
            if position == chunk.count {
                guard remaining > 0 else { return nil }
                try refill()
            }
            return chunk[position]
        }

        private func refill() throws {
            let n = min(remaining, chunkRecords)
            chunk = [Record](unsafeUninitializedCapacity: n) { buffer, initialized in
                initialized = 0
                let raw = UnsafeMutableRawBufferPointer(buffer)
                var done = 0
                while done < n * recordBytes {
                    let got = read(fd, raw.baseAddress! + done, n * recordBytes - done)
                    if got < 0, errno == EINTR { continue }
                    if got <= 0 { return }
                    done += got
                }
                crc.update(UnsafeRawBufferPointer(raw))
                initialized = n
            }
            guard chunk.count == n else {
                throw SieveError.corrupt(path: path, offset: Int64(headerBytes + (count - remaining) * recordBytes), message: "cannot read records")
            }
            #if _endian(big)
            chunk = chunk.map { Record(UInt64(littleEndian: $0.a), UInt64(littleEndian: $0.b), UInt64(littleEndian: $0.c)) }
            #endif
            position = 0
            remaining -= n
            if remaining == 0, crc.value != expectedCRC {
                throw SieveError.corrupt(path: path, offset: Int64(headerBytes), message: "checksum mismatch (the file was changed or damaged); delete the run's work/ folder and run again")
            }
        }
    }
}

/// The records of many sorted runs in one sorted sequence (a k-way merge with a binary heap).
/// Memory: one chunk per run.
public struct MergedRuns {
    private var readers: [RecordFile.Reader]
    private var heap: [(record: Record, source: Int)] = []

    public init(paths: [String], configHash: UInt64, memoryBudget: Int64 = 256 << 20) throws {
        let perRun = Int(max(memoryBudget / Int64(max(paths.count, 1)) / Int64(RecordFile.recordBytes), 16))
        readers = try paths.map { try RecordFile.Reader(path: $0, configHash: configHash, chunkRecords: min(perRun, 1 << 14)) }
        for (k, reader) in readers.enumerated() {
            if let r = try reader.next() { push((r, k)) }
        }
    }

    public mutating func next() throws -> Record? {
        guard let top = heap.first else { return nil }
        if let r = try readers[top.source].next() {
            heap[0] = (r, top.source)
            siftDown(0)
        } else {
            let last = heap.removeLast()
            if !heap.isEmpty {
                heap[0] = last
                siftDown(0)
            }
        }
        return top.record
    }

    private static func less(_ x: (record: Record, source: Int), _ y: (record: Record, source: Int)) -> Bool {
        x.record != y.record ? x.record < y.record : x.source < y.source
    }

    private mutating func push(_ item: (record: Record, source: Int)) {
        heap.append(item)
        var k = heap.count - 1
        while k > 0 {
            let parent = (k - 1) / 2
            guard Self.less(heap[k], heap[parent]) else { break }
            heap.swapAt(k, parent)
            k = parent
        }
    }

    private mutating func siftDown(_ start: Int) {
        var k = start
        while true {
            let l = 2 * k + 1, r = l + 1
            var m = k
            if l < heap.count, Self.less(heap[l], heap[m]) { m = l }
            if r < heap.count, Self.less(heap[r], heap[m]) { m = r }
            if m == k { return }
            heap.swapAt(k, m)
            k = m
        }
    }
}

/// Collects records into partitions and spills each as a sorted run
/// (`DIR/pNN/FILE_CHUNK.run`) whenever the records held pass the memory budget, and at the end.
public final class RunSpiller {
    public let directory: String
    public let file: Int
    public let configHash: UInt64
    public let budgetBytes: Int64
    private var partitions: [[Record]]
    private var held = 0
    private var chunk = 0
    public private(set) var spilledRuns = 0

    public init(directory: String, file: Int, partitions: Int, configHash: UInt64, budgetBytes: Int64) {
        self.directory = directory
        self.file = file
        self.configHash = configHash
        self.budgetBytes = budgetBytes
        self.partitions = Array(repeating: [], count: partitions)
    }

    public static func partitionDirectory(_ directory: String, _ partition: Int) -> String {
        directory + "/p" + zeroPadded(partition, 2)
    }

    public func add(_ record: Record, partition: Int) throws {
        partitions[partition].append(record)
        held += 1
        if Int64(held * RecordFile.recordBytes) >= budgetBytes { try spill() }
    }

    /// Writes what is held (one run per non-empty partition).
    public func spill() throws {
        for p in partitions.indices where !partitions[p].isEmpty {
            partitions[p].sort()
            let name = zeroPadded(file, 5) + "_" + zeroPadded(chunk, 4) + ".run"
            try RecordFile.write(partitions[p], to: Self.partitionDirectory(directory, p) + "/" + name, configHash: configHash)
            partitions[p] = []
            spilledRuns += 1
        }
        held = 0
        chunk += 1
    }

    /// The run files of one partition, from every input file.
    public static func runs(_ directory: String, partition: Int) throws -> [String] {
        let dir = partitionDirectory(directory, partition)
        guard FileSystem.isDirectory(dir) else { return [] }
        return try FileSystem.list(dir).filter { $0.hasSuffix(".run") && !$0.hasPrefix(".") }.map { dir + "/" + $0 }
    }
}
