import FuzzSupport
import SieveCore
import SieveIO

/// libFuzzer target: the WARC/ARC/WET/WAT reader (every record type, every media type), with
/// small caps so that oversized records, headers and bombs are reached by small inputs.
let reader = WARCReader(recordTypes: ["*"], contentTypes: ["*"],
                        limits: .init(maxRecordBytes: 1 << 20, maxHeaderBytes: 8 << 10,
                                      decompression: .init(maxRatio: 100, ratioFloorBytes: 1 << 20)))

@_cdecl("LLVMFuzzerTestOneInput")
func fuzz(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    var stats = StageStats(name: "warc")
    try? reader.read(FuzzInput(data, size), name: "fuzz.warc", stats: &stats) { _ in }
    return 0
}

@main enum Target {
    static func main() { runFuzzer(fuzz) }
}
