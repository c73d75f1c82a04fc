import FuzzSupport
import SieveIO

/// libFuzzer target: the decompressing byte sources (gzip, zstd, bzip2, xz, lz4 detected by
/// content, under the default ratio cap), then gzip's recovering mode, which reports each
/// corrupt stretch once and reads on. Property: no crash, no hang; errors are fine.
@_cdecl("LLVMFuzzerTestOneInput")
func fuzz(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 16, alignment: 16)
    defer { buffer.deallocate() }
    if let stream = try? Compression.decompressing(FuzzInput(data, size), name: "fuzz") {
        var total = 0
        while total < 64 << 20, let n = try? stream.read(into: buffer), n > 0 { total += n }
    }
    let gzip = GzipStream(FuzzInput(data, size), recovers: true)
    for _ in 0..<64 {
        do {
            while try gzip.read(into: buffer) > 0 {}
            break
        } catch is GzipGap { continue } catch { break }
    }
    return 0
}

@main enum Target {
    static func main() { runFuzzer(fuzz) }
}
