import SieveText
import Testing

private func decode(_ bytes: [UInt8], declared: String? = nil) -> CharsetDecoder.Decoded {
    bytes.withUnsafeBytes { CharsetDecoder.decode($0, declared: declared) }
}

@Test func httpHeaderCharsetWins() {
    let d = decode(Array("caf".utf8) + [0xE9], declared: "ISO-8859-1")
    #expect(d.text == "café" && d.charset == "windows-1252" && d.source == .http)
}

@Test func byteOrderMarkComesFirst() {
    let d = decode([0xFF, 0xFE, 0x68, 0x00, 0xEF, 0x00], declared: "windows-1252")
    #expect(d.text == "hï" && d.charset == "utf-16le" && d.source == .bom)
}

@Test func metaCharsetIsFound() {
    let html = Array("<html><head><meta http-equiv='Content-Type' content='text/html; charset=Shift_JIS'></head>".utf8)
        + [0x93, 0xFA, 0x96, 0x7B]  // 日本 in Shift_JIS
    let d = decode(html)
    #expect(d.charset == "shift_jis" && d.source == .meta && d.text.hasSuffix("日本"))
    let short = Array("<!doctype html><META CHARSET=\"koi8-r\">".utf8)
    #expect(short.withUnsafeBytes { CharsetDecoder.metaCharset($0) } == "koi8-r")
}

@Test func validUTF8WithoutDeclaration() {
    let d = decode(Array("<p>naïve café</p>".utf8))
    #expect(d.text == "<p>naïve café</p>" && d.charset == "utf-8" && d.source == .utf8)
}

@Test func undeclaredLegacyBytesAreDetected() {
    // German Latin-1 text: not UTF-8, so ICU's detector decides.
    let latin1: [UInt8] = Array("<p>Die Gr".utf8) + [0xF6, 0xDF] + Array("e der Stra".utf8) + [0xDF] + Array("e und das M".utf8) + [0xE4]
        + Array("dchen, f".utf8) + [0xFC] + Array("r alle Leute in der Stadt, die sch".utf8) + [0xF6] + Array("n ist.</p>".utf8)
    let d = decode(latin1)
    #expect(d.source == .detected)
    #expect(d.text.contains("Größe der Straße und das Mädchen, für alle"))
}

@Test func unknownDeclaredCharsetFallsThrough() {
    let d = decode(Array("plain ascii".utf8), declared: "x-no-such-charset")
    #expect(d.text == "plain ascii" && d.source == .utf8)
}
