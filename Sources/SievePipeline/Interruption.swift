#if canImport(Glibc)
import Glibc
#endif

/// SIGINT and SIGTERM stop a run at a batch boundary (DESIGN §6, docs/reliability.md).
///
/// The handler only records the signal. A task process finishes the batch it is processing,
/// then stops without its completion marker: its outputs were written under temporary names
/// and are removed, so nothing partial appears under a final name. The `sieve run` parent
/// forwards the signal to its task processes, starts no new task, waits for the running ones
/// and says how to resume. SIGXFSZ (a file-size limit) is ignored so that a write over the
/// limit fails with EFBIG and is reported like a full disk.
public enum Interruption {
    /// The signal received (SIGINT or SIGTERM), or nil.
    public static var signal: Int32? {
        let s = receivedSignal
        return s == 0 ? nil : s
    }

    /// Installs the handlers (without SA_RESTART, so a blocked `waitpid` returns to check).
    public static func install() {
        var action = sigaction()
        action.__sigaction_handler.sa_handler = { receivedSignal = $0 }
        sigemptyset(&action.sa_mask)
        action.sa_flags = 0
        sigaction(SIGINT, &action, nil)
        sigaction(SIGTERM, &action, nil)
        // A launcher may have left them blocked (and blocked signals are inherited).
        var set = sigset_t()
        sigemptyset(&set)
        sigaddset(&set, SIGINT)
        sigaddset(&set, SIGTERM)
        sigprocmask(SIG_UNBLOCK, &set, nil)
        Glibc.signal(SIGXFSZ, SIG_IGN)
    }

    /// The signal's name for messages.
    public static func name(_ signal: Int32) -> String { signal == SIGINT ? "SIGINT" : signal == SIGTERM ? "SIGTERM" : "signal \(signal)" }
}

/// Written only by the signal handler (a plain word store), read at batch boundaries.
nonisolated(unsafe) private var receivedSignal: Int32 = 0
