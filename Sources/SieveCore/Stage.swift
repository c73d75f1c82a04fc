/// One step of a pipeline: takes batches of documents, passes on some of them (changed or not),
/// and counts what it did.
///
/// Stages are synchronous: a chain of them costs tens of nanoseconds per document, where an
/// async hop per stage costs microseconds. Concurrency lives at the edges (tasks, I/O), and
/// every worker builds its own stage instances, so no stage needs a lock.
public protocol Stage {
    /// Processes one batch, appending what passes to `output`.
    mutating func process(_ batch: consuming [Document], into output: inout [Document], stats: inout StageStats) throws
    /// Called once after the last batch: a stage that holds documents back emits them here.
    mutating func finish(into output: inout [Document], stats: inout StageStats) throws
}

extension Stage {
    public mutating func finish(into output: inout [Document], stats: inout StageStats) throws {}
}

/// What a filter decides about one document.
public enum Verdict: Sendable, Hashable {
    case keep
    /// Dropped, with a short snake_case reason that names the rule (datatrove's names where one exists).
    case drop(reason: String)
}

/// A stage that only decides keep or drop. Counting `total`, `forwarded`, `dropped` and
/// `dropped_<reason>` (datatrove's counter names) is done here, once, for every filter.
public protocol DocumentFilter: Stage {
    func verdict(for doc: Document) -> Verdict
    /// The verdict, for a filter that also edits what it keeps (C4's line rules drop lines from
    /// the text). Default: `verdict(for:)`, the document unchanged.
    func filter(_ doc: inout Document) -> Verdict
}

extension DocumentFilter {
    public func filter(_ doc: inout Document) -> Verdict { verdict(for: doc) }

    public mutating func process(_ batch: consuming [Document], into output: inout [Document], stats: inout StageStats) throws {
        for var doc in batch {
            switch filter(&doc) {
            case .keep:
                stats.count(doc)
                output.append(doc)
            case .drop(let reason):
                stats.drop(doc, reason: reason)
            }
        }
    }
}

/// A stage whose work on each document depends on nothing but that document (and its place in
/// the input), and that writes no files. A run can then resume inside an input file: documents
/// already processed are skipped rather than processed again. Every `DocumentFilter` is one.
public protocol IndependentStage: Stage {
    /// Called for `count` documents a resumed task skips at the start of its input, before any
    /// `process`: a stage that counts positions (the dedup filter) advances its count.
    mutating func skip(_ count: Int)
}

extension IndependentStage {
    public mutating func skip(_ count: Int) {}
}
