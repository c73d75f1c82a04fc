/// Byte tests on eight bytes at once in a 64-bit word ("SIMD within a register"), for the
/// scanning loops of the JSON codec.
enum SWAR {
    static let ones: UInt64 = 0x0101_0101_0101_0101
    static let highs: UInt64 = 0x8080_8080_8080_8080

    /// Whether any byte of `w` is zero. Exact as a yes/no answer (a borrow can only flag bytes
    /// after a real zero byte).
    @inline(__always)
    static func hasZeroByte(_ w: UInt64) -> Bool { (w &- ones) & ~w & highs != 0 }

    /// Whether any byte of `w` is `"`, `\` or below 0x20: the bytes a JSON string cannot hold
    /// as they are.
    @inline(__always)
    static func hasSpecialJSONByte(_ w: UInt64) -> Bool {
        hasZeroByte(w ^ (ones &* 0x22)) || hasZeroByte(w ^ (ones &* 0x5C)) || (w &- ones &* 0x20) & ~w & highs != 0
    }
}
