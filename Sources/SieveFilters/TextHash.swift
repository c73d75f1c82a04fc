import SieveText

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
        if let h = s.utf8.withContiguousStorageIfAvailable({ of(bytes: UnsafeRawBufferPointer($0)) }) { return h }
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

/// A reusable hash table from well-mixed 64-bit hashes to a count and a first position: open
/// addressing with linear probing, emptied in O(1) by a generation stamp. It replaces Swift's
/// `Set`/`Dictionary` (which rehash every key with SipHash) on the n-gram hot path. Not
/// thread-safe: each filter instance owns one.
final class HashCounter {
    private var keys = UnsafeMutablePointer<UInt64>.allocate(capacity: 0)
    private var counts = UnsafeMutablePointer<Int32>.allocate(capacity: 0)
    private var firsts = UnsafeMutablePointer<Int32>.allocate(capacity: 0)
    private var stamps = UnsafeMutablePointer<UInt32>.allocate(capacity: 0)
    private var size = 0
    private var generation: UInt32 = 0
    private var mask = 0

    deinit { release() }

    private func release() {
        keys.deallocate()
        counts.deallocate()
        firsts.deallocate()
        stamps.deallocate()
    }

    /// Empties the table, sized for `capacity` keys.
    func reset(capacity: Int) {
        let wanted = max(16, (capacity * 2).nextPowerOfTwo)
        if wanted > size {
            release()
            size = wanted
            keys = .allocate(capacity: size)
            counts = .allocate(capacity: size)
            firsts = .allocate(capacity: size)
            stamps = .allocate(capacity: size)
            stamps.initialize(repeating: 0, count: size)
            generation = 0
        }
        mask = size - 1
        generation &+= 1
        if generation == 0 {
            stamps.update(repeating: 0, count: size)
            generation = 1
        }
    }

    /// Counts one occurrence of `key` at `position`; returns its count and first position.
    @inline(__always)
    @discardableResult
    func add(_ key: UInt64, at position: Int) -> (count: Int, first: Int) {
        var slot = Int(truncatingIfNeeded: key) & mask
        while stamps[slot] == generation {
            if keys[slot] == key {
                counts[slot] += 1
                return (Int(counts[slot]), Int(firsts[slot]))
            }
            slot = (slot + 1) & mask
        }
        stamps[slot] = generation
        keys[slot] = key
        counts[slot] = 1
        firsts[slot] = Int32(truncatingIfNeeded: position)
        return (1, position)
    }

    @inline(__always)
    func contains(_ key: UInt64) -> Bool {
        var slot = Int(truncatingIfNeeded: key) & mask
        while stamps[slot] == generation {
            if keys[slot] == key { return true }
            slot = (slot + 1) & mask
        }
        return false
    }
}

extension Int {
    var nextPowerOfTwo: Int { self <= 1 ? 1 : 1 << (Int.bitWidth - (self - 1).leadingZeroBitCount) }
}

/// What datatrove's `find_duplicates` counts over `items`: how many repeat an earlier one, and
/// their total length in code points.
func findDuplicates(_ items: [Substring], table: HashCounter) -> (elements: Int, characters: Int) {
    table.reset(capacity: items.count)
    var elements = 0
    var characters = 0
    for (k, item) in items.enumerated() where table.add(TextHash.of(item), at: k).count > 1 {
        elements += 1
        characters += PythonText.length(item)
    }
    return (elements, characters)
}
