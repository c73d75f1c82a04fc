/// GPT-2's reversible map between bytes and printable Unicode characters (`bytes_to_unicode` in
/// OpenAI's `encoder.py`, the `ByteLevel` pre-tokenizer of Hugging Face `tokenizers`): printable
/// Latin-1 bytes (`!`…`~`, `¡`…`¬`, `®`…`ÿ`) stand for themselves, the 68 others map to U+0100 and
/// up, in byte order (a space becomes `Ġ`, a newline `Ċ`). Token strings in `tokenizer.json` are
/// written in these characters.
public enum ByteLevel {
    /// The character that stands for each byte.
    public static let characters: [Unicode.Scalar] = {
        var map = [Unicode.Scalar](repeating: " ", count: 256)
        var next: UInt32 = 256
        for b in 0..<256 {
            if isPrintable(UInt8(b)) {
                map[b] = Unicode.Scalar(UInt32(b))!
            } else {
                map[b] = Unicode.Scalar(next)!
                next += 1
            }
        }
        return map
    }()

    static func isPrintable(_ b: UInt8) -> Bool {
        (0x21...0x7E).contains(b) || (0xA1...0xAC).contains(b) || (0xAE...0xFF).contains(b)
    }

    /// The byte a character stands for, or nil if it is not one of the 256.
    public static func byte(for scalar: Unicode.Scalar) -> UInt8? {
        let v = scalar.value
        if v < 256 { return isPrintable(UInt8(v)) ? UInt8(v) : nil }
        guard v < 256 + 68 else { return nil }
        return inverse[Int(v - 256)]
    }

    private static let inverse: [UInt8] = (0..<256).filter { !isPrintable(UInt8($0)) }.map { UInt8($0) }

    /// The byte-level string of some bytes (`Ġthe` for ` the`).
    public static func encode(_ bytes: some Sequence<UInt8>) -> String {
        var s = String.UnicodeScalarView()
        for b in bytes { s.append(characters[Int(b)]) }
        return String(s)
    }

    /// The bytes of a byte-level string, or nil if a character is not one of the 256.
    public static func decode(_ string: String) -> [UInt8]? {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(string.unicodeScalars.count)
        for scalar in string.unicodeScalars {
            guard let b = byte(for: scalar) else { return nil }
            bytes.append(b)
        }
        return bytes
    }

    /// The 256 bytes in the order of their characters' code points: the order in which Hugging
    /// Face's `BpeTrainer` numbers its initial alphabet (and GPT-2's ids 0…255).
    public static let alphabetOrder: [UInt8] = (0..<256).map { UInt8($0) }.sorted {
        characters[Int($0)].value < characters[Int($1)].value
    }
}
