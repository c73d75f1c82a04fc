import SieveCore
import SieveIO

extension StepDefinition {
    /// A step made of one `DocumentFilter`. Besides the filter's own keys it takes `rejected`:
    /// a directory where dropped documents are written as shards (`PREFIX_00000.jsonl.zst`), each
    /// with `metadata.drop_reason`, so what a rule removed can be read and checked; and `mode`:
    /// `annotate` records the verdict in `metadata.attributes[attribute]` (default: the step's
    /// name) and drops nothing (`AnnotatingFilter`, docs/attributes.md).
    public static func filter<F: DocumentFilter & SendableMetatype>(
        name: String, summary: String, keys: [String],
        build: @escaping @Sendable (inout StepParams, StepContext) throws -> F
    ) -> StepDefinition {
        StepDefinition(name: name, summary: summary, keys: keys + ["rejected", "mode", "attribute"]) { params, context in
            let filter = try build(&params, context)
            if try params.choice("mode", ["filter", "annotate"], default: "filter") == "annotate" {
                if params.value("rejected") != nil { throw params.location.error(key: "rejected", "'mode: annotate' drops nothing") }
                return AnnotatingFilter(filter: filter, name: try params.string("attribute", default: name))
            }
            if try params.string("attribute") != nil { throw params.location.error(key: "attribute", "'attribute' needs 'mode: annotate'") }
            guard let rejected = try params.string("rejected") else { return filter }
            let writer = ShardWriter(.init(directory: context.outputPath(rejected), prefix: context.shardPrefix))
            return RejectingFilter(filter: filter, rejected: writer)
        }
    }
}

/// A filter whose dropped documents are kept in `rejected`, with the reason in
/// `metadata.drop_reason`. Counts exactly as the bare filter does.
struct RejectingFilter<Filter: DocumentFilter>: Stage {
    var filter: Filter
    let rejected: ShardWriter

    mutating func process(_ batch: consuming [Document], into output: inout [Document], stats: inout StageStats) throws {
        for var doc in batch {
            switch filter.filter(&doc) {
            case .keep:
                stats.count(doc)
                output.append(doc)
            case .drop(let reason):
                stats.drop(doc, reason: reason)
                doc.metadata["drop_reason"] = .string(reason)
                try rejected.write(doc)
            }
        }
    }

    mutating func finish(into output: inout [Document], stats: inout StageStats) throws {
        try filter.finish(into: &output, stats: &stats)
        try rejected.close()
    }
}
