/// 64-bit hashes of UTF-8 bytes, so that sets of lines, paragraphs and n-grams compare code
/// points exactly as Python's `str` does (Swift's `String` equality would fold canonically
/// equivalent spellings together, and hashes them more slowly). With 64 bits, two different
/// strings of one document collide with probability about n²/2⁶⁵: never, in practice.
public enum TextHash {
    static let seed: UInt64 = 0xCBF2_9CE4_8422_2325
    static let prime: UInt64 = 0x0000_0100_0000_01B3

    /// FNV-1a of the bytes, finalized (so that nearby inputs spread over all bits).
    @inline(__always)
    public static func of(_ s: Substring) -> UInt64 {
        var h = seed
        for b in s.utf8 { h = (h ^ UInt64(b)) &* prime }
        return mix(h)
    }

    /// The same hash, of raw bytes.
    @inline(__always)
    public static func of(bytes: UnsafeRawBufferPointer) -> UInt64 {
        var h = seed
        for b in bytes { h = (h ^ UInt64(b)) &* prime }
        return mix(h)
    }

    /// The hash of `a` and `b` (an ordered pair).
    @inline(__always)
    public static func combine(_ a: UInt64, _ b: UInt64) -> UInt64 {
        mix(a &* 0x9E37_79B9_7F4A_7C15 ^ b)
    }

    /// MurmurHash3's 64-bit finalizer.
    @inline(__always)
    public static func mix(_ x: UInt64) -> UInt64 {
        var x = x
        x ^= x >> 33
        x = x &* 0xFF51_AFD7_ED55_8CCD
        x ^= x >> 33
        x = x &* 0xC4CE_B9FE_1A85_EC53
        x ^= x >> 33
        return x
    }
}

/// What datatrove's `find_duplicates` counts over `items`: how many repeat an earlier one, and
/// their total length in code points.
func findDuplicates(_ items: [Substring]) -> (elements: Int, characters: Int) {
    var seen = Set<UInt64>(minimumCapacity: items.count)
    var elements = 0
    var characters = 0
    for item in items where !seen.insert(TextHash.of(item)).inserted {
        elements += 1
        characters += item.unicodeScalars.count
    }
    return (elements, characters)
}
