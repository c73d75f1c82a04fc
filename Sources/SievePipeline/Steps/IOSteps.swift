import SieveCore
import SieveIO

/// Keys every web archive format takes (see docs/readers.md).
private let archiveKeys = ["records", "content_types", "max_record_bytes", "max_header_bytes", "digest"] + decompressionKeys

/// Keys of the decompression caps, taken by every reader (docs/reliability.md).
private let decompressionKeys = ["max_compression_ratio", "compression_ratio_floor"]

/// The decompression caps: at most `max_compression_ratio` bytes out per byte in, once
/// `compression_ratio_floor` bytes came out.
private func decompressionLimits(_ params: inout StepParams) throws -> DecompressionLimits {
    DecompressionLimits(maxRatio: Int64(try params.int("max_compression_ratio", default: 200, range: 1...Int.max)),
                        ratioFloorBytes: try params.bytes("compression_ratio_floor", default: 64 << 20))
}

/// A web archive reader with `records` defaulting to `records`.
private func archiveReader(_ params: inout StepParams, records: [String]) throws -> WARCReader {
    let types = try params.strings("records") ?? records
    for t in types where !WARCReader.allRecordTypes.contains(t) && t != "*" {
        throw params.location.error(key: "records", "'\(t)' is not a record type (\(WARCReader.allRecordTypes.joined(separator: ", ")), or *)")
    }
    return WARCReader(
        recordTypes: Set(types),
        contentTypes: try params.strings("content_types") ?? WARCReader.defaultContentTypes,
        limits: .init(maxRecordBytes: Int(try params.bytes("max_record_bytes", default: 64 << 20)),
                      maxHeaderBytes: Int(try params.bytes("max_header_bytes", default: 64 << 10)),
                      decompression: try decompressionLimits(&params)),
        digest: try params.bool("digest", default: false))
}

/// Input formats read by SieveIO.
let ioInputs: [InputFormat] = [
    InputFormat(name: "jsonl", summary: "JSON Lines (datatrove or dolma shape), any compression", keys: ["provenance", "max_line_bytes"] + decompressionKeys) { params in
        JSONLReader(provenance: try params.bool("provenance", default: false),
                    maxLineBytes: Int(try params.bytes("max_line_bytes", default: 64 << 20)),
                    decompression: try decompressionLimits(&params))
    },
    InputFormat(name: "warc", summary: "WARC 0.18/1.0/1.1 or ARC; response records as HTML documents", keys: archiveKeys) { params in
        try archiveReader(&params, records: ["response"])
    },
    InputFormat(name: "arc", summary: "Internet Archive ARC v1/v2 (the warc reader)", keys: archiveKeys) { params in
        try archiveReader(&params, records: ["response"])
    },
    InputFormat(name: "wet", summary: "Common Crawl WET: conversion records as text, with their language", keys: archiveKeys) { params in
        try archiveReader(&params, records: ["conversion"])
    },
    InputFormat(name: "wat", summary: "Common Crawl WAT: metadata JSON envelopes, with title and links", keys: archiveKeys) { params in
        try archiveReader(&params, records: ["metadata"])
    },
    InputFormat(name: "wiki", summary: "MediaWiki XML dump (pages-articles, .bz2 or plain), wikitext as plain text",
                keys: ["namespaces", "keep_wikitext", "max_page_bytes"] + decompressionKeys) { params in
        let namespaces = try params.strings("namespaces") ?? ["0"]
        return MediaWikiReader(
            namespaces: Set(try namespaces.map {
                guard let n = Int($0) else { throw params.location.error(key: "namespaces", "'\($0)' is not a namespace number") }
                return n
            }),
            keepWikitext: try params.bool("keep_wikitext", default: false),
            maxPageBytes: Int(try params.bytes("max_page_bytes", default: 64 << 20)),
            decompression: try decompressionLimits(&params))
    },
    InputFormat(name: "tar", summary: "tar (any compression) or zip/WACZ of HTML, text, JSONL or WARC members, read in place",
                keys: ["max_member_bytes", "max_line_bytes"] + archiveKeys) { params in
        // The decompression caps hold for WARC and JSONL members alike.
        TarReader(maxMemberBytes: try params.bytes("max_member_bytes", default: 64 << 20),
                  warc: try archiveReader(&params, records: ["response"]),
                  jsonl: JSONLReader(maxLineBytes: Int(try params.bytes("max_line_bytes", default: 64 << 20)),
                                     decompression: try decompressionLimits(&params)))
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
