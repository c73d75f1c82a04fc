/// Metrics of a binary scorer on labelled data: ROC-AUC, precision and recall at a cut, and a
/// calibration table (reliability diagram, Niculescu-Mizil & Caruana 2005) with the expected
/// calibration error.
public struct BinaryMetrics: Sendable, CustomStringConvertible {
    public struct Bin: Sendable {
        public var lower: Double
        public var upper: Double
        public var count: Int
        public var meanPredicted: Double
        public var fractionPositive: Double
    }

    public var count: Int
    public var positives: Int
    public var auc: Double
    public var threshold: Double
    public var truePositives: Int
    public var falsePositives: Int
    public var falseNegatives: Int
    public var trueNegatives: Int
    public var bins: [Bin]

    public var precision: Double { ratio(truePositives, truePositives + falsePositives) }
    public var recall: Double { ratio(truePositives, truePositives + falseNegatives) }
    public var accuracy: Double { ratio(truePositives + trueNegatives, count) }
    public var f1: Double { precision + recall > 0 ? 2 * precision * recall / (precision + recall) : 0 }
    /// Mean gap between predicted and observed rates over the bins, weighted by bin size.
    public var expectedCalibrationError: Double {
        bins.reduce(0) { $0 + Double($1.count) * abs($1.meanPredicted - $1.fractionPositive) } / Double(max(count, 1))
    }

    public init(scores: [Double], labels: [Bool], threshold: Double = 0.5, bins binCount: Int = 10) {
        precondition(scores.count == labels.count)
        count = scores.count
        positives = labels.filter { $0 }.count
        auc = Self.rocAUC(scores: scores, labels: labels)
        self.threshold = threshold
        var tp = 0, fp = 0, fn = 0, tn = 0
        for (s, y) in zip(scores, labels) {
            switch (s >= threshold, y) {
            case (true, true): tp += 1
            case (true, false): fp += 1
            case (false, true): fn += 1
            case (false, false): tn += 1
            }
        }
        (truePositives, falsePositives, falseNegatives, trueNegatives) = (tp, fp, fn, tn)
        var table = (0..<binCount).map {
            Bin(lower: Double($0) / Double(binCount), upper: Double($0 + 1) / Double(binCount), count: 0, meanPredicted: 0, fractionPositive: 0)
        }
        for (s, y) in zip(scores, labels) {
            let k = min(binCount - 1, max(0, Int(s * Double(binCount))))
            table[k].count += 1
            table[k].meanPredicted += s
            table[k].fractionPositive += y ? 1 : 0
        }
        for k in table.indices where table[k].count > 0 {
            table[k].meanPredicted /= Double(table[k].count)
            table[k].fractionPositive /= Double(table[k].count)
        }
        bins = table
    }

    /// Area under the ROC curve: the probability that a random positive scores above a random
    /// negative (Mann–Whitney U, ties counted as one half through average ranks).
    public static func rocAUC(scores: [Double], labels: [Bool]) -> Double {
        let positives = labels.filter { $0 }.count, negatives = labels.count - positives
        guard positives > 0, negatives > 0 else { return .nan }
        let order = scores.indices.sorted { scores[$0] < scores[$1] }
        var rankSum = 0.0
        var i = 0
        while i < order.count {
            var j = i
            while j + 1 < order.count, scores[order[j + 1]] == scores[order[i]] { j += 1 }
            let averageRank = Double(i + j) / 2 + 1
            for k in i...j where labels[order[k]] { rankSum += averageRank }
            i = j + 1
        }
        return (rankSum - Double(positives) * Double(positives + 1) / 2) / (Double(positives) * Double(negatives))
    }

    public var description: String {
        var lines = [
            "documents \(count) (positives \(positives), negatives \(count - positives))",
            "ROC-AUC \(f4(auc))",
            "at threshold \(f4(threshold)): precision \(f4(precision)), recall \(f4(recall)), F1 \(f4(f1)), accuracy \(f4(accuracy))"
                + " (TP \(truePositives), FP \(falsePositives), FN \(falseNegatives), TN \(trueNegatives))",
            "calibration (expected calibration error \(f4(expectedCalibrationError))):",
            "  bin          count  mean predicted  fraction positive",
        ]
        for bin in bins {
            let range = "\(f2(bin.lower))-\(f2(bin.upper))"
            lines.append("  " + pad(range, 11) + pad(String(bin.count), 7, left: true)
                         + pad(bin.count > 0 ? f4(bin.meanPredicted) : "-", 16, left: true)
                         + pad(bin.count > 0 ? f4(bin.fractionPositive) : "-", 19, left: true))
        }
        return lines.joined(separator: "\n")
    }
}

func ratio(_ a: Int, _ b: Int) -> Double { b > 0 ? Double(a) / Double(b) : 0 }

func f4(_ x: Double) -> String { fixed(x, 4) }
func f2(_ x: Double) -> String { fixed(x, 2) }

/// `x` with exactly `digits` decimals (no Foundation formatting on this path).
func fixed(_ x: Double, _ digits: Int) -> String {
    guard x.isFinite else { return "nan" }
    var scale = 1.0
    for _ in 0..<digits { scale *= 10 }
    let n = Int64((abs(x) * scale).rounded())
    let whole = n / Int64(scale), fraction = String(n % Int64(scale))
    return (x < 0 && n != 0 ? "-" : "") + "\(whole)." + String(repeating: "0", count: digits - fraction.count) + fraction
}

func pad(_ s: String, _ width: Int, left: Bool = false) -> String {
    let fill = String(repeating: " ", count: max(0, width - s.count))
    return left ? fill + s : s + fill
}
