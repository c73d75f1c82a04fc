#if canImport(Glibc)
import Glibc
#endif
import Synchronization
import SieveCore
import SieveIO

/// Hashes of the word n-grams of a text, as `decontaminate` compares them: the words of the
/// simplified text (`TextSimplifier`: lowercase, punctuation removed, accents stripped; numbers are
/// kept, not folded to `0`, or any 13 numbers in a row would match any other 13) each hashed with
/// xxHash64, and every n consecutive word hashes combined (`XXHash64.combine`, as MinHash's
/// shingles). A text of fewer than n words has none.
public struct NgramHasher {
    public let n: Int
    private var simplifier = TextSimplifier(foldDigits: false)
    private var words: [UInt64] = []

    public init(n: Int) { self.n = n }

    /// Calls `body` with the hash of each n-gram in order; returns the number of words.
    @discardableResult
    public mutating func forEachNgram(_ text: String, _ body: (UInt64) throws -> Void) rethrows -> Int {
        var words = self.words
        words.removeAll(keepingCapacity: true)
        simplifier.forEachWord(text) { words.append(XXHash64.hash(UnsafeRawBufferPointer($0))) }
        defer { self.words = words }
        guard words.count >= n else { return words.count }
        try words.withUnsafeBufferPointer { w in
            for start in 0...(w.count - n) { try body(XXHash64.combine(w[start..<(start + n)])) }
        }
        return words.count
    }
}

/// The n-gram index of the evaluation sets: a `RecordFile` (checksummed, refused when damaged or
/// written for another configuration) of records (n-gram hash, set number, 0), sorted and without
/// repeats.
///
/// Why a sorted file of 64-bit hashes rather than a Bloom filter: it is exact up to 64-bit hash
/// collisions (about k·m/2⁶⁴ false matches for k document n-grams against m indexed ones: none
/// expected below 10¹⁸ pairs), it says which evaluation set matched (a Bloom filter would need one
/// per set), and it is built under a memory budget by the dedup files' external sort. Tasks map
/// it read-only (`mmap`), so every task on a machine shares one copy in the page cache.
///
/// Almost every n-gram of a document is in no evaluation set, and a lookup in the mapped file
/// costs two cache misses (measured: 30 MB/s of text). So each process puts in front of it a
/// register-blocked Bloom filter (Putze, Sanders, Singler 2007, "Cache-, Hash- and
/// Space-Efficient Bloom Filters": one 64-bit word per key, 5 bits set in it, 16 bits per n-gram,
/// about 0.4% false positives), built while the file is checked, which answers most lookups with
/// one memory access; the file stays the exact answer. Beside it, a directory of where every
/// hash prefix starts (8 bytes per 8 to 16 n-grams) narrows the binary search in the file.
public final class NgramIndex: @unchecked Sendable {
    public let count: Int
    public let path: String
    private let mapping: UnsafeMutableRawPointer
    private let mappedBytes: Int
    private let records: UnsafeRawPointer
    private let bits: Int
    private let directory: [Int]
    private let filter: [UInt64]

    /// Builds the index of `sets` at `path` (atomically), holding at most `memoryBudget` bytes of
    /// records before spilling sorted runs under `scratch` (removed afterwards). Counts per set
    /// `eval_examples_<set>`, `eval_ngrams_<set>` and `eval_examples_too_short_<set>` (fewer
    /// words than the n-gram: they can never match), then `index_ngrams` and `index_bytes`.
    public static func build(sets: [EvalSet], reader: EvalReader, ngram: Int, configHash: UInt64, to path: String,
                             scratch: String, memoryBudget: Int64, stats: inout StageStats) throws {
        try FileSystem.removeTree(scratch)
        let spiller = RunSpiller(directory: scratch, file: 0, partitions: 1, configHash: configHash, budgetBytes: memoryBudget)
        var hasher = NgramHasher(n: ngram)
        for (id, set) in sets.enumerated() {
            var examples: Int64 = 0, ngrams: Int64 = 0, short: Int64 = 0
            for file in set.files {
                try reader.forEachExample(file, stats: &stats) { text in
                    let words = try hasher.forEachNgram(text) { h in
                        try spiller.add(Record(h, UInt64(id)), partition: 0)
                        ngrams += 1
                    }
                    examples += 1
                    if words < ngram { short += 1 }
                }
            }
            let name = statName(set.name)
            stats.add("eval_examples_" + name, examples)
            stats.add("eval_ngrams_" + name, ngrams)
            stats.add("eval_examples_too_short_" + name, short)
        }
        try spiller.spill()
        var runs = try MergedRuns(paths: try RunSpiller.runs(scratch, partition: 0), configHash: configHash,
                                  memoryBudget: memoryBudget / 2)
        let writer = try RecordFile.Writer(path: path, configHash: configHash)
        var last: Record?
        var unique: Int64 = 0
        while let r = try runs.next() {
            if r == last { continue }
            try writer.append(r)
            last = r
            unique += 1
        }
        try writer.close()
        try FileSystem.removeTree(scratch)
        stats.add("index_ngrams", unique)
        stats.add("index_bytes", FileSystem.size(path) ?? 0)
    }

    /// The index at `path`, mapped once per process (later calls for the same unchanged file
    /// share it). The whole file is read once to check its length, checksum and order.
    public static func open(_ path: String, configHash: UInt64) throws -> NgramIndex {
        var info = stat()
        guard stat(path, &info) == 0 else { throw SieveError.io(path: path, message: String(cString: strerror(errno))) }
        let key = "\(path)|\(info.st_ino)|\(info.st_mtim.tv_sec).\(info.st_mtim.tv_nsec)|\(info.st_size)|\(configHash)"
        if let index = opened.withLock({ $0[key] }) { return index }
        let index = try NgramIndex(path: path, configHash: configHash)
        opened.withLock { $0[key] = index }
        return index
    }

    private static let opened = Mutex<[String: NgramIndex]>([:])

    private init(path: String, configHash: UInt64) throws {
        self.path = path
        let reader = try RecordFile.Reader(path: path, configHash: configHash)
        count = reader.count
        // 8 to 16 records per directory slot, at most 2^24 slots (128 MiB).
        bits = min(24, max(0, Int.bitWidth - (count / 16).leadingZeroBitCount))
        var directory = [Int](repeating: 0, count: (1 << bits) + 1)
        var filter = [UInt64](repeating: 0, count: max(1, count / 4))
        var previous: Record?
        while let r = try reader.next() {
            if let previous, !(previous < r) {
                throw SieveError.corrupt(path: path, offset: 0, message: "the n-gram index is not sorted; delete the run's work/ folder and run again")
            }
            directory[Self.slot(r.a, bits) + 1] += 1
            filter[Self.block(r.a, filter.count)] |= Self.mask(r.a)
            previous = r
        }
        for k in 1..<directory.count { directory[k] += directory[k - 1] }
        self.directory = directory
        self.filter = filter

        let fd = Glibc.open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw SieveError.io(path: path, message: String(cString: strerror(errno))) }
        defer { close(fd) }
        mappedBytes = RecordFile.headerBytes + count * RecordFile.recordBytes + RecordFile.trailerBytes
        guard let base = mmap(nil, mappedBytes, PROT_READ, MAP_SHARED, fd, 0), base != MAP_FAILED else {
            throw SieveError.io(path: path, message: "cannot map the n-gram index: " + String(cString: strerror(errno)))
        }
        mapping = base
        records = UnsafeRawPointer(base + RecordFile.headerBytes)
    }

    deinit { munmap(mapping, mappedBytes) }

    @inline(__always) private static func slot(_ hash: UInt64, _ bits: Int) -> Int {
        bits == 0 ? 0 : Int(hash >> UInt64(64 - bits))
    }

    /// The filter word of `hash`: from its high 32 bits (the low ones choose the bits in it).
    @inline(__always) private static func block(_ hash: UInt64, _ blocks: Int) -> Int {
        Int(truncatingIfNeeded: ((hash >> 32) &* UInt64(blocks)) >> 32)
    }

    /// Five bits of a filter word, from the low 30 bits of `hash`.
    @inline(__always) private static func mask(_ hash: UInt64) -> UInt64 {
        1 << (hash & 63) | 1 << (hash >> 6 & 63) | 1 << (hash >> 12 & 63) | 1 << (hash >> 18 & 63) | 1 << (hash >> 24 & 63)
    }

    @inline(__always) private func hash(at k: Int) -> UInt64 {
        records.loadUnaligned(fromByteOffset: k * RecordFile.recordBytes, as: UInt64.self).littleEndian
    }

    /// Calls `body` with the number of each set that contains the n-gram `hash`.
    @inline(__always)
    public func forEachSet(containing hash: UInt64, _ body: (Int) -> Void) {
        let mask = Self.mask(hash)
        guard filter[Self.block(hash, filter.count)] & mask == mask else { return }
        let s = Self.slot(hash, bits)
        let end = directory[s + 1]
        var lo = directory[s], hi = end
        while lo < hi {
            let mid = (lo + hi) / 2
            if self.hash(at: mid) < hash { lo = mid + 1 } else { hi = mid }
        }
        while lo < end, self.hash(at: lo) == hash {
            body(Int(records.loadUnaligned(fromByteOffset: lo * RecordFile.recordBytes + 8, as: UInt64.self).littleEndian))
            lo += 1
        }
    }
}

/// A set's name as it appears in counter names: lowercase ASCII letters, digits and `_`.
func statName(_ name: String) -> String {
    String(name.lowercased().map { $0.isASCII && ($0.isLetter || $0.isNumber) ? $0 : "_" })
}
