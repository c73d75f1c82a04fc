import SieveCore

/// Writes documents as NDJSON text shards (`PREFIX_00000.jsonl.zst`, …), rolling to a new shard
/// when the next document would take the current one past `maxShardBytes` (uncompressed) or
/// `maxShardDocuments`. Each shard appears under its final name only once complete.
public final class ShardWriter {
    public enum Format: String, Sendable, CaseIterable {
        case jsonl, jsonlGz = "jsonl.gz", jsonlZst = "jsonl.zst"
    }

    public struct Options: Sendable {
        public var directory: String
        public var prefix: String
        public var format: Format
        public var maxShardBytes: Int64
        public var maxShardDocuments: Int64
        public var compressionLevel: Int32?

        public init(directory: String, prefix: String = "part", format: Format = .jsonlZst,
                    maxShardBytes: Int64 = 256 << 20, maxShardDocuments: Int64 = .max, compressionLevel: Int32? = nil) {
            self.directory = directory
            self.prefix = prefix
            self.format = format
            self.maxShardBytes = maxShardBytes
            self.maxShardDocuments = maxShardDocuments
            self.compressionLevel = compressionLevel
        }
    }

    public let options: Options
    /// Final paths of the shards completed so far.
    public private(set) var shards: [String] = []
    private var sink: ByteSink?
    private var pending: [UInt8] = []
    private var shardBytes: Int64 = 0
    private var shardDocuments: Int64 = 0
    private var line: [UInt8] = []
    /// Documents given to `write` since `beginBatch`, and how many of them went into shards
    /// completed during that batch (what a checkpoint records).
    public private(set) var writtenInBatch = 0
    public private(set) var inCompletedShards = 0
    /// Documents to drop because they are already in completed shards (a resumed task).
    private var alreadyWritten = 0

    public init(_ options: Options) {
        self.options = options
        pending.reserveCapacity(1 << 20)
    }

    deinit { sink?.abandon() }

    public func write(_ doc: Document) throws {
        writtenInBatch += 1
        if alreadyWritten > 0 {
            alreadyWritten -= 1
            return
        }
        line.removeAll(keepingCapacity: true)
        NDJSON.encode(doc, to: &line)
        if sink != nil, shardDocuments > 0,
           shardBytes + Int64(line.count) > options.maxShardBytes || shardDocuments >= options.maxShardDocuments {
            try closeShard()
            inCompletedShards = writtenInBatch - 1
        }
        if sink == nil { try openShard() }
        pending.append(contentsOf: line)
        shardBytes += Int64(line.count)
        shardDocuments += 1
        if pending.count >= 1 << 20 { try flush() }
    }

    /// Starts counting the documents of a batch (see `writtenInBatch`, `inCompletedShards`).
    public func beginBatch() {
        writtenInBatch = 0
        inCompletedShards = 0
    }

    /// Continues a killed writer: `completed` shards exist already, and the next `skip` documents
    /// given to `write` are already in them.
    public func resume(completed: Int, skip: Int) {
        shards = (0..<completed).map(shardPath)
        alreadyWritten = skip
    }

    private func shardPath(_ index: Int) -> String {
        options.directory + "/" + "\(options.prefix)_\(zeroPadded(index, 5)).\(options.format.rawValue)"
    }

    /// Completes the current shard. Writing again afterwards starts a new one.
    public func close() throws {
        if sink != nil { try closeShard() }
    }

    private func openShard() throws {
        let file = try AtomicFileSink(path: shardPath(shards.count))
        switch options.format {
        case .jsonl: sink = file
        case .jsonlGz: sink = GzipSink(file, level: options.compressionLevel ?? 6)
        case .jsonlZst: sink = ZstdSink(file, level: options.compressionLevel ?? 3)
        }
        shardBytes = 0
        shardDocuments = 0
    }

    private func flush() throws {
        try pending.withUnsafeBytes { try sink!.write($0) }
        pending.removeAll(keepingCapacity: true)
    }

    private func closeShard() throws {
        try flush()
        try sink!.close()
        sink = nil
        shards.append(shardPath(shards.count))
    }
}

/// `n` in decimal, left-padded with zeros to `width` digits.
public func zeroPadded(_ n: Int, _ width: Int) -> String {
    let digits = String(n)
    return digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
}

/// The `write` step: stores every document in text shards and passes it on unchanged (so a
/// `tokenize` step can follow). Counts `documents`, `bytes` and `shards`.
public struct WriteStage: Stage {
    public let writer: ShardWriter

    public init(_ options: ShardWriter.Options) { writer = ShardWriter(options) }

    public mutating func process(_ batch: consuming [Document], into output: inout [Document], stats: inout StageStats) throws {
        for doc in batch {
            try writer.write(doc)
            stats.count(doc)
            output.append(doc)
        }
    }

    public mutating func finish(into output: inout [Document], stats: inout StageStats) throws {
        try writer.close()
        stats.add("shards", Int64(writer.shards.count))
    }
}
