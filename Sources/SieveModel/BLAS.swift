import COpenBLAS

/// Matrix products through OpenBLAS's `cblas_sgemm` (and `cblas_dgemm` for the double-precision
/// gradient checks), row-major. The one Swift file that imports OpenBLAS; the model code calls these.
public enum BLAS {
    /// C[m×n] = alpha · op(A) · op(B) + beta · C, where op(A) is m×k and op(B) is k×n.
    /// `lda`, `ldb`, `ldc` are row strides (defaults: the matrices are dense).
    public static func sgemm(
        transA: Bool = false, transB: Bool = false,
        m: Int, n: Int, k: Int, alpha: Float = 1,
        a: UnsafePointer<Float>, lda: Int? = nil,
        b: UnsafePointer<Float>, ldb: Int? = nil,
        beta: Float = 0,
        c: UnsafeMutablePointer<Float>, ldc: Int? = nil
    ) {
        cblas_sgemm(
            CblasRowMajor, transA ? CblasTrans : CblasNoTrans, transB ? CblasTrans : CblasNoTrans,
            blasint(m), blasint(n), blasint(k), alpha,
            a, blasint(lda ?? (transA ? m : k)),
            b, blasint(ldb ?? (transB ? k : n)),
            beta, c, blasint(ldc ?? n))
    }

    /// `sgemm` in double precision.
    public static func dgemm(
        transA: Bool = false, transB: Bool = false,
        m: Int, n: Int, k: Int, alpha: Double = 1,
        a: UnsafePointer<Double>, lda: Int? = nil,
        b: UnsafePointer<Double>, ldb: Int? = nil,
        beta: Double = 0,
        c: UnsafeMutablePointer<Double>, ldc: Int? = nil
    ) {
        cblas_dgemm(
            CblasRowMajor, transA ? CblasTrans : CblasNoTrans, transB ? CblasTrans : CblasNoTrans,
            blasint(m), blasint(n), blasint(k), alpha,
            a, blasint(lda ?? (transA ? m : k)),
            b, blasint(ldb ?? (transB ? k : n)),
            beta, c, blasint(ldc ?? n))
    }

    /// Runs `body` with OpenBLAS on one thread (for products issued from several threads at once).
    public static func singleThreaded<R>(_ body: () throws -> R) rethrows -> R {
        let saved = threads
        threads = 1
        defer { threads = saved }
        return try body()
    }

    /// The number of threads OpenBLAS uses.
    public static var threads: Int {
        get { Int(openblas_get_num_threads()) }
        set { openblas_set_num_threads(Int32(newValue)) }
    }
}
