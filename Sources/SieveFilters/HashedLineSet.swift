import SieveCore
import SieveIO

/// A large set of strings, such as the 4.5 million domains of the UT1 adult list, kept as 64-bit
/// hashes of their bytes: 8 bytes per entry instead of a string each, loaded by one streaming
/// pass over the (compressed) file and one counting pass that groups the hashes by their top
/// bits (about four hashes per group), so a lookup scans one small group. Two different strings
/// share a hash with probability about n/2⁶⁴ per lookup (2·10⁻¹³ for the domain list).
public struct HashedLineSet: Sendable {
    private var hashes: [UInt64]
    /// Where each group starts in `hashes` (group g holds the hashes whose top `bits` bits are g).
    private var starts: [UInt32] = [0, 0]
    private var bits = 0

    public init<S: Sequence>(_ strings: S) where S.Element: StringProtocol {
        hashes = strings.map { TextHash.of(Substring($0)) }
        group()
    }

    /// One entry per line of `path` (any compression), stripped; lines starting with `#` and
    /// empty lines are skipped, as datatrove's `parse_list` does.
    public init(path: String) throws {
        var lines = LineReader(try Compression.open(path))
        hashes = []
        hashes.reserveCapacity(1 << 16)
        while let line = try lines.next() {
            guard case .line(let raw) = line else { continue }
            var start = 0
            var end = raw.count
            while start < end, raw[start] == 0x20 || raw[start] == 0x09 || raw[start] == 0x0D { start += 1 }
            while end > start, raw[end - 1] == 0x20 || raw[end - 1] == 0x09 || raw[end - 1] == 0x0D { end -= 1 }
            guard end > start, raw[start] != 0x23 else { continue }
            hashes.append(TextHash.of(bytes: UnsafeRawBufferPointer(rebasing: raw[start..<end])))
        }
        group()
    }

    public var count: Int { hashes.count }

    public func contains(_ s: Substring) -> Bool {
        let h = TextHash.of(s)
        let g = bits == 0 ? 0 : Int(truncatingIfNeeded: h >> UInt64(64 - bits))
        for k in Int(starts[g])..<Int(starts[g + 1]) where hashes[k] == h { return true }
        return false
    }

    public mutating func formUnion(_ other: HashedLineSet) {
        hashes += other.hashes
        group()
    }

    /// Orders `hashes` by group (a counting sort on the top bits; the order inside a group does
    /// not matter), with about four hashes per group.
    private mutating func group() {
        bits = hashes.count < 64 ? 0 : min(24, (hashes.count / 4).nextPowerOfTwo.trailingZeroBitCount)
        let groups = 1 << bits
        var counts = [UInt32](repeating: 0, count: groups + 1)
        func groupOf(_ h: UInt64) -> Int { bits == 0 ? 0 : Int(truncatingIfNeeded: h >> UInt64(64 - bits)) }
        for h in hashes { counts[groupOf(h) + 1] += 1 }
        for g in 0..<groups { counts[g + 1] += counts[g] }
        starts = counts
        var grouped = [UInt64](repeating: 0, count: hashes.count)
        for h in hashes {
            let g = groupOf(h)
            grouped[Int(counts[g])] = h
            counts[g] += 1
        }
        hashes = grouped
    }
}
