import Dispatch

/// Spreads the non-GEMM work over the cores. Elementwise work is split into one contiguous
/// range per thread; reductions use a fixed number of chunks, whatever the thread count, and add
/// the partial results in chunk order, so that results never depend on scheduling.
public enum Parallel {
    /// Threads for the non-GEMM work (the trainer sets it together with `BLAS.threads`).
    nonisolated(unsafe) public static var threads = 1

    /// Calls `body` on disjoint ranges covering 0..<count, in parallel when each range would get
    /// at least `grain` items.
    @inline(__always)
    static func forRanges(_ count: Int, grain: Int = 1, _ body: (Range<Int>) -> Void) {
        let parts = Swift.min(threads, Swift.max(1, count / Swift.max(grain, 1)))
        if parts <= 1 { body(0..<count); return }
        // The ranges are disjoint, so the work may share the (unsafe) pointers it captures.
        nonisolated(unsafe) let work = body
        DispatchQueue.concurrentPerform(iterations: parts) { p in
            work(count * p / parts ..< count * (p + 1) / parts)
        }
    }

    /// The fixed number of chunks reductions over rows use.
    static let reductionChunks = 16

    /// Sums per-row contributions into `out[0..<width]` (`+=`): `row(i, partial)` adds row i's
    /// contribution into a chunk's zeroed partial vector; partials are added in chunk order.
    static func reduceRows<T: ModelScalar>(_ rows: Int, width: Int, into out: UnsafeMutablePointer<T>,
                                           _ row: (Int, UnsafeMutablePointer<T>) -> Void) {
        let chunks = Swift.min(reductionChunks, Swift.max(rows, 1))
        let partials = UnsafeMutablePointer<T>.allocate(capacity: chunks * width)
        defer { partials.deallocate() }
        partials.initialize(repeating: 0, count: chunks * width)
        forRanges(chunks) { range in
            for c in range {
                let partial = partials + c * width
                for i in rows * c / chunks ..< rows * (c + 1) / chunks { row(i, partial) }
            }
        }
        for c in 0..<chunks {
            let partial = partials + c * width
            for j in 0..<width { out[j] += partial[j] }
        }
    }

    /// Σ term(range) over fixed chunks of 0..<count, added in chunk order (in Double).
    static func sum(_ count: Int, _ term: (Range<Int>) -> Double) -> Double {
        let chunks = Swift.min(reductionChunks, Swift.max(count, 1))
        var partials = [Double](repeating: 0, count: chunks)
        partials.withUnsafeMutableBufferPointer { out in
            let out = out.baseAddress!
            forRanges(chunks) { range in
                for c in range { out[c] = term(count * c / chunks ..< count * (c + 1) / chunks) }
            }
        }
        return partials.reduce(0, +)
    }
}
