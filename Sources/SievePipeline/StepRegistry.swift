import SieveCore
import SieveIO

/// What a step needs to know about where it runs.
public struct StepContext: Sendable {
    /// Relative output paths are taken from here: the run directory in `sieve run`, the current
    /// directory on the shell.
    public var outputRoot: String
    /// Names the files a step writes for this unit of work: the input file's number in a run
    /// (`00003`), so outputs do not depend on how inputs were split into tasks.
    public var shardPrefix: String
    /// Collects the output paths steps ask for, so `PipelineSpec` can check them before a run.
    var requested: RequestedPaths?
    /// Files that earlier steps of the same pipeline make for later ones, by step name (relative
    /// to `outputRoot`): a later step names one as `$NAME` (`tokenizer: $train_tokenizer`).
    public var products: [String: String] = [:]

    /// Whether the step is only being checked (the pipeline file, before a run): the products of
    /// earlier steps do not exist yet.
    var isChecking: Bool { requested != nil }

    public init(outputRoot: String = ".", shardPrefix: String = "part") {
        self.outputRoot = outputRoot
        self.shardPrefix = shardPrefix
    }

    public func outputPath(_ path: String) -> String {
        requested?.paths.append(path)
        return path.hasPrefix("/") || outputRoot == "." ? path : outputRoot + "/" + path
    }
}

/// The output paths asked for while one step is built (single-threaded: `PipelineSpec.parse`).
final class RequestedPaths: @unchecked Sendable {
    var paths: [String] = []

    /// Why `path` would write outside the run directory, or nil when it stays inside:
    /// absolute paths and any `..` component are refused (docs/reliability.md).
    static func escape(_ path: String) -> String? {
        if path.hasPrefix("/") { return "'\(path)' is absolute" }
        if path.split(separator: "/").contains("..") { return "'\(path)' leaves the run directory through '..'" }
        return nil
    }
}

/// A step that a pipeline file can name and a shell stage can run, with the same parameters.
public struct StepDefinition: Sendable {
    public let name: String
    public let summary: String
    /// The keys it takes (listed in errors and `sieve steps`).
    public let keys: [String]
    /// Whether the step consumes documents without passing them on, as the last stage of a pipe.
    public let isSink: Bool
    let build: @Sendable (inout StepParams, StepContext) throws -> any Stage
    /// For a step that needs the whole corpus: its form in a pipeline run, which splits the run
    /// into phases (`CorpusStage`); `build` is then its streaming form for shell pipes. It may
    /// return nil when the step's parameters need no corpus (`quality` without `keep_top`).
    let corpus: (@Sendable (inout StepParams, StepContext) throws -> (any CorpusStage)?)?
    /// For a step that makes a file later steps read (`train_tokenizer`): its path, relative to
    /// the run directory (`StepContext.products`).
    let product: (@Sendable (inout StepParams) throws -> String)?

    public init(name: String, summary: String, keys: [String], isSink: Bool = false,
                corpus: (@Sendable (inout StepParams, StepContext) throws -> (any CorpusStage)?)? = nil,
                product: (@Sendable (inout StepParams) throws -> String)? = nil,
                build: @escaping @Sendable (inout StepParams, StepContext) throws -> any Stage) {
        self.name = name
        self.summary = summary
        self.keys = keys
        self.isSink = isSink
        self.corpus = corpus
        self.product = product
        self.build = build
    }

    public var needsCorpus: Bool { corpus != nil }

    /// Builds the run form of a corpus-wide step (nil for an ordinary step).
    public func makeCorpus(_ params: StepParams, context: StepContext) throws -> (any CorpusStage)? {
        guard let corpus else { return nil }
        var params = params
        let stage = try corpus(&params, context)
        try params.finish(known: keys)
        return stage
    }

    /// Builds the stage; any key it did not read is reported as unknown.
    public func make(_ params: StepParams, context: StepContext) throws -> any Stage {
        var params = params
        let stage = try build(&params, context)
        try params.finish(known: keys)
        return stage
    }
}

/// An input format: a reader built from the `input:` parameters or `sieve read FORMAT` options.
public struct InputFormat: Sendable {
    public let name: String
    public let summary: String
    public let keys: [String]
    let build: @Sendable (inout StepParams) throws -> any DocumentReader

    public func make(_ params: StepParams) throws -> any DocumentReader {
        var params = params
        let reader = try build(&params)
        try params.finish(known: keys + ["format", "paths", "base_url"])
        return reader
    }
}

/// Every step and input format Sieve knows, by name.
public enum Registry {
    public static let steps: [String: StepDefinition] = Dictionary(
        uniqueKeysWithValues: builtinSteps.map { ($0.name, $0) })

    public static let inputs: [String: InputFormat] = Dictionary(
        uniqueKeysWithValues: builtinInputs.map { ($0.name, $0) })

    public static func step(_ name: String, at location: SourceLocation) throws -> StepDefinition {
        guard let step = steps[name] else {
            throw location.error(key: name, "unknown step (known steps: \(steps.keys.sorted().joined(separator: ", ")))")
        }
        return step
    }

    public static func input(_ name: String, at location: SourceLocation) throws -> InputFormat {
        guard let format = inputs[name] else {
            throw location.error(key: "format", "unknown input format '\(name)' (known: \(inputs.keys.sorted().joined(separator: ", ")))")
        }
        return format
    }
}

/// Every input format; each family lists its own in `Steps/`.
let builtinInputs: [InputFormat] = ioInputs

/// Every step; each family lists its own in `Steps/` (one file per module).
let builtinSteps: [StepDefinition] = ioSteps + textSteps + filterSteps + dedupSteps + tokenizerSteps + privacySteps + scorerSteps + mixSteps
