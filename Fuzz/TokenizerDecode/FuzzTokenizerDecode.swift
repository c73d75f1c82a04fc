import FuzzSupport
import SieveTokenizer

/// libFuzzer target: decoding token ids (GPT-2's byte-level BPE, `fixtures/tokenizer`) that
/// the input spells as little-endian UInt32s: ids out of range, partial UTF-8, anything.
let tokenizer = try! Tokenizer.load(repositoryRoot + "/fixtures/tokenizer/gpt2-tokenizer.json.gz")

@_cdecl("LLVMFuzzerTestOneInput")
func fuzz(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = UnsafeRawBufferPointer(start: data, count: size)
    let ids = stride(from: 0, to: size - 3, by: 4).map { bytes.loadUnaligned(fromByteOffset: $0, as: UInt32.self) }
    _ = tokenizer.decodeText(ids)
    return 0
}

@main enum Target {
    static func main() { runFuzzer(fuzz) }
}
