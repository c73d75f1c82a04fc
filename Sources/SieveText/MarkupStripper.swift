/// Removes what the extractor never reads before libxml2 sees it: the contents of `<script>` and
/// `<style>` elements (their tags stay) and `<!-- comments -->`. Inline scripts and styles are a
/// large share of a modern page's bytes, and libxml2's HTML parser walks them one character at a
/// time; a byte scan for their end is many times faster. Follows the HTML tokenizer's rules for
/// where these end (`</script` / `</style`, any case; `-->`), so the tree is unchanged.
enum MarkupStripper {
    static func strip(_ html: String) -> String {
        var html = html
        return html.withUTF8 { bytes -> String in
            let n = bytes.count
            var out: [UInt8] = []
            var copied = 0  // bytes[copied..<k] are still to copy
            var k = 0
            while k < n {
                guard bytes[k] == UInt8(ascii: "<"), k + 4 < n else { k += 1; continue }
                if bytes[k + 1] == UInt8(ascii: "!"), bytes[k + 2] == UInt8(ascii: "-"), bytes[k + 3] == UInt8(ascii: "-") {
                    let end = find(bytes, "-->", from: k + 4).map { $0 + 3 } ?? n
                    if out.isEmpty { out.reserveCapacity(n) }
                    out.append(contentsOf: bytes[copied..<k])
                    copied = end
                    k = end
                    continue
                }
                let name: StaticString
                if hasTag(bytes, at: k + 1, "script") { name = "</script" } else if hasTag(bytes, at: k + 1, "style") { name = "</style" } else {
                    k += 1
                    continue
                }
                guard let open = firstIndex(bytes, of: UInt8(ascii: ">"), from: k + 1) else { break }
                let close = findIgnoringCase(bytes, name, from: open + 1) ?? n
                if out.isEmpty { out.reserveCapacity(n) }
                out.append(contentsOf: bytes[copied...open])
                copied = close
                k = close
            }
            if copied == 0 { return String(decoding: bytes, as: UTF8.self) }
            out.append(contentsOf: bytes[copied..<n])
            return String(decoding: out, as: UTF8.self)
        }
    }

    /// Whether `bytes[at...]` starts with tag name `name` (any case), followed by a space, `/` or `>`.
    static func hasTag(_ bytes: UnsafeBufferPointer<UInt8>, at k: Int, _ name: String) -> Bool {
        var j = k
        for c in name.utf8 {
            guard j < bytes.count, bytes[j] | 0x20 == c else { return false }
            j += 1
        }
        guard j < bytes.count else { return false }
        let next = bytes[j]
        return next == 32 || next == 9 || next == 10 || next == 13 || next == 12 || next == UInt8(ascii: ">") || next == UInt8(ascii: "/")
    }

    static func firstIndex(_ bytes: UnsafeBufferPointer<UInt8>, of byte: UInt8, from start: Int) -> Int? {
        var j = start
        while j < bytes.count {
            if bytes[j] == byte { return j }
            j += 1
        }
        return nil
    }

    static func find(_ bytes: UnsafeBufferPointer<UInt8>, _ needle: StaticString, from start: Int) -> Int? {
        search(bytes, needle, from: start) { $0 == $1 }
    }

    /// `needle` is lowercase ASCII.
    static func findIgnoringCase(_ bytes: UnsafeBufferPointer<UInt8>, _ needle: StaticString, from start: Int) -> Int? {
        search(bytes, needle, from: start) { $0 | 0x20 == $1 || $0 == $1 }
    }

    private static func search(_ bytes: UnsafeBufferPointer<UInt8>, _ needle: StaticString, from start: Int,
                               _ equal: (UInt8, UInt8) -> Bool) -> Int? {
        let m = needle.utf8CodeUnitCount
        let w = needle.utf8Start
        var j = start
        while j + m <= bytes.count {
            if bytes[j] == w[0] {
                var i = 1
                while i < m, equal(bytes[j + i], w[i]) { i += 1 }
                if i == m { return j }
            }
            j += 1
        }
        return nil
    }
}
