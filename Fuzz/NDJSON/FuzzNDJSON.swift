import FuzzSupport
import SieveCore
import SieveIO

/// libFuzzer target: the NDJSON codec through the JSONL reader. Property: what was read encodes
/// to one line that decodes again to the same document (a failure traps: a finding).
@_cdecl("LLVMFuzzerTestOneInput")
func fuzz(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    var stats = StageStats(name: "jsonl")
    try? JSONLReader(maxLineBytes: 1 << 20).read(FuzzInput(data, size), name: "fuzz.jsonl", stats: &stats) { doc in
        var line: [UInt8] = []
        NDJSON.encode(doc, to: &line)
        let again = try! line.dropLast().withUnsafeBytes { try NDJSON.decode($0, defaultID: "") }
        precondition(again.id == doc.id && again.text == doc.text, "NDJSON round trip changed a document")
    }
    return 0
}

@main enum Target {
    static func main() { runFuzzer(fuzz) }
}
