import SieveCore
import SieveIO

#if canImport(Glibc)
import Glibc
#endif

/// The repository root (fixtures live under it).
let repositoryRoot: String = {
    var parts = String(#filePath).split(separator: "/", omittingEmptySubsequences: false)
    parts.removeLast(3)  // Tests/SieveFuzzTests/FuzzSupport.swift
    return parts.joined(separator: "/")
}()

func fixture(_ path: String) -> String { repositoryRoot + "/fixtures/" + path }

/// A seeded, bounded mutation fuzzer (property-based: the property is "no crash, no hang").
///
/// Each iteration takes a seed input (a real file from `fixtures/`), applies one to four
/// mutations in the manner of libFuzzer's default mutators (bit flips, byte sets to
/// interesting values, truncation, deletion, duplication of a slice, a splice with another seed,
/// random bytes) and hands it to the target. The target may throw or count skips; a crash
/// ends the test process (the input is then in `SIEVE_FUZZ_SAVE`, see below) and a slow input
/// fails the test.
///
/// Environment: `SIEVE_FUZZ_ITERATIONS` (per target; default 2000, CI), `SIEVE_FUZZ_SEED`
/// (default 1; a failure is reproduced by the same seed), `SIEVE_FUZZ_SAVE` (a directory: each
/// input is written there as `TARGET.current` before it runs, so a crash leaves it behind).
struct Fuzzer {
    static let iterations = Int(env("SIEVE_FUZZ_ITERATIONS") ?? "") ?? 2000
    static let seed = UInt64(env("SIEVE_FUZZ_SEED") ?? "") ?? 1
    /// An input slower than this (debug build) fails the target: a hang, not bad luck.
    static let maxSecondsPerInput = Double(env("SIEVE_FUZZ_MAX_SECONDS") ?? "") ?? 20

    let name: String
    let seeds: [[UInt8]]
    var random: SplitMix64

    init(_ name: String, seeds: [[UInt8]]) {
        precondition(!seeds.isEmpty, "no seeds for \(name)")
        self.name = name
        self.seeds = seeds
        var h: UInt64 = 0xCBF2_9CE4_8422_2325
        for b in name.utf8 { h = (h ^ UInt64(b)) &* 0x100_0000_01B3 }
        random = SplitMix64(seed: Fuzzer.seed ^ h)
    }

    /// Runs `target` on every seed unchanged, then on `iterations` mutants; returns the slowest
    /// input's seconds.
    @discardableResult
    mutating func run(_ target: ([UInt8]) throws -> Void) -> Double {
        var slowest = 0.0
        for i in 0..<(seeds.count + Fuzzer.iterations) {
            let input = i < seeds.count ? seeds[i] : mutant()
            if let dir = Fuzzer.env("SIEVE_FUZZ_SAVE") { try? FileSystem.writeFile(dir + "/" + name + ".current", input) }
            let start = Fuzzer.now()
            do { try target(input) } catch {}
            let seconds = Fuzzer.now() - start
            if seconds >= Fuzzer.maxSecondsPerInput {
                // Kept for a regression test: `NAME.slow-ITERATION` in SIEVE_FUZZ_SAVE or /tmp.
                try? FileSystem.writeFile((Fuzzer.env("SIEVE_FUZZ_SAVE") ?? "/tmp") + "/\(name).slow-\(i)", input)
            }
            slowest = max(slowest, seconds)
        }
        return slowest
    }

    mutating func mutant() -> [UInt8] {
        var bytes = seeds[Int(random.next() % UInt64(seeds.count))]
        for _ in 0...(random.next() % 4) { mutate(&bytes) }
        return bytes
    }

    private mutating func below(_ n: Int) -> Int { n <= 0 ? 0 : Int(random.next() % UInt64(n)) }

    private static let interesting: [UInt8] = [0, 1, 0x7F, 0x80, 0xFF, 0x0A, 0x0D, 0x20, 0x22, 0x3C, 0x3E, 0x5C, 0x7B, 0x7D, 0x3A]

    private mutating func mutate(_ bytes: inout [UInt8]) {
        switch below(8) {
        case 0 where !bytes.isEmpty:  // flip bits
            for _ in 0...below(8) { bytes[below(bytes.count)] ^= 1 << UInt8(below(8)) }
        case 1 where !bytes.isEmpty:  // interesting byte values
            for _ in 0...below(4) { bytes[below(bytes.count)] = Fuzzer.interesting[below(Fuzzer.interesting.count)] }
        case 2:  // truncate
            bytes.removeLast(below(bytes.count + 1))
        case 3 where !bytes.isEmpty:  // delete a slice
            let from = below(bytes.count)
            bytes.removeSubrange(from..<min(bytes.count, from + 1 + below(512)))
        case 4 where !bytes.isEmpty:  // repeat a slice (grows nesting, lengths, lines)
            let from = below(bytes.count), to = min(bytes.count, from + 1 + below(256))
            let slice = bytes[from..<to]
            let copies = 1 + below(64)
            bytes.insert(contentsOf: Array(repeating: Array(slice), count: copies).joined(), at: below(bytes.count + 1))
        case 5:  // splice with another seed
            let other = seeds[below(seeds.count)]
            let cut = below(bytes.count + 1), from = below(other.count + 1)
            bytes = Array(bytes[..<cut]) + Array(other[from...])
        case 6:  // random bytes
            let count = 1 + below(64)
            bytes.insert(contentsOf: (0..<count).map { _ in UInt8(truncatingIfNeeded: random.next()) }, at: below(bytes.count + 1))
        default:  // overwrite a decimal number (lengths, counts) with a large or odd one
            if let digit = bytes.indices.dropFirst(below(bytes.count)).first(where: { bytes[$0] >= 0x30 && bytes[$0] <= 0x39 }) {
                let numbers = ["0", "-1", "99999999999999999999", "4294967296", "18446744073709551615", "1e400"]
                bytes.replaceSubrange(digit..<(digit + 1), with: Array(numbers[below(numbers.count)].utf8))
            } else if !bytes.isEmpty {
                bytes[below(bytes.count)] = UInt8(truncatingIfNeeded: random.next())
            }
        }
    }

    static func env(_ key: String) -> String? { getenv(key).map { String(cString: $0) } }

    static func now() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) * 1e-9
    }
}

/// Seed inputs: fixture files, each cut to `maxBytes` (mutations are cheaper on small inputs,
/// and a cut compressed file is itself a useful truncated case).
func seeds(_ paths: [String], maxBytes: Int = 48 << 10) throws -> [[UInt8]] {
    try paths.map { Array(try FileSystem.readFile(fixture($0)).prefix(maxBytes)) }
}

/// Bytes from memory, handed out in reads of varying size.
final class MemoryStream: ByteStream {
    private let bytes: [UInt8]
    private var offset = 0
    private var turn = 0

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        turn += 1
        let n = min(buffer.count, bytes.count - offset, turn % 3 == 0 ? 7 : 1 << 20)
        guard n > 0 else { return 0 }
        bytes.withUnsafeBytes { buffer.copyMemory(from: UnsafeRawBufferPointer(rebasing: $0[offset..<(offset + n)])) }
        offset += n
        return n
    }
}

/// Reads a decompressed stream to its end (or `cap` bytes); returns the bytes read.
@discardableResult
func drain(_ stream: ByteStream, cap: Int = 256 << 20) throws -> Int {
    let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 16, alignment: 16)
    defer { buffer.deallocate() }
    var total = 0
    while total < cap {
        let n = try stream.read(into: buffer)
        if n == 0 { break }
        total += n
    }
    return total
}
