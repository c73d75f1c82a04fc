import FuzzSupport
import SieveText

/// libFuzzer target: the HTML extractor (libxml2's HTML parser, the DOM walk, boilerplate
/// removal) on the input as UTF-8, with the default size and depth caps.
let extractor = Extractor()

@_cdecl("LLVMFuzzerTestOneInput")
func fuzz(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    _ = extractor.extract(String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self))
    return 0
}

@main enum Target {
    static func main() { runFuzzer(fuzz) }
}
