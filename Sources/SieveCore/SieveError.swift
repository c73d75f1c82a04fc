/// Errors that stop a command or a task. Each prints as one line that says what went wrong
/// and where; bad documents are not errors (they are skipped and counted).
public enum SieveError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A mistake in a pipeline file or a stage's parameters, with its place.
    case spec(file: String, line: Int, column: Int, key: String, message: String)
    /// A mistake on the command line.
    case usage(String)
    /// A file that cannot be opened, read or written.
    case io(path: String, message: String)
    /// Input that is broken in a way that stops the whole file, with the byte offset.
    case corrupt(path: String, offset: Int64, message: String)
    /// Anything else, said plainly.
    case failed(String)

    public var description: String {
        switch self {
        case let .spec(file, line, column, key, message):
            let place = line > 0 ? "\(file):\(line):\(column)" : file
            return key.isEmpty ? "\(place): \(message)" : "\(place): '\(key)': \(message)"
        case let .usage(message): return message
        case let .io(path, message): return "\(path): \(message)"
        case let .corrupt(path, offset, message): return "\(path) at byte \(offset): \(message)"
        case let .failed(message): return message
        }
    }
}
