/// A step that can decide about a document only after it has seen the whole corpus (dedup; later
/// percentile cut-offs, tokenizer training). In a pipeline run it splits the steps into phases
/// with barriers between them (DESIGN §6):
///
/// 1. the steps before it run per input file and their documents go to `collector(file:)` (which
///    writes per-file facts under `work`) while the runner stages the documents themselves, in
///    order, in `work/staged/FILE.jsonl.zst` (FILE: the input file's number, five digits), which
///    a reduce may read too (`train_tokenizer` reads its sample's texts there);
/// 2. its `reducePhases` run in order, each as independent parallel tasks (`reduce`);
/// 3. per input file, `filter(file:)` reads the staged documents in the same order and decides,
///    and the steps after it go on.
///
/// Every file it writes is named by input file, partition or task number, never by the worker
/// that wrote it, so results are identical for any number of tasks. On the shell the same step
/// runs as an ordinary streaming `Stage` instead (in memory, first by input order survives).
///
/// A step whose reduce needs no document (`needsDocuments` false: decontamination indexes the
/// evaluation sets, not the corpus) does not cut the run: its reduce phases run before the first
/// phase, and its `filter(file:)` stands in the segment where the step is, with nothing
/// collected or staged.
public protocol CorpusStage: Sendable {
    /// Reduce phases between collecting and filtering: a short name and the number of tasks.
    var reducePhases: [(name: String, tasks: Int)] { get }
    /// Whether the reduce needs the documents that reach the step (default true).
    var needsDocuments: Bool { get }
    /// Consumes the documents of input file `file` in order (passing none on) and writes what
    /// the reduce needs under `work`.
    func collector(file: Int, work: String) throws -> any Stage
    /// Runs task `task` of reduce phase `phase` (an index into `reducePhases`).
    func reduce(phase: Int, task: Int, work: String, stats: inout StageStats) throws
    /// Decides about the documents of input file `file`, given in the order they were collected.
    func filter(file: Int, work: String) throws -> any Stage
}

extension CorpusStage {
    public var needsDocuments: Bool { true }
}
