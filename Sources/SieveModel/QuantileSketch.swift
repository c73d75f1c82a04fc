import SieveCore

/// A mergeable quantile sketch for scores in [0, 1]: a histogram of `resolution` equal bins.
///
/// Scores are probabilities, so the domain is known and bounded; a fixed-bin histogram then
/// answers every quantile with a value error of at most 1/`resolution` (1.5e-5 by default),
/// whatever the number of documents, in constant memory. Unlike KLL or a t-digest its merge is
/// exact, commutative and associative: merging the tasks' sketches in any order gives the same
/// cut-off, so a run's output does not depend on how documents were split into tasks (the run's
/// byte-identical-resume rule, DESIGN §6). Each task writes its sketch as JSON (sparse counts);
/// the barrier phase merges them and reads `keep_top` as a quantile.
public struct QuantileSketch: Sendable, Equatable {
    public let resolution: Int
    public private(set) var counts: [Int64]
    public private(set) var total: Int64 = 0

    public init(resolution: Int = 1 << 16) {
        self.resolution = resolution
        counts = [Int64](repeating: 0, count: resolution)
    }

    @inline(__always)
    func bin(_ score: Double) -> Int { min(resolution - 1, max(0, Int(score * Double(resolution)))) }

    public mutating func add(_ score: Double) {
        guard !score.isNaN else { return }
        counts[bin(score)] += 1
        total += 1
    }

    public mutating func merge(_ other: QuantileSketch) {
        precondition(resolution == other.resolution, "sketches of different resolutions")
        for k in counts.indices { counts[k] += other.counts[k] }
        total += other.total
    }

    /// The smallest bin edge t such that at most a share `q` of the scores lies below t.
    public func quantile(_ q: Double) -> Double {
        guard total > 0 else { return 0 }
        let target = Double(total) * min(max(q, 0), 1)
        var below: Int64 = 0
        for k in counts.indices {
            if Double(below + counts[k]) > target { return Double(k) / Double(resolution) }
            below += counts[k]
        }
        return 1
    }

    /// The threshold that keeps the top `share` of the scores (`keep_top: 0.3` → 30%):
    /// documents with a score at or above it are kept.
    public func threshold(keepingTop share: Double) -> Double { quantile(1 - share) }

    /// The sketch as JSON text: `{"resolution":R,"total":N,"bins":[[index,count],…]}`.
    public var json: String {
        var out = "{\"resolution\":\(resolution),\"total\":\(total),\"bins\":["
        var first = true
        for (k, c) in counts.enumerated() where c > 0 {
            out += (first ? "" : ",") + "[\(k),\(c)]"
            first = false
        }
        return out + "]}"
    }

    public init(json: JSONValue) throws {
        guard let object = json.objectValue, let resolution = object["resolution"]?.intValue, resolution > 0,
              resolution <= 1 << 24, let bins = object["bins"]?.arrayValue
        else { throw SieveError.failed("not a quantile sketch (expected resolution and bins)") }
        self.init(resolution: resolution)
        for entry in bins {
            guard let pair = entry.arrayValue, pair.count == 2, let k = pair[0].intValue, let c = pair[1].intValue,
                  counts.indices.contains(k), c >= 0
            else { throw SieveError.failed("quantile sketch: bad bin \(JSONWriter.string(entry))") }
            counts[k] += Int64(c)
            total += Int64(c)
        }
    }
}
