import SieveCore

/// Reads the documents of one input in order. Parts that cannot be read (a malformed line, a
/// truncated record) are skipped and counted in `stats` as `skipped_<reason>`; a thrown error
/// means the input could not be read at all.
public protocol DocumentReader {
    mutating func read(_ path: String, stats: inout StageStats, emit: (Document) throws -> Void) throws
}

extension DocumentReader {
    /// Reads a whole input into an array (tests and small inputs).
    public mutating func readAll(_ path: String) throws -> (documents: [Document], stats: StageStats) {
        var stats = StageStats(name: "read")
        var documents: [Document] = []
        try read(path, stats: &stats) { documents.append($0) }
        return (documents, stats)
    }
}

/// How many warnings about skipped input one reader writes per file before it only counts.
let maxWarningsPerInput = 20

/// Logs a skipped part of an input (up to `maxWarningsPerInput` per input) and counts it.
func skip(_ reason: String, _ message: String, at place: String, stats: inout StageStats) {
    stats.skip(reason: reason)
    let seen = stats["skipped"]
    if seen <= Int64(maxWarningsPerInput) {
        Log.warning("\(place): \(message) (skipped)")
    }
}
