import SieveCore

/// Where a value was written: a pipeline file's line and column, or a command-line option.
public struct SourceLocation: Sendable, Hashable {
    public var file: String
    public var line: Int
    public var column: Int

    public init(file: String, line: Int = 0, column: Int = 0) {
        self.file = file
        self.line = line
        self.column = column
    }

    /// A command-line option has no line; its "file" names the command.
    public static func commandLine(_ command: String) -> SourceLocation { SourceLocation(file: command) }

    public func error(key: String, _ message: String) -> SieveError {
        .spec(file: file, line: line, column: column, key: key, message: message)
    }
}

/// A parameter value as written, before a step gives it a type.
public indirect enum ParamValue: Sendable {
    case scalar(String, SourceLocation)
    case list([ParamValue], SourceLocation)
    case map([(key: String, value: ParamValue)], SourceLocation)

    public var location: SourceLocation {
        switch self {
        case .scalar(_, let l), .list(_, let l), .map(_, let l): l
        }
    }

    var kindName: String {
        switch self {
        case .scalar: "a single value"
        case .list: "a list"
        case .map: "a mapping"
        }
    }
}

/// The parameters of one step (or of the input), read with types. Every key a step reads is
/// marked used; `finish()` then reports any key the step does not know, with its place, so a
/// typo never passes silently.
public struct StepParams: Sendable {
    public let step: String
    public let location: SourceLocation
    private var entries: [(key: String, value: ParamValue)]
    private var used: Set<String> = []

    public init(step: String, location: SourceLocation, entries: [(key: String, value: ParamValue)] = []) {
        self.step = step
        self.location = location
        self.entries = entries
    }

    /// Parameters from `--key value` pairs (a flag without a value is `true`); `_` and `-` in
    /// keys are the same.
    public static func commandLine(step: String, arguments: [String]) throws -> StepParams {
        var entries: [(key: String, value: ParamValue)] = []
        let here = SourceLocation.commandLine("sieve \(step)")
        var k = 0
        while k < arguments.count {
            let argument = arguments[k]
            guard argument.hasPrefix("--"), argument.count > 2 else {
                throw SieveError.usage("sieve \(step): unexpected argument '\(argument)' (options are --key value)")
            }
            var key = String(argument.dropFirst(2))
            var value: String
            if let eq = key.firstIndex(of: "=") {
                value = String(key[key.index(after: eq)...])
                key = String(key[..<eq])
            } else if k + 1 < arguments.count, !arguments[k + 1].hasPrefix("--") {
                value = arguments[k + 1]
                k += 1
            } else {
                value = "true"
            }
            entries.append((key.replacingDashes, .scalar(value, here)))
            k += 1
        }
        return StepParams(step: step, location: here, entries: entries)
    }

    public var isEmpty: Bool { entries.isEmpty }

    /// Adds or replaces a value (the command line's positional arguments).
    public mutating func set(_ key: String, _ value: ParamValue) {
        entries.removeAll { $0.key == key }
        entries.append((key, value))
    }

    public mutating func value(_ key: String) -> ParamValue? {
        guard let entry = entries.last(where: { $0.key == key }) else { return nil }
        used.insert(key)
        return entry.value
    }

    private mutating func scalar(_ key: String, _ type: String) throws -> (String, SourceLocation)? {
        guard let value = value(key) else { return nil }
        guard case .scalar(let text, let location) = value else {
            throw value.location.error(key: key, "expected \(type), found \(value.kindName)")
        }
        return (text, location)
    }

    public mutating func string(_ key: String) throws -> String? { try scalar(key, "a string")?.0 }

    public mutating func string(_ key: String, default fallback: String) throws -> String {
        try string(key) ?? fallback
    }

    public mutating func requiredString(_ key: String) throws -> String {
        guard let s = try string(key) else { throw location.error(key: key, "step '\(step)' needs '\(key)'") }
        return s
    }

    /// One of `choices`.
    public mutating func choice(_ key: String, _ choices: [String], default fallback: String) throws -> String {
        guard let (text, location) = try scalar(key, "one of \(choices.joined(separator: ", "))") else { return fallback }
        guard choices.contains(text) else {
            throw location.error(key: key, "'\(text)' is not one of \(choices.joined(separator: ", "))")
        }
        return text
    }

    public mutating func int(_ key: String, default fallback: Int, range: ClosedRange<Int> = Int.min...Int.max) throws -> Int {
        guard let (text, location) = try scalar(key, "an integer") else { return fallback }
        guard let n = Int(text.replacingOccurrences("_", "")) else { throw location.error(key: key, "'\(text)' is not an integer") }
        guard range.contains(n) else { throw location.error(key: key, "\(n) is outside \(range.lowerBound)...\(range.upperBound)") }
        return n
    }

    public mutating func double(_ key: String, default fallback: Double, range: ClosedRange<Double> = -.infinity...(.infinity)) throws -> Double {
        guard let (text, location) = try scalar(key, "a number") else { return fallback }
        guard let x = Double(text) else { throw location.error(key: key, "'\(text)' is not a number") }
        guard range.contains(x) else { throw location.error(key: key, "\(x) is outside \(range.lowerBound)...\(range.upperBound)") }
        return x
    }

    public mutating func bool(_ key: String, default fallback: Bool) throws -> Bool {
        guard let (text, location) = try scalar(key, "true or false") else { return fallback }
        switch text.lowercased() {
        case "true", "yes", "on", "1": return true
        case "false", "no", "off", "0": return false
        default: throw location.error(key: key, "'\(text)' is not true or false")
        }
    }

    /// A size in bytes: `1048576`, `512KB`, `256MB`, `2GiB` (KB/MB/GB are powers of 1024, as in
    /// datatrove's `max_file_size`).
    public mutating func bytes(_ key: String, default fallback: Int64) throws -> Int64 {
        guard let (text, location) = try scalar(key, "a size such as 256MB") else { return fallback }
        guard let n = parseByteSize(text), n > 0 else { throw location.error(key: key, "'\(text)' is not a size such as 256MB") }
        return n
    }

    /// A list of strings: a YAML list, or one comma-separated value.
    public mutating func strings(_ key: String) throws -> [String]? {
        guard let value = value(key) else { return nil }
        switch value {
        case .scalar(let text, _):
            return text.split(separator: ",").map { String($0).trimmingWhitespace }.filter { !$0.isEmpty }
        case .list(let items, _):
            return try items.map {
                guard case .scalar(let s, _) = $0 else { throw $0.location.error(key: key, "expected a list of strings") }
                return s
            }
        case .map(_, let location):
            throw location.error(key: key, "expected a list, found a mapping")
        }
    }

    /// Reports the first key no step read: an unknown key is a mistake, not an option to ignore.
    public func finish(known: [String] = []) throws {
        for entry in entries where !used.contains(entry.key) {
            let spelled = known.isEmpty ? "" : " (this step takes: \(known.sorted().joined(separator: ", ")))"
            throw entry.value.location.error(key: entry.key, "unknown key for '\(step)'\(spelled)")
        }
    }

    /// The keys this step has read so far (to list them in errors).
    public var usedKeys: [String] { Array(used) }
}

/// Parses `256MB`, `1.5 GiB`, `4096`, … into bytes.
public func parseByteSize(_ text: String) -> Int64? {
    let t = text.trimmingWhitespace.uppercased().replacingOccurrences("_", "")
    let units: [(String, Int64)] = [
        ("TIB", 1 << 40), ("GIB", 1 << 30), ("MIB", 1 << 20), ("KIB", 1 << 10),
        ("TB", 1 << 40), ("GB", 1 << 30), ("MB", 1 << 20), ("KB", 1 << 10),
        ("T", 1 << 40), ("G", 1 << 30), ("M", 1 << 20), ("K", 1 << 10), ("B", 1),
    ]
    for (suffix, scale) in units where t.hasSuffix(suffix) {
        // Int64(exactly:) is nil for NaN, infinities and sizes past Int64 (a fuzzed `1e400MB`).
        guard let x = Double(t.dropLast(suffix.count).trimmingWhitespace) else { return nil }
        return Int64(exactly: (x * Double(scale)).rounded(.down))
    }
    return Int64(t)
}

extension String {
    var replacingDashes: String { replacingOccurrences("-", "_") }

    func replacingOccurrences(_ target: Character, _ replacement: String) -> String {
        var out = ""
        for c in self { if c == target { out += replacement } else { out.append(c) } }
        return out
    }

    var trimmingWhitespace: String {
        var s = Substring(self)
        while let c = s.first, c.isWhitespace { s.removeFirst() }
        while let c = s.last, c.isWhitespace { s.removeLast() }
        return String(s)
    }
}

extension Substring {
    var trimmingWhitespace: String { String(self).trimmingWhitespace }
}
