import SieveCore
import SieveIO
import Yams

/// A pipeline definition file (DESIGN §5), parsed with every value's line and column kept so
/// that a mistake is reported as `FILE:LINE:COLUMN: 'key': what is wrong` before any work starts.
///
/// ```yaml
/// version: 1
/// name: web-to-text
/// input: {format: jsonl, paths: ["fixtures/jsonl/*.jsonl.gz"]}
/// steps:
///   - write: {path: out/text, format: jsonl.zst}
/// ```
public struct PipelineSpec: Sendable {
    public struct Step: Sendable {
        public var name: String
        public var params: StepParams
        public var definition: StepDefinition
    }

    public var file: String
    /// The file's bytes, copied into the run directory; its SHA-256 identifies the spec.
    public var text: String
    public var sha256: String
    public var version: Int
    public var name: String
    public var inputFormat: InputFormat
    public var inputParams: StepParams
    public var inputPatterns: [String]
    /// `base_url:` of the input: relative entries of list files are taken under it.
    public var inputBaseURL: String?
    public var steps: [Step]
    /// `tasks:` in the file: the default for `--tasks`.
    public var tasks: Int?

    public static let supportedVersions = [1]
    /// `slurm:` in the file: options of the generated sbatch scripts.
    public var slurm = SlurmOptions()

    static let topLevelKeys = ["version", "name", "input", "steps", "tasks", "slurm", "allow_outside_outputs"]

    /// Reads and checks a pipeline file. `validate: false` skips building each step once (a task
    /// process of a run whose file its parent already checked: building loads lists and models).
    public static func load(_ path: String, validate: Bool = true) throws -> PipelineSpec {
        let bytes: [UInt8]
        do { bytes = try FileSystem.readFile(path) } catch { throw SieveError.io(path: path, message: "cannot read the pipeline file") }
        return try parse(String(decoding: bytes, as: UTF8.self), file: path, validate: validate)
    }

    public static func parse(_ text: String, file: String, validate: Bool = true) throws -> PipelineSpec {
        let root: Node
        do {
            guard let node = try Yams.compose(yaml: text) else {
                throw SieveError.spec(file: file, line: 0, column: 0, key: "", message: "the pipeline file is empty")
            }
            root = node
        } catch let error as YamlError {
            throw yamlError(error, file: file)
        }
        let top = try mapping(root, file: file, key: "pipeline")
        let here = location(root, file: file)
        for (key, node) in top where !topLevelKeys.contains(key) {
            throw location(node, file: file).error(key: key, "unknown key (a pipeline file has: \(topLevelKeys.joined(separator: ", ")))")
        }
        func required(_ key: String) throws -> Node {
            guard let node = top.first(where: { $0.0 == key })?.1 else {
                throw here.error(key: key, "missing '\(key)'")
            }
            return node
        }

        let versionNode = try required("version")
        guard let version = versionNode.int, supportedVersions.contains(version) else {
            throw location(versionNode, file: file).error(key: "version", "unsupported version (this Sieve reads version 1)")
        }
        let nameNode = try required("name")
        guard let name = nameNode.string, !name.isEmpty, name.allSatisfy({ $0.isLetter || $0.isNumber || "-_.".contains($0) }) else {
            throw location(nameNode, file: file).error(key: "name", "expected a name of letters, digits, '-', '_' or '.'")
        }
        var tasks: Int?
        if let tasksNode = top.first(where: { $0.0 == "tasks" })?.1 {
            guard let n = tasksNode.int, n >= 1 else { throw location(tasksNode, file: file).error(key: "tasks", "expected a positive integer") }
            tasks = n
        }

        // input: {format: NAME, paths: [...], reader options...}
        let inputNode = try required("input")
        var inputParams = StepParams(step: "input", location: location(inputNode, file: file),
                                     entries: try entries(inputNode, file: file, key: "input"))
        guard let formatName = try inputParams.string("format") else {
            throw location(inputNode, file: file).error(key: "format", "input needs a 'format' (known: \(Registry.inputs.keys.sorted().joined(separator: ", ")))")
        }
        let inputFormat = try Registry.input(formatName, at: inputParams.value("format")!.location)
        guard let patterns = try inputParams.strings("paths"), !patterns.isEmpty else {
            throw location(inputNode, file: file).error(key: "paths", "input needs 'paths': a list of files, globs or @lists")
        }
        let baseURL = try inputParams.string("base_url")
        _ = try inputFormat.make(inputParams)

        // Outputs stay inside the run directory unless the file says otherwise.
        var allowOutside = false
        if let node = top.first(where: { $0.0 == "allow_outside_outputs" })?.1 {
            guard let value = node.bool else { throw location(node, file: file).error(key: "allow_outside_outputs", "expected true or false") }
            allowOutside = value
        }

        // steps: a list of single-key mappings {NAME: {params}}
        let stepsNode = try required("steps")
        guard case .sequence(let sequence) = stepsNode else {
            throw location(stepsNode, file: file).error(key: "steps", "expected a list of steps")
        }
        var steps: [Step] = []
        for item in sequence {
            let pairs = try mapping(item, file: file, key: "steps")
            guard pairs.count == 1, let (stepName, paramsNode) = pairs.first else {
                throw location(item, file: file).error(key: "steps", "each step is one 'name: {parameters}' entry")
            }
            let definition = try Registry.step(stepName, at: location(item, file: file))
            let isNull = paramsNode.null != nil
            let params = StepParams(step: stepName, location: location(paramsNode, file: file),
                                    entries: isNull ? [] : try entries(paramsNode, file: file, key: stepName))
            // Building once validates every parameter before any work starts.
            guard validate else {
                steps.append(Step(name: stepName, params: params, definition: definition))
                continue
            }
            var context = StepContext()
            context.requested = RequestedPaths()
            context.products = products(of: steps)
            _ = try definition.make(params, context: context)
            if !allowOutside, let escape = context.requested!.paths.lazy.compactMap(RequestedPaths.escape).first {
                throw location(paramsNode, file: file).error(key: stepName,
                    "\(escape): outputs must stay inside the run directory (or set 'allow_outside_outputs: true')")
            }
            steps.append(Step(name: stepName, params: params, definition: definition))
        }
        guard !steps.isEmpty else { throw location(stepsNode, file: file).error(key: "steps", "a pipeline needs at least one step") }

        var slurm = SlurmOptions()
        if let slurmNode = top.first(where: { $0.0 == "slurm" })?.1 {
            slurm = try SlurmOptions.parse(StepParams(step: "slurm", location: location(slurmNode, file: file),
                                                      entries: try entries(slurmNode, file: file, key: "slurm")))
        }

        var spec = PipelineSpec(file: file, text: text, sha256: SHA256.hex(of: Array(text.utf8)), version: version, name: name,
                            inputFormat: inputFormat, inputParams: inputParams, inputPatterns: patterns, inputBaseURL: baseURL,
                            steps: steps, tasks: tasks)
        spec.slurm = slurm
        return spec
    }

    /// The files that steps `earlier` make for the steps after them (`StepContext.products`).
    static func products(of earlier: some Sequence<Step>) -> [String: String] {
        var products: [String: String] = [:]
        for step in earlier {
            var params = step.params
            if let product = try? step.definition.product?(&params) { products[step.name] = product }
        }
        return products
    }

    // MARK: - YAML nodes to parameters

    static func location(_ node: Node, file: String) -> SourceLocation {
        SourceLocation(file: file, line: node.mark?.line ?? 0, column: node.mark?.column ?? 0)
    }

    static func mapping(_ node: Node, file: String, key: String) throws -> [(String, Node)] {
        guard case .mapping(let mapping) = node else {
            throw location(node, file: file).error(key: key, "expected a mapping of 'key: value'")
        }
        var pairs: [(String, Node)] = []
        for (k, v) in mapping {
            guard let name = k.string else { throw location(k, file: file).error(key: key, "keys must be strings") }
            if pairs.contains(where: { $0.0 == name }) { throw location(k, file: file).error(key: name, "duplicate key") }
            pairs.append((name, v))
        }
        return pairs
    }

    static func entries(_ node: Node, file: String, key: String) throws -> [(key: String, value: ParamValue)] {
        try mapping(node, file: file, key: key).map { ($0.0, try value($0.1, file: file, key: $0.0)) }
    }

    static func value(_ node: Node, file: String, key: String) throws -> ParamValue {
        let here = location(node, file: file)
        switch node {
        case .scalar(let scalar): return .scalar(scalar.string, here)
        case .sequence(let sequence): return .list(try sequence.map { try value($0, file: file, key: key) }, here)
        case .mapping: return .map(try entries(node, file: file, key: key), here)
        case .alias: throw here.error(key: key, "YAML aliases are not supported in pipeline files")
        }
    }

    static func yamlError(_ error: YamlError, file: String) -> SieveError {
        switch error {
        case let .scanner(_, problem, mark, _), let .parser(_, problem, mark, _), let .composer(_, problem, mark, _):
            return .spec(file: file, line: mark.line, column: mark.column, key: "", message: "invalid YAML: \(problem)")
        case let .duplicatedKeysInMapping(duplicates, _):
            return .spec(file: file, line: 0, column: 0, key: duplicates.first ?? "", message: "duplicate key")
        default:
            return .spec(file: file, line: 0, column: 0, key: "", message: "invalid YAML: \(error)")
        }
    }
}
