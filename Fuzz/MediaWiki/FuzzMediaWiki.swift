import FuzzSupport
import SieveCore
import SieveIO

/// libFuzzer target: the MediaWiki dump reader (libxml2's streaming reader, wikitext to plain
/// text) over every namespace, so every page reaches the wikitext code.
let reader = MediaWikiReader(namespaces: Set(-2...20))

@_cdecl("LLVMFuzzerTestOneInput")
func fuzz(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    var stats = StageStats(name: "wiki")
    try? reader.read(FuzzInput(data, size), name: "fuzz.xml", stats: &stats) { _ in }
    return 0
}

@main enum Target {
    static func main() { runFuzzer(fuzz) }
}
