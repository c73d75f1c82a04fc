/// Counters of one stage, named as datatrove names them (`total`, `forwarded`, `dropped`,
/// `dropped_<reason>`, `skipped_<reason>` for unreadable input), plus document and byte sizes.
/// Stats of tasks are merged by adding counters.
public struct StageStats: Sendable, Hashable, Codable {
    public var name: String
    public private(set) var counters: [String: Int64]

    public init(name: String, counters: [String: Int64] = [:]) {
        self.name = name
        self.counters = counters
    }

    public subscript(counter: String) -> Int64 {
        get { counters[counter, default: 0] }
        set { counters[counter] = newValue }
    }

    public mutating func add(_ counter: String, _ amount: Int64 = 1) {
        counters[counter, default: 0] += amount
    }

    /// A document that went on to the next stage.
    public mutating func count(_ doc: Document) {
        add("total")
        add("forwarded")
        add("forwarded_bytes", Int64(doc.text.utf8.count))
    }

    /// A document that a rule removed.
    public mutating func drop(_ doc: Document, reason: String) {
        add("total")
        add("dropped")
        add("dropped_" + reason)
    }

    /// Input that could not be read as a document (malformed JSON, a truncated record, …).
    public mutating func skip(reason: String) {
        add("skipped")
        add("skipped_" + reason)
    }

    public mutating func merge(_ other: StageStats) {
        for (key, value) in other.counters { counters[key, default: 0] += value }
    }
}
