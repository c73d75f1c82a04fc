#if canImport(Glibc)
import Glibc
#endif

/// The element type of the model: `Float` for training, `Double` for the finite-difference
/// gradient checks. Every layer is written once, generic over this; the compiler specialises
/// it for `Float` inside the module.
public protocol ModelScalar: BinaryFloatingPoint, SIMDScalar, Sendable {
    /// C[m×n] = alpha · op(A) · op(B) + beta · C, row-major (see `BLAS.sgemm`).
    static func gemm(transA: Bool, transB: Bool, m: Int, n: Int, k: Int, alpha: Self,
                     a: UnsafePointer<Self>, lda: Int, b: UnsafePointer<Self>, ldb: Int,
                     beta: Self, c: UnsafeMutablePointer<Self>, ldc: Int)
    static func exp(_ x: Self) -> Self
    static func log(_ x: Self) -> Self
}

extension ModelScalar {
    /// tanh through `exp`, so that it vectorises with the fast `Float.exp`: tanh u = 1 − 2/(e^{2u} + 1).
    @inline(__always) static func tanh(_ u: Self) -> Self { 1 - 2 / (exp(2 * u) + 1) }
}

extension Float: ModelScalar {
    @inline(__always)
    public static func gemm(transA: Bool, transB: Bool, m: Int, n: Int, k: Int, alpha: Float,
                            a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
                            beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int) {
        BLAS.sgemm(transA: transA, transB: transB, m: m, n: n, k: k, alpha: alpha, a: a, lda: lda,
                   b: b, ldb: ldb, beta: beta, c: c, ldc: ldc)
    }

    /// e^x without branches or calls, so loops over it vectorise: Cody–Waite reduction
    /// x = n·ln2 + r, then Cephes' `expf` polynomial for e^r (relative error ≈ 2e-7), scaled by 2^n
    /// built in the exponent bits. Inputs are clamped to [−87.3, 88.3] (results stay normal).
    @inline(__always) public static func exp(_ x: Float) -> Float {
        let x = Swift.min(Swift.max(x, -87.3), 88.3)
        let n = (x * 1.44269504088896341).rounded(.toNearestOrEven)
        let r = x - n * 0.693359375 + n * 2.12194440e-4
        var p: Float = 1.9875691500e-4
        p = p * r + 1.3981999507e-3
        p = p * r + 8.3334519073e-3
        p = p * r + 4.1665795894e-2
        p = p * r + 1.6666665459e-1
        p = p * r + 5.0000001201e-1
        p = p * (r * r) + r + 1
        return p * Float(bitPattern: UInt32(bitPattern: Int32(n) &+ 127) &<< 23)
    }

    @inline(__always) public static func log(_ x: Float) -> Float { logf(x) }
}

extension Double: ModelScalar {
    @inline(__always)
    public static func gemm(transA: Bool, transB: Bool, m: Int, n: Int, k: Int, alpha: Double,
                            a: UnsafePointer<Double>, lda: Int, b: UnsafePointer<Double>, ldb: Int,
                            beta: Double, c: UnsafeMutablePointer<Double>, ldc: Int) {
        BLAS.dgemm(transA: transA, transB: transB, m: m, n: n, k: k, alpha: alpha, a: a, lda: lda,
                   b: b, ldb: ldb, beta: beta, c: c, ldc: ldc)
    }

    @inline(__always) public static func exp(_ x: Double) -> Double { Glibc.exp(x) }
    @inline(__always) public static func log(_ x: Double) -> Double { Glibc.log(x) }
}
