/// A hash set of byte strings that numbers its entries in insertion order; callers keep values in
/// arrays indexed by that number. Open addressing over one arena of key bytes: no allocation per
/// key, and lookups hash the bytes in place (the pre-token counts of the trainer, the encoder's
/// cache, the vocabulary by bytes).
struct ByteTable {
    private var arena: [UInt8] = []
    private var starts: [Int] = [0]
    private var hashes: [UInt64] = []
    /// Entry index + 1 per slot; 0 is empty.
    private var slots: [Int32]
    private var mask: Int

    init(capacity: Int = 1024) {
        var size = 16
        while size < capacity * 2 { size <<= 1 }
        slots = [Int32](repeating: 0, count: size)
        mask = size - 1
    }

    var count: Int { hashes.count }
    var arenaBytes: Int { arena.count }

    /// The bytes of entry `k`.
    func key(_ k: Int) -> ArraySlice<UInt8> { arena[starts[k]..<starts[k + 1]] }

    func withKey<R>(_ k: Int, _ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        try arena.withUnsafeBytes { try body(UnsafeRawBufferPointer(rebasing: $0[starts[k]..<starts[k + 1]])) }
    }

    @inline(__always)
    static func hash(_ p: UnsafeRawPointer, _ n: Int) -> UInt64 {
        var h: UInt64 = 0x9E37_79B9_7F4A_7C15 ^ UInt64(n)
        var i = 0
        while i + 8 <= n {
            h = (h ^ p.loadUnaligned(fromByteOffset: i, as: UInt64.self)) &* 0xBF58_476D_1CE4_E5B9
            h ^= h >> 29
            i += 8
        }
        if i < n {
            var tail: UInt64 = 0
            for k in i..<n { tail |= UInt64(p.load(fromByteOffset: k, as: UInt8.self)) << UInt64((k - i) * 8) }
            h = (h ^ tail) &* 0x94D0_49BB_1331_11EB
        }
        h ^= h >> 31
        h = h &* 0xBF58_476D_1CE4_E5B9
        return h ^ (h >> 32)
    }

    /// The entry holding `bytes`, if any.
    @inline(__always)
    func find(_ p: UnsafeRawPointer, _ n: Int) -> Int? {
        let h = Self.hash(p, n)
        return slots.withUnsafeBufferPointer { slots in
            var s = Int(truncatingIfNeeded: h) & mask
            while true {
                let e = Int(slots[s]) - 1
                if e < 0 { return nil }
                if hashes[e] == h, equal(e, p, n) { return e }
                s = (s + 1) & mask
            }
        }
    }

    @inline(__always)
    private func equal(_ e: Int, _ p: UnsafeRawPointer, _ n: Int) -> Bool {
        let start = starts[e]
        guard starts[e + 1] - start == n else { return false }
        return arena.withUnsafeBytes { arena in
            let q = arena.baseAddress! + start
            var i = 0
            while i + 8 <= n {  // short keys: inline word compares beat a call to memcmp
                if p.loadUnaligned(fromByteOffset: i, as: UInt64.self) != q.loadUnaligned(fromByteOffset: i, as: UInt64.self) { return false }
                i += 8
            }
            while i < n {
                if p.load(fromByteOffset: i, as: UInt8.self) != q.load(fromByteOffset: i, as: UInt8.self) { return false }
                i += 1
            }
            return true
        }
    }

    /// The entry holding `bytes`, added if new.
    @inline(__always)
    mutating func insert(_ p: UnsafeRawPointer, _ n: Int) -> (index: Int, inserted: Bool) {
        let h = Self.hash(p, n)
        var s = Int(truncatingIfNeeded: h) & mask
        while true {
            let e = Int(slots[s]) - 1
            if e < 0 { break }
            if hashes[e] == h, equal(e, p, n) { return (e, false) }
            s = (s + 1) & mask
        }
        let index = hashes.count
        hashes.append(h)
        arena.append(contentsOf: UnsafeRawBufferPointer(start: p, count: n))
        starts.append(arena.count)
        slots[s] = Int32(index + 1)
        if hashes.count * 2 > slots.count { grow() }
        return (index, true)
    }

    mutating func insert(_ bytes: [UInt8]) -> (index: Int, inserted: Bool) {
        bytes.withUnsafeBytes { insert($0.baseAddress ?? UnsafeRawPointer(bitPattern: 1)!, $0.count) }
    }

    func find(_ bytes: [UInt8]) -> Int? {
        bytes.withUnsafeBytes { find($0.baseAddress ?? UnsafeRawPointer(bitPattern: 1)!, $0.count) }
    }

    private mutating func grow() {
        slots = [Int32](repeating: 0, count: slots.count * 2)
        mask = slots.count - 1
        for (e, h) in hashes.enumerated() {
            var s = Int(truncatingIfNeeded: h) & mask
            while slots[s] != 0 { s = (s + 1) & mask }
            slots[s] = Int32(e + 1)
        }
    }

    mutating func removeAll() {
        arena.removeAll(keepingCapacity: true)
        starts.removeAll(keepingCapacity: true)
        starts.append(0)
        hashes.removeAll(keepingCapacity: true)
        for k in slots.indices { slots[k] = 0 }
    }
}

/// A hash map from a pair of token ids to an index (merge ranks in the encoder, pair slots in the
/// trainer). Open addressing over packed `UInt64` keys.
struct PairTable {
    private var keys: [UInt64]
    private var values: [Int32]
    private var mask: Int
    private(set) var count = 0
    private static let empty = UInt64.max

    init(capacity: Int = 1024) {
        var size = 16
        while size < capacity * 2 { size <<= 1 }
        keys = [UInt64](repeating: Self.empty, count: size)
        values = [Int32](repeating: 0, count: size)
        mask = size - 1
    }

    @inline(__always) static func key(_ a: UInt32, _ b: UInt32) -> UInt64 { UInt64(a) << 32 | UInt64(b) }

    @inline(__always) private static func slot(_ key: UInt64, _ mask: Int) -> Int {
        var h = key &* 0x9E37_79B9_7F4A_7C15
        h ^= h >> 32
        return Int(truncatingIfNeeded: h) & mask
    }

    @inline(__always)
    func find(_ key: UInt64) -> Int32? {
        var s = Self.slot(key, mask)
        while true {
            let k = keys[s]
            if k == key { return values[s] }
            if k == Self.empty { return nil }
            s = (s + 1) & mask
        }
    }

    /// Sets the value of `key`; returns the value it had.
    @discardableResult
    mutating func set(_ key: UInt64, _ value: Int32) -> Int32? {
        var s = Self.slot(key, mask)
        while true {
            let k = keys[s]
            if k == key {
                let old = values[s]
                values[s] = value
                return old
            }
            if k == Self.empty { break }
            s = (s + 1) & mask
        }
        keys[s] = key
        values[s] = value
        count += 1
        if count * 2 > keys.count { grow() }
        return nil
    }

    private mutating func grow() {
        let (oldKeys, oldValues) = (keys, values)
        keys = [UInt64](repeating: Self.empty, count: oldKeys.count * 2)
        values = [Int32](repeating: 0, count: oldKeys.count * 2)
        mask = keys.count - 1
        for (k, key) in oldKeys.enumerated() where key != Self.empty {
            var s = Self.slot(key, mask)
            while keys[s] != Self.empty { s = (s + 1) & mask }
            keys[s] = key
            values[s] = oldValues[k]
        }
    }
}
