/// The hashes MinHash shingles are made of: one 64-bit hash per word, then one per shingle from
/// its words' hashes, so a word is hashed once however many shingles it is part of.
///
/// Words: wyhash's mixing (Wang Yi, https://github.com/wangyi-fudan/wyhash, `_wymum` and the
/// ≤ 16-byte reads of `wyhash`; not byte-compatible with it): the 128-bit product of the word's
/// bytes and a secret, folded by xor. Shingles: the words' hashes rotated by 13 bits per position
/// and xored (so order matters; rolled along the text), then MurmurHash3's `fmix64` finaliser
/// (Appleby), a bijection whose top bits depend on every input bit.
enum ShingleHash {
    static let s0: UInt64 = 0xA076_1D64_78BD_642F
    static let s1: UInt64 = 0xE703_7ED1_A0B4_28DB

    @inline(__always) static func mum(_ a: UInt64, _ b: UInt64) -> UInt64 {
        let (high, low) = a.multipliedFullWidth(by: b)
        return high ^ low
    }

    /// The hash of one non-empty word whose 16 bytes from its start may be read
    /// (`TextSimplifier.readableAfterWord`): words of up to 16 bytes, most, without a branch.
    @inline(__always) static func word(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt64 {
        let n = bytes.count
        let p = UnsafeRawPointer(bytes.baseAddress!)
        @inline(__always) func load(_ offset: Int) -> UInt64 {
            p.loadUnaligned(fromByteOffset: offset, as: UInt64.self).littleEndian
        }
        var seed = s0 ^ UInt64(n)
        if n > 16 {
            var i = 0
            while n - i > 16 {
                seed = mum(load(i) ^ s1, load(i + 8) ^ seed)
                i += 16
            }
            return mum(load(n - 16) ^ s1, load(n - 8) ^ seed)
        }
        let first = min(n, 8), second = n - first
        let a = load(0) & (UInt64.max &>> UInt64(64 - 8 * first))
        let b = second == 0 ? 0 : load(8) & (UInt64.max &>> UInt64(64 - 8 * second))
        return mum(a ^ s1, b ^ seed)
    }

    /// Calls `body` with the index and hash of each shingle of `words`: every window of `n`
    /// consecutive word hashes, or the one window of all of them when there are fewer. A
    /// window's rotate-xor is rolled from the previous one's (take out the first word, rotate
    /// back by 13, add the new last word), so each costs O(1) whatever `n`.
    @inline(__always) static func forEachShingle(_ words: UnsafeBufferPointer<UInt64>, n: Int, _ body: (Int, UInt64) -> Void) {
        guard !words.isEmpty else { return }
        let width = min(words.count, n)
        var x: UInt64 = 0
        for k in 0..<width { x ^= rotated(words[k], by: 13 &* k) }
        body(0, fmix64(x ^ UInt64(width)))
        guard words.count > n else { return }
        for s in 1...(words.count - n) {
            x = rotated(x ^ words[s - 1], by: 64 - 13) ^ rotated(words[s + n - 1], by: 13 &* (n - 1))
            body(s, fmix64(x ^ UInt64(width)))
        }
    }

    /// `value` rotated left by `bits` (mod 64).
    @inline(__always) static func rotated(_ value: UInt64, by bits: Int) -> UInt64 {
        let r = UInt64(truncatingIfNeeded: bits) & 63
        return value &<< r | value &>> (64 &- r)
    }

    @inline(__always) static func fmix64(_ value: UInt64) -> UInt64 {
        var x = value
        x ^= x >> 33
        x &*= 0xFF51_AFD7_ED55_8CCD
        x ^= x >> 33
        x &*= 0xC4CE_B9FE_1A85_EC53
        x ^= x >> 33
        return x
    }
}
