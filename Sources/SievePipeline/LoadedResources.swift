import Foundation

/// Word lists, domain lists and models loaded once per process. A run builds its stages again
/// for every input file (and once more to check the pipeline file), so without this the 4.5 M
/// domains of the URL filter, the bad-word lists and the models were read from disk each time.
/// Only values (structs) are kept: every stage gets its own copy.
enum LoadedResources {
    private static let lock = NSLock()
    nonisolated(unsafe) private static var values: [String: Any] = [:]

    /// The value loaded under `key`, loading it the first time.
    static func shared<T>(_ key: String, _ load: () throws -> T) rethrows -> T {
        let k = "\(T.self)|" + key
        if let value = lock.withLock({ values[k] }) as? T { return value }
        let value = try load()
        lock.withLock { values[k] = value }
        return value
    }
}
