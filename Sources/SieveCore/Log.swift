#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Lines for people, on standard error (in a pipeline run, the task's file under `logs/`).
public enum Log {
    public static func info(_ message: String) { write("sieve: " + message + "\n") }
    public static func warning(_ message: String) { if warnings { write("sieve: warning: " + message + "\n") } }

    /// Whether warnings are written, for the current task (`Log.$warnings.withValue(false) { … }`):
    /// fuzzing turns them off, every mutant would print some.
    @TaskLocal public static var warnings = true

    /// Writes raw text to standard error in one call, so lines of concurrent writers do not interleave.
    public static func write(_ text: String) {
        var text = text
        text.withUTF8 { buffer in
            var offset = 0
            while offset < buffer.count {
                let n = Glibc.write(2, buffer.baseAddress! + offset, buffer.count - offset)
                if n <= 0 { return }
                offset += n
            }
        }
    }

    /// Sends standard error to the end of `path` from now on (a task's log in its run directory).
    public static func redirect(to path: String) throws {
        let fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw SieveError.io(path: path, message: String(cString: strerror(errno))) }
        dup2(fd, 2)
        close(fd)
    }

    /// Whether standard error is a terminal (progress lines are shown only then).
    public static var isTerminal: Bool { isatty(2) == 1 }
}
