import SieveCore

/// A task's place in one input file, written when an output shard completes: how many input
/// documents came before the batch, how many shards are complete, how many documents of that
/// batch are already in them, and the stats up to the batch (documents read, each stage; the reader's own counts are
/// made again, since a resumed task reads the file from its start, skipping those documents). A
/// resumed task skips those documents and goes on, so a kill costs at most one shard of work and
/// the outputs stay byte-identical. The same file with `.done.json` marks a finished input file.
struct TaskCheckpoint {
    var input: Int
    var shards: Int
    var skip: Int
    var stats: [StageStats]

    func save(_ path: String) throws {
        let json: JSONValue = [
            "input": JSONValue(input), "shards": JSONValue(shards), "skip": JSONValue(skip),
            "stats": .array(stats.map(\.json)),
        ]
        try FileSystem.writeFile(path, Array((JSONWriter.string(json) + "\n").utf8))
    }

    static func load(_ path: String) throws -> TaskCheckpoint {
        let o = try JSONParser.parse(try FileSystem.readText(path)).objectValue ?? [:]
        guard let input = o["input"]?.intValue, let shards = o["shards"]?.intValue, let skip = o["skip"]?.intValue,
              let stats = o["stats"]?.arrayValue?.compactMap(StageStats.init(json:))
        else { throw SieveError.corrupt(path: path, offset: 0, message: "not a checkpoint") }
        return TaskCheckpoint(input: input, shards: shards, skip: skip, stats: stats)
    }
}
