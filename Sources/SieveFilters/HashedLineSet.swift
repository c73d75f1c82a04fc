import SieveCore
import SieveIO

/// A large set of strings, such as the 4.5 million domains of the UT1 adult list, kept as sorted
/// 64-bit hashes of their bytes: 8 bytes per entry instead of a string each, and loaded by one
/// streaming pass over the (compressed) file plus a sort. A lookup is a binary search. Two
/// different strings share a hash with probability about n/2⁶⁴ per lookup (2·10⁻¹³ for the
/// domain list).
public struct HashedLineSet: Sendable {
    private var hashes: [UInt64]

    public init<S: Sequence>(_ strings: S) where S.Element: StringProtocol {
        hashes = strings.map { TextHash.of(Substring($0)) }
        hashes.sort()
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
        if !zip(hashes, hashes.dropFirst()).allSatisfy({ $0 <= $1 }) { hashes.sort() }
    }

    public var count: Int { hashes.count }

    public func contains(_ s: Substring) -> Bool {
        let h = TextHash.of(s)
        var lo = 0
        var hi = hashes.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if hashes[mid] < h { lo = mid + 1 } else { hi = mid }
        }
        return lo < hashes.count && hashes[lo] == h
    }

    public mutating func formUnion(_ other: HashedLineSet) {
        hashes = (hashes + other.hashes).sorted()
    }
}
