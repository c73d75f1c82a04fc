#if canImport(Glibc)
import Glibc
#endif

/// The encoder's cache of pieces already encoded. Lookups are bound by memory latency, so a slot
/// holds what most lookups need: the piece's length, its first 8 bytes (all of a piece of 8 bytes
/// or less, which is most words) and, when the piece is a single token, that token. Longer pieces
/// check their remaining bytes in an arena; multi-token pieces read their tokens from a list.
struct PieceCache {
    private struct Slot {
        var head: UInt64 = 0  // first 8 bytes, zero-padded
        var tag: UInt32 = 0  // length (8 bits) and 24 bits of hash; 0 = empty
        var value: UInt32 = 0  // token | singleBit, or entry index
    }

    private static let singleBit: UInt32 = 1 << 31
    private var slots: [Slot]
    private var mask: Int
    private(set) var count = 0
    let capacity: Int
    // Entries: the bytes after the first 8 (arena) and the tokens of multi-token pieces.
    private var arena: [UInt8] = []
    private var arenaStart: [Int] = []
    private var tokens: [UInt32] = []
    private var tokenStart: [Int] = []
    private var tokenCount: [Int] = []

    init(capacity: Int) {
        self.capacity = capacity
        var size = 16
        while size < capacity * 2 { size <<= 1 }
        slots = [Slot](repeating: Slot(), count: size)
        mask = size - 1
    }

    @inline(__always)
    private static func head(_ p: UnsafeRawPointer, _ n: Int) -> UInt64 {
        if n >= 8 { return p.loadUnaligned(as: UInt64.self) }
        var word: UInt64 = 0
        for k in 0..<n { word |= UInt64(p.load(fromByteOffset: k, as: UInt8.self)) << UInt64(8 * k) }
        return word
    }

    @inline(__always)
    private static func hash(_ head: UInt64, _ p: UnsafeRawPointer, _ n: Int) -> UInt64 {
        var h = (head ^ UInt64(n) &* 0x9E37_79B9_7F4A_7C15) &* 0xBF58_476D_1CE4_E5B9
        var i = 8
        while i < n {
            h = (h ^ (h >> 29) ^ Self.head(p + i, min(8, n - i))) &* 0x94D0_49BB_1331_11EB
            i += 8
        }
        return h ^ (h >> 31)
    }

    @inline(__always)
    private static func tag(_ h: UInt64, _ n: Int) -> UInt32 { UInt32(n) << 24 | UInt32(truncatingIfNeeded: h >> 40) }

    /// Appends the tokens of the piece to `out` if it is cached.
    @inline(__always)
    func lookup(_ p: UnsafeRawPointer, _ n: Int, into out: inout [UInt32]) -> Bool {
        let head = Self.head(p, n)
        let h = Self.hash(head, p, n)
        let tag = Self.tag(h, n)
        var s = Int(truncatingIfNeeded: h) & mask
        return slots.withUnsafeBufferPointer { slots in
            while true {
                let slot = slots[s]
                if slot.tag == 0 { return false }
                if slot.tag == tag, slot.head == head, n <= 8 || rest(of: slot, equals: p, n) {
                    if slot.value & Self.singleBit != 0 {
                        out.append(slot.value & ~Self.singleBit)
                    } else {
                        let e = Int(slot.value)
                        tokens.withUnsafeBufferPointer { out.append(contentsOf: UnsafeBufferPointer(rebasing: $0[tokenStart[e]..<(tokenStart[e] + tokenCount[e])])) }
                    }
                    return true
                }
                s = (s + 1) & mask
            }
        }
    }

    private func rest(of slot: Slot, equals p: UnsafeRawPointer, _ n: Int) -> Bool {
        guard slot.value & Self.singleBit == 0 else { return false }  // long pieces are always entries
        let e = Int(slot.value)
        let start = arenaStart[e]
        guard arenaStart[e + 1] - start == n - 8 else { return false }
        return arena.withUnsafeBytes { memcmp($0.baseAddress! + start, p + 8, n - 8) == 0 }
    }

    /// Caches the tokens of a piece (not already cached); starts over when full.
    mutating func insert(_ p: UnsafeRawPointer, _ n: Int, _ pieceTokens: ArraySlice<UInt32>) {
        if count >= capacity { removeAll() }
        let head = Self.head(p, n)
        let h = Self.hash(head, p, n)
        var s = Int(truncatingIfNeeded: h) & mask
        while slots[s].tag != 0 { s = (s + 1) & mask }
        var value: UInt32
        if n <= 8, pieceTokens.count == 1 {
            value = pieceTokens.first! | Self.singleBit
        } else {
            value = UInt32(tokenStart.count)
            if arenaStart.isEmpty { arenaStart.append(0) }
            if n > 8 { arena.append(contentsOf: UnsafeRawBufferPointer(start: p + 8, count: n - 8)) }
            arenaStart.append(arena.count)
            tokenStart.append(tokens.count)
            tokenCount.append(pieceTokens.count)
            tokens.append(contentsOf: pieceTokens)
        }
        slots[s] = Slot(head: head, tag: Self.tag(h, n), value: value)
        count += 1
    }

    mutating func removeAll() {
        for k in slots.indices { slots[k] = Slot() }
        count = 0
        arena.removeAll(keepingCapacity: true)
        arenaStart.removeAll(keepingCapacity: true)
        tokens.removeAll(keepingCapacity: true)
        tokenStart.removeAll(keepingCapacity: true)
        tokenCount.removeAll(keepingCapacity: true)
    }
}
