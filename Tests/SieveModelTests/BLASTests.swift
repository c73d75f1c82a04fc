import Testing
@testable import SieveModel

@Suite struct BLASTests {
    /// Row-major naive product of op(A) (m×k) and op(B) (k×n).
    func naive(_ a: [Float], _ b: [Float], m: Int, n: Int, k: Int, transA: Bool, transB: Bool) -> [Float] {
        var c = [Float](repeating: 0, count: m * n)
        for i in 0..<m {
            for j in 0..<n {
                var s: Float = 0
                for p in 0..<k {
                    s += (transA ? a[p * m + i] : a[i * k + p]) * (transB ? b[j * k + p] : b[p * n + j])
                }
                c[i * n + j] = s
            }
        }
        return c
    }

    @Test(arguments: [(false, false), (true, false), (false, true), (true, true)])
    func sgemmMatchesTheNaiveProduct(transA: Bool, transB: Bool) {
        var generator = SystemRandomNumberGenerator()
        let (m, n, k) = (37, 23, 51)
        let a = (0..<(m * k)).map { _ in Float.random(in: -1...1, using: &generator) }
        let b = (0..<(k * n)).map { _ in Float.random(in: -1...1, using: &generator) }
        var c = [Float](repeating: 0, count: m * n)
        BLAS.sgemm(transA: transA, transB: transB, m: m, n: n, k: k, a: a, b: b, c: &c)
        let expected = naive(a, b, m: m, n: n, k: k, transA: transA, transB: transB)
        for (x, y) in zip(c, expected) { #expect(abs(x - y) < 1e-4) }
    }
}
