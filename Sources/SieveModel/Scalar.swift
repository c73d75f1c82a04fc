#if canImport(Glibc)
import Glibc
#endif

/// The element type of the model: `Float` for training, `Double` for the finite-difference
/// gradient checks. Every layer is written once, generic over this; the compiler specialises
/// it for `Float` inside the module.
public protocol ModelScalar: BinaryFloatingPoint, SIMDScalar, Sendable, Codable {
    /// C[m×n] = alpha · op(A) · op(B) + beta · C, row-major (see `BLAS.sgemm`).
    static func gemm(transA: Bool, transB: Bool, m: Int, n: Int, k: Int, alpha: Self,
                     a: UnsafePointer<Self>, lda: Int, b: UnsafePointer<Self>, ldb: Int,
                     beta: Self, c: UnsafeMutablePointer<Self>, ldc: Int)
    static func exp(_ x: Self) -> Self
    /// e^x in eight lanes.
    static func exp(_ x: SIMD8<Self>) -> SIMD8<Self>
    static func log(_ x: Self) -> Self
}

extension ModelScalar {
    /// tanh through `exp`, so that it vectorises with the fast `Float.exp`: tanh u = 1 − 2/(e^{2u} + 1).
    @inlinable @inline(__always) static func tanh(_ u: SIMD8<Self>) -> SIMD8<Self> { 1 - 2 / (exp(2 * u) + 1) }
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
    /// built in the exponent bits. n is rounded by adding and subtracting 1.5·2²³ (no `rintf` call).
    /// Inputs are clamped to [−87.3, 88.3] (results stay normal).
    @inlinable @inline(__always) public static func exp(_ x: SIMD8<Float>) -> SIMD8<Float> {
        var x = x
        x.replace(with: -87.3, where: x .< -87.3)
        x.replace(with: 88.3, where: x .> 88.3)
        let shifted = x * 1.44269504088896341 + 12582912  // 1.5·2²³: its low mantissa bits hold round(x·log2 e)
        let n = shifted - 12582912
        let r = x - n * 0.693359375 + n * 2.12194440e-4
        var p = SIMD8<Float>(repeating: 1.9875691500e-4)
        p = p * r + 1.3981999507e-3
        p = p * r + 8.3334519073e-3
        p = p * r + 4.1665795894e-2
        p = p * r + 1.6666665459e-1
        p = p * r + 5.0000001201e-1
        p = p * (r * r) + r + 1
        let bits = (unsafeBitCast(shifted, to: SIMD8<UInt32>.self) &- 0x4B40_0000 &+ 127) &<< 23
        return p * unsafeBitCast(bits, to: SIMD8<Float>.self)
    }

    @inlinable @inline(__always) public static func exp(_ x: Float) -> Float { exp(SIMD8(repeating: x))[0] }

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
    @inline(__always) public static func exp(_ x: SIMD8<Double>) -> SIMD8<Double> {
        var y = x
        for k in 0..<8 { y[k] = Glibc.exp(x[k]) }
        return y
    }
    @inline(__always) public static func log(_ x: Double) -> Double { Glibc.log(x) }
}

/// Reductions in eight lanes (SIMD8), for loops the compiler would otherwise keep scalar (a float
/// sum cannot be reordered automatically). The lane order is fixed, so results are deterministic.
@usableFromInline enum Vector {
    @inlinable @inline(__always) static func load<T: ModelScalar>(_ p: UnsafePointer<T>) -> SIMD8<T> {
        UnsafeRawPointer(p).loadUnaligned(as: SIMD8<T>.self)
    }

    /// The first `k` (≤ 8) values at p, zeros after.
    @inlinable @inline(__always) static func load<T: ModelScalar>(_ p: UnsafePointer<T>, _ k: Int) -> SIMD8<T> {
        if k == 8 { return load(p) }
        var v = SIMD8<T>(repeating: 0)
        for j in 0..<k { v[j] = p[j] }
        return v
    }

    /// Stores the first `k` (≤ 8) lanes of v at p.
    @inlinable @inline(__always) static func store<T: ModelScalar>(_ v: SIMD8<T>, _ p: UnsafeMutablePointer<T>, _ k: Int) {
        if k == 8 { UnsafeMutableRawPointer(p).storeBytes(of: v, as: SIMD8<T>.self); return }
        for j in 0..<k { p[j] = v[j] }
    }

    /// out[i] = f(in[i]) for i in `range`, eight at a time.
    @inlinable @inline(__always) static func map(_ range: Range<Int>, _ f: (Int, Int) -> Void) {
        var i = range.lowerBound
        while i < range.upperBound {
            f(i, Swift.min(8, range.upperBound - i))
            i += 8
        }
    }

    /// Σ p[0..<n]
    @inlinable @inline(__always) static func sum<T: ModelScalar>(_ p: UnsafePointer<T>, _ n: Int) -> T {
        var lanes = SIMD8<T>(repeating: 0), i = 0
        while i + 8 <= n { lanes += load(p + i); i += 8 }
        var s = lanes.sum()
        while i < n { s += p[i]; i += 1 }
        return s
    }

    /// Σ a[i]·b[i] over 0..<n
    @inlinable @inline(__always) static func dot<T: ModelScalar>(_ a: UnsafePointer<T>, _ b: UnsafePointer<T>, _ n: Int) -> T {
        var lanes = SIMD8<T>(repeating: 0), i = 0
        while i + 8 <= n { lanes += load(a + i) * load(b + i); i += 8 }
        var s = lanes.sum()
        while i < n { s += a[i] * b[i]; i += 1 }
        return s
    }

    /// max p[0..<n] (n ≥ 1), in eight independent running maxima.
    @inlinable @inline(__always) static func max<T: ModelScalar>(_ p: UnsafePointer<T>, _ n: Int) -> T {
        var m = (p[0], p[0], p[0], p[0], p[0], p[0], p[0], p[0]), i = 0
        while i + 8 <= n {
            m = (Swift.max(m.0, p[i]), Swift.max(m.1, p[i + 1]), Swift.max(m.2, p[i + 2]), Swift.max(m.3, p[i + 3]),
                 Swift.max(m.4, p[i + 4]), Swift.max(m.5, p[i + 5]), Swift.max(m.6, p[i + 6]), Swift.max(m.7, p[i + 7]))
            i += 8
        }
        var r = Swift.max(Swift.max(Swift.max(m.0, m.1), Swift.max(m.2, m.3)), Swift.max(Swift.max(m.4, m.5), Swift.max(m.6, m.7)))
        while i < n { r = Swift.max(r, p[i]); i += 1 }
        return r
    }

    /// Σ e^(p[i] − shift) over 0..<n.
    @inlinable @inline(__always) static func sumExp<T: ModelScalar>(_ p: UnsafePointer<T>, _ n: Int, minus shift: T) -> T {
        var lanes = SIMD8<T>(repeating: 0), i = 0
        while i + 8 <= n { lanes += T.exp(load(p + i) - shift); i += 8 }
        var s = lanes.sum()
        while i < n { s += T.exp(p[i] - shift); i += 1 }
        return s
    }

    /// p[i] = e^(p[i] − shift) for i in 0..<n; returns their sum.
    @inlinable @inline(__always) static func expInPlace<T: ModelScalar>(_ p: UnsafeMutablePointer<T>, _ n: Int, minus shift: T) -> T {
        var lanes = SIMD8<T>(repeating: 0)
        map(0..<n) { i, k in
            let e = T.exp(load(p + i, k) - shift)
            store(e, p + i, k)
            if k == 8 { lanes += e } else { for j in 0..<k { lanes[j] += e[j] } }
        }
        return lanes.sum()
    }
}
