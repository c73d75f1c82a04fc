import SieveCore
import SieveIO

/// Input formats read by SieveIO.
let ioInputs: [InputFormat] = [
    InputFormat(name: "jsonl", summary: "JSON Lines (datatrove or dolma shape), any compression", keys: ["provenance"]) { params in
        JSONLReader(provenance: try params.bool("provenance", default: false))
    },
]

/// Steps of SieveIO.
let ioSteps: [StepDefinition] = [
    StepDefinition(
        name: "write", summary: "store documents as text shards (JSONL, JSONL.gz, JSONL.zst)",
        keys: ["path", "format", "max_shard_bytes", "max_shard_docs", "compression_level", "prefix"], isSink: true
    ) { params, context in
        let options = ShardWriter.Options(
            directory: context.outputPath(try params.requiredString("path")),
            prefix: try params.string("prefix", default: context.shardPrefix),
            format: ShardWriter.Format(rawValue: try params.choice(
                "format", ShardWriter.Format.allCases.map(\.rawValue), default: "jsonl.zst"))!,
            maxShardBytes: try params.bytes("max_shard_bytes", default: 256 << 20),
            maxShardDocuments: Int64(try params.int("max_shard_docs", default: Int(Int64.max), range: 1...Int.max)),
            compressionLevel: try params.string("compression_level") == nil
                ? nil : Int32(try params.int("compression_level", default: 3, range: 1...19)))
        return WriteStage(options)
    },
]
