import Dispatch

/// Runs `body(0)`…`body(count - 1)` at once, one per thread, and returns when all are done. The
/// caller guarantees that the calls share nothing mutable (each writes its own slot).
public func runInParallel(_ count: Int, _ body: (Int) -> Void) {
    guard count > 1 else {
        if count == 1 { body(0) }
        return
    }
    withoutActuallyEscaping(body) { body in
        nonisolated(unsafe) let body = body
        DispatchQueue.concurrentPerform(iterations: count) { body($0) }
    }
}
