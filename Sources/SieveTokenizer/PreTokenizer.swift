/// GPT-2's pre-tokenizer, written by hand over UTF-8 bytes. It splits text exactly as the regex of
/// OpenAI's `encoder.py` (and the `ByteLevel` pre-tokenizer of Hugging Face `tokenizers`) does:
///
///     's|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+
///
/// `\p{L}` is general category L*, `\p{N}` N*, `\s` the Unicode White_Space property (what
/// `tokenizers` matches: U+0085, U+00A0 and U+3000 are spaces, U+200B and U+FEFF are not). Bytes
/// that are not valid UTF-8 count one by one as "other" characters, so every byte string splits,
/// and the pieces always concatenate back to the input.
public enum PreTokenizer {
    static let other: UInt8 = 0, letter: UInt8 = 1, number: UInt8 = 2, space: UInt8 = 3

    /// Class of every scalar of the Basic Multilingual Plane, computed once.
    nonisolated(unsafe) static let bmp: UnsafeMutablePointer<UInt8> = {
        let table = UnsafeMutablePointer<UInt8>.allocate(capacity: 0x10000)
        for v in 0..<0x10000 { table[v] = Unicode.Scalar(UInt32(v)).map(classify) ?? other }
        return table
    }()

    static func classify(_ scalar: Unicode.Scalar) -> UInt8 {
        let properties = scalar.properties
        if properties.isWhitespace { return space }
        switch properties.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter: return letter
        case .decimalNumber, .letterNumber, .otherNumber: return number
        default: return other
        }
    }

    /// Class and UTF-8 length of the character at `i` (an invalid byte: `other`, length 1).
    @inline(__always)
    static func character(_ p: UnsafePointer<UInt8>, _ i: Int, _ n: Int, _ table: UnsafeMutablePointer<UInt8>) -> (UInt8, Int) {
        let b0 = p[i]
        if b0 < 0x80 { return (table[Int(b0)], 1) }
        return multibyte(p, i, n, table)
    }

    static func multibyte(_ p: UnsafePointer<UInt8>, _ i: Int, _ n: Int, _ table: UnsafeMutablePointer<UInt8>) -> (UInt8, Int) {
        let b0 = p[i]
        func continuation(_ k: Int) -> UInt32? {
            guard k < n, p[k] & 0xC0 == 0x80 else { return nil }
            return UInt32(p[k] & 0x3F)
        }
        if b0 < 0xC2 { return (other, 1) }
        if b0 < 0xE0 {
            guard let c1 = continuation(i + 1) else { return (other, 1) }
            return (table[Int(UInt32(b0 & 0x1F) << 6 | c1)], 2)
        }
        if b0 < 0xF0 {
            guard let c1 = continuation(i + 1), let c2 = continuation(i + 2) else { return (other, 1) }
            let v = UInt32(b0 & 0x0F) << 12 | c1 << 6 | c2
            guard v >= 0x800, !(0xD800...0xDFFF).contains(v) else { return (other, 1) }
            return (table[Int(v)], 3)
        }
        if b0 < 0xF5 {
            guard let c1 = continuation(i + 1), let c2 = continuation(i + 2), let c3 = continuation(i + 3) else { return (other, 1) }
            let v = UInt32(b0 & 0x07) << 18 | c1 << 12 | c2 << 6 | c3
            guard (0x10000...0x10FFFF).contains(v), let scalar = Unicode.Scalar(v) else { return (other, 1) }
            return (classify(scalar), 4)
        }
        return (other, 1)
    }

    /// Calls `piece(start, end)` for each piece of `bytes`, in order.
    @inline(__always)
    public static func split(_ bytes: UnsafeRawBufferPointer, _ piece: (Int, Int) throws -> Void) rethrows {
        guard let base = bytes.baseAddress, bytes.count > 0 else { return }
        try split(base.assumingMemoryBound(to: UInt8.self), bytes.count, piece)
    }

    @inline(__always)
    static func split(_ p: UnsafePointer<UInt8>, _ n: Int, _ piece: (Int, Int) throws -> Void) rethrows {
        let table = bmp
        var i = 0
        while i < n {
            let b = p[i]
            if b == 0x27, i + 1 < n {  // 's 't 're 've 'm 'll 'd
                let c = p[i + 1]
                if c == 0x73 || c == 0x74 || c == 0x6D || c == 0x64 {
                    try piece(i, i + 2)
                    i += 2
                    continue
                }
                if i + 2 < n {
                    let d = p[i + 2]
                    if (c == 0x72 || c == 0x76) && d == 0x65 || c == 0x6C && d == 0x6C {
                        try piece(i, i + 3)
                        i += 3
                        continue
                    }
                }
            }
            var (kind, length) = character(p, i, n, table)
            var j = i
            if b == 0x20, i + 1 < n {  // " ?" before a letter, number or other run
                let (next, nextLength) = character(p, i + 1, n, table)
                if next != space {
                    kind = next
                    j = i + 1
                    length = nextLength
                }
            }
            if kind != space {
                j += length
                while j < n {
                    let (k, l) = character(p, j, n, table)
                    if k != kind { break }
                    j += l
                }
                try piece(i, j)
                i = j
                continue
            }
            // \s+(?!\S) leaves the last space of a run to the word after it; \s+ takes a lone one.
            var end = i
            var last = i
            while end < n {
                let (k, l) = character(p, end, n, table)
                if k != space { break }
                last = end
                end += l
            }
            let stop = end < n && last > i ? last : end
            try piece(i, stop)
            i = stop
        }
    }
}
