/// MediaWiki wikitext reduced to readable plain text, for pretraining data (in the spirit of
/// WikiExtractor and gensim's `filter_wiki`, see https://www.mediawiki.org/wiki/Help:Formatting):
///
/// - removed: comments, templates and parser functions (`{{…}}`, nested), tables (`{|…|}`),
///   `<ref>` and other tags whose content is not prose (math, gallery, timeline, …), file, image
///   and category links, interlanguage links, magic words (`__TOC__`), horizontal rules;
/// - reduced: `[[target|label]]` → label, `[[target]]` → target, `[url label]` → label (a bare
///   `[url]` is dropped), `'''bold'''`/`''italic''` → their text, other tags → their content,
///   HTML entities → characters;
/// - kept as text: headings (`== H ==` → `H`, on its own line) and list items (markers removed).
public enum Wikitext {
    public static func plainText(_ wikitext: String) -> String {
        var s = Array(wikitext.utf8)
        s = removeComments(s)
        s = removeElements(s)
        s = removeNested(s, open: Array("{{".utf8), close: Array("}}".utf8))
        s = removeTables(s)
        var out: [UInt8] = []
        out.reserveCapacity(s.count)
        var blank = true
        for line in s.split(separator: 0x0A, omittingEmptySubsequences: false) {
            let text = trim(renderLine(Array(line)))
            if text.isEmpty {
                if !blank { out.append(0x0A) }
                blank = true
                continue
            }
            if !out.isEmpty, out.last != 0x0A { out.append(0x0A) }
            out += text
            out.append(0x0A)
            blank = false
        }
        while out.last == 0x0A { out.removeLast() }
        return decodeEntities(String(decoding: out, as: UTF8.self))
    }

    // MARK: Block structure

    private static func removeComments(_ s: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(s.count)
        var i = 0
        while i < s.count {
            if s[i] == 0x3C, starts(s, i, "<!--") {
                i = find(s, "-->", from: i + 4).map { $0 + 3 } ?? s.count
                continue
            }
            out.append(s[i])
            i += 1
        }
        return out
    }

    /// Tags whose content is not prose and is dropped with them.
    static let droppedElements: Set<String> = [
        "ref", "references", "math", "gallery", "timeline", "score", "imagemap", "templatedata", "graph",
        "mapframe", "maplink", "chem", "ce", "hiero", "inputbox", "categorytree", "syntaxhighlight", "source",
        "pre", "noinclude", "includeonly", "onlyinclude", "section", "indicator", "table",
    ]

    /// Drops `<ref>…</ref>` (and the like) and self-closing tags of those names; other tags lose
    /// their markup and keep their content (`<br>` becomes a line break).
    private static func removeElements(_ s: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(s.count)
        var i = 0
        while i < s.count {
            guard s[i] == 0x3C, let end = find(s, ">", from: i + 1), end - i < 2048 else {
                out.append(s[i])
                i += 1
                continue
            }
            let inner = s[(i + 1)..<end]
            let closing = inner.first == 0x2F
            let nameBytes = inner.drop { $0 == 0x2F }.prefix { isNameByte($0) }
            let name = String(decoding: nameBytes, as: UTF8.self).lowercased()
            guard !name.isEmpty else {
                out.append(s[i])
                i += 1
                continue
            }
            i = end + 1
            if name == "br" { out.append(0x0A); continue }
            guard droppedElements.contains(name), !closing, inner.last != 0x2F else { continue }
            // Skip to the matching close tag (or drop only the open tag if there is none).
            if let close = findCaseInsensitive(s, "</" + name, from: i), let gt = find(s, ">", from: close) { i = gt + 1 }
        }
        return out
    }

    /// Removes balanced `open … close` spans (templates nest).
    private static func removeNested(_ s: [UInt8], open: [UInt8], close: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(s.count)
        var depth = 0
        var i = 0
        while i < s.count {
            if starts(s, i, open) { depth += 1; i += open.count; continue }
            if depth > 0, starts(s, i, close) { depth -= 1; i += close.count; continue }
            if depth == 0 { out.append(s[i]) }
            i += 1
        }
        return out
    }

    /// Removes tables: from a line starting `{|` to the matching line starting `|}`.
    private static func removeTables(_ s: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        var depth = 0
        for line in s.split(separator: 0x0A, omittingEmptySubsequences: false) {
            let t = line.drop { $0 == 0x20 || $0 == 0x09 || $0 == 0x3A }
            if t.starts(with: [0x7B, 0x7C]) { depth += 1; continue }
            if depth > 0 {
                if t.starts(with: [0x7C, 0x7D]) { depth -= 1 }
                continue
            }
            out += line
            out.append(0x0A)
        }
        return out
    }

    // MARK: Inline markup

    private static func renderLine(_ line: [UInt8]) -> [UInt8] {
        var s = line[...]
        // Headings: "== Title ==".
        if s.first == 0x3D {
            let level = s.prefix { $0 == 0x3D }.count
            s = s.dropFirst(level)
            while s.last == 0x20 || s.last == 0x09 { s = s.dropLast() }
            s = s.dropLast(min(level, s.reversed().prefix { $0 == 0x3D }.count))
        }
        // List and indentation markers; horizontal rules; magic words.
        s = s.drop { $0 == 0x2A || $0 == 0x23 || $0 == 0x3A || $0 == 0x3B }
        if s.allSatisfy({ $0 == 0x2D }), s.count >= 4 { return [] }
        return inline(Array(s))
    }

    /// Namespaces whose links are not prose (English and common local names).
    static let droppedNamespaces: Set<String> = [
        "file", "image", "category", "media", "datei", "bild", "kategorie", "fichier", "catégorie", "archivo",
        "categoría", "imagen", "файл", "категория", "изображение", "категорија", "kategorija", "attēls",
        "kategoreja", "fails", "template", "wikipedia", "wp", "help", "portal", "special", "user",
    ]

    private static func inline(_ s: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(s.count)
        var i = 0
        while i < s.count {
            let b = s[i]
            if b == 0x5B, i + 1 < s.count, s[i + 1] == 0x5B, let end = matchingLinkEnd(s, from: i) {
                out += link(Array(s[(i + 2)..<end]))
                i = end + 2
                continue
            }
            if b == 0x5B, let end = find(s, "]", from: i + 1), isExternal(s, i + 1) {
                let inner = s[(i + 1)..<end]
                if let space = inner.firstIndex(of: 0x20) { out += inline(Array(inner[(space + 1)...])) }
                i = end + 1
                continue
            }
            if b == 0x27, i + 1 < s.count, s[i + 1] == 0x27 {
                while i < s.count, s[i] == 0x27 { i += 1 }
                continue
            }
            if b == 0x5F, starts(s, i, "__"), let end = find(s, "__", from: i + 2), end - i < 40,
               s[(i + 2)..<end].allSatisfy({ $0 >= 0x41 && $0 <= 0x5A }) {
                i = end + 2
                continue
            }
            out.append(b)
            i += 1
        }
        return out
    }

    /// The index of the `]]` that closes the `[[` at `from` (links nest in file captions).
    private static func matchingLinkEnd(_ s: [UInt8], from: Int) -> Int? {
        var depth = 0
        var i = from
        while i + 1 < s.count {
            if s[i] == 0x5B, s[i + 1] == 0x5B { depth += 1; i += 2; continue }
            if s[i] == 0x5D, s[i + 1] == 0x5D {
                depth -= 1
                if depth == 0 { return i }
                i += 2
                continue
            }
            i += 1
        }
        return nil
    }

    private static func link(_ inner: [UInt8]) -> [UInt8] {
        var target = inner[...]
        let leadingColon = target.first == 0x3A
        if leadingColon { target = target.dropFirst() }
        let parts = target.split(separator: 0x7C, maxSplits: 1, omittingEmptySubsequences: false)
        let page = parts[0]
        if !leadingColon, let colon = page.firstIndex(of: 0x3A) {
            let prefix = String(decoding: page[..<colon], as: UTF8.self).lowercased().trimmingSpaces
            if droppedNamespaces.contains(prefix) { return [] }
            // Interlanguage links: [[de:Seite]].
            if parts.count == 1, prefix.count >= 2, prefix.count <= 12, prefix.utf8.allSatisfy({ ($0 >= 0x61 && $0 <= 0x7A) || $0 == 0x2D }) {
                return []
            }
        }
        if parts.count == 2, !parts[1].isEmpty {
            // The label is the last part (file-like links have several).
            let label = parts[1].split(separator: 0x7C, omittingEmptySubsequences: false).last!
            return inline(Array(label))
        }
        // [[Page#Section]] reads as "Page"; the pipe trick [[Page (x)|]] as "Page".
        var text = page.prefix { $0 != 0x23 }
        if parts.count == 2, let paren = text.firstIndex(of: 0x28) { text = text[..<paren] }
        return Array(trim(Array(text)))
    }

    private static func isExternal(_ s: [UInt8], _ i: Int) -> Bool {
        starts(s, i, "http://") || starts(s, i, "https://") || starts(s, i, "ftp://") || starts(s, i, "//") || starts(s, i, "mailto:")
    }

    // MARK: Entities and bytes

    private static let entities: [String: String] = [
        "nbsp": " ", "amp": "&", "lt": "<", "gt": ">", "quot": "\"", "apos": "'", "ndash": "–", "mdash": "—",
        "hellip": "…", "minus": "−", "times": "×", "deg": "°", "laquo": "«", "raquo": "»", "copy": "©",
        "shy": "", "thinsp": " ", "ensp": " ", "emsp": " ", "middot": "·", "bull": "•", "euro": "€", "pound": "£",
    ]

    static func decodeEntities(_ text: String) -> String {
        guard text.contains("&") else { return text }
        var out = ""
        out.reserveCapacity(text.utf8.count)
        var rest = Substring(text)
        while let amp = rest.firstIndex(of: "&") {
            out += rest[..<amp]
            let after = rest[rest.index(after: amp)...]
            if let semi = after.prefix(12).firstIndex(of: ";") {
                let name = String(after[..<semi])
                var replacement: String?
                if name.hasPrefix("#x") || name.hasPrefix("#X") {
                    replacement = UInt32(name.dropFirst(2), radix: 16).flatMap(Unicode.Scalar.init).map { String(Character($0)) }
                } else if name.hasPrefix("#") {
                    replacement = UInt32(name.dropFirst()).flatMap(Unicode.Scalar.init).map { String(Character($0)) }
                } else {
                    replacement = entities[name]
                }
                if let replacement {
                    out += replacement
                    rest = after[after.index(after: semi)...]
                    continue
                }
            }
            out += "&"
            rest = after
        }
        out += rest
        return out
    }

    private static func isNameByte(_ b: UInt8) -> Bool {
        (b >= 0x61 && b <= 0x7A) || (b >= 0x41 && b <= 0x5A) || (b >= 0x30 && b <= 0x39)
    }

    private static func starts(_ s: [UInt8], _ i: Int, _ p: String) -> Bool { starts(s, i, Array(p.utf8)) }
    private static func starts(_ s: [UInt8], _ i: Int, _ p: [UInt8]) -> Bool {
        guard i + p.count <= s.count else { return false }
        for k in 0..<p.count where s[i + k] != p[k] { return false }
        return true
    }

    private static func find(_ s: [UInt8], _ p: String, from: Int) -> Int? {
        let p = Array(p.utf8)
        var i = from
        while i + p.count <= s.count {
            if s[i] == p[0], starts(s, i, p) { return i }
            i += 1
        }
        return nil
    }

    private static func findCaseInsensitive(_ s: [UInt8], _ p: String, from: Int) -> Int? {
        let p = Array(p.lowercased().utf8)
        var i = from
        while i + p.count <= s.count {
            var k = 0
            while k < p.count, (s[i + k] >= 0x41 && s[i + k] <= 0x5A ? s[i + k] | 0x20 : s[i + k]) == p[k] { k += 1 }
            if k == p.count { return i }
            i += 1
        }
        return nil
    }

    private static func trim(_ s: [UInt8]) -> [UInt8] {
        var a = 0
        var b = s.count
        while a < b, s[a] == 0x20 || s[a] == 0x09 { a += 1 }
        while b > a, s[b - 1] == 0x20 || s[b - 1] == 0x09 { b -= 1 }
        return Array(s[a..<b])
    }
}

extension String {
    fileprivate var trimmingSpaces: String {
        var s = Substring(self)
        while s.first == " " { s.removeFirst() }
        while s.last == " " { s.removeLast() }
        return String(s)
    }
}
