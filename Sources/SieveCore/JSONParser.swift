/// A strict JSON parser over UTF-8 bytes, written for the NDJSON hot path: no Foundation, no
/// intermediate tree for `text`, string runs copied in bulk.
///
/// Strings are decoded to Swift `String`s (invalid UTF-8 becomes U+FFFD, a lone surrogate escape
/// too); numbers keep their source text; objects keep key order and duplicate keys.
public struct JSONParser {
    public struct SyntaxError: Error, Sendable, Equatable, CustomStringConvertible {
        /// Byte offset in the parsed buffer.
        public var offset: Int
        public var message: String
        public var description: String { "\(message) at byte \(offset)" }
    }

    /// Deeper nesting than this is rejected instead of recursing without bound.
    public static let maxDepth = 256

    private let bytes: UnsafeRawBufferPointer
    private var i = 0
    private var scratch: [UInt8] = []

    public init(_ bytes: UnsafeRawBufferPointer) { self.bytes = bytes }

    /// Parses one complete JSON value; only whitespace may follow it.
    public static func parse(_ bytes: UnsafeRawBufferPointer) throws(SyntaxError) -> JSONValue {
        var parser = JSONParser(bytes)
        parser.skipSpace()
        let value = try parser.parseValue(depth: 0)
        try parser.expectEnd()
        return value
    }

    public static func parse(_ text: String) throws -> JSONValue {
        var text = text
        return try text.withUTF8 { try parse(UnsafeRawBufferPointer($0)) }
    }

    // MARK: - Pieces the document decoder drives directly

    var atEnd: Bool { i >= bytes.count }

    mutating func skipSpace() {
        while i < bytes.count {
            switch bytes[i] {
            case 0x20, 0x0A, 0x0D, 0x09: i += 1
            default: return
            }
        }
    }

    func fail(_ message: String) -> SyntaxError { SyntaxError(offset: i, message: message) }

    mutating func expect(_ byte: UInt8, _ what: String) throws(SyntaxError) {
        skipSpace()
        guard i < bytes.count, bytes[i] == byte else { throw fail("expected \(what)") }
        i += 1
    }

    /// Consumes `byte` if it is next (after whitespace).
    mutating func consume(_ byte: UInt8) -> Bool {
        skipSpace()
        if i < bytes.count, bytes[i] == byte {
            i += 1
            return true
        }
        return false
    }

    mutating func expectEnd() throws(SyntaxError) {
        skipSpace()
        if i < bytes.count { throw fail("unexpected data after the JSON value") }
    }

    mutating func parseValue(depth: Int) throws(SyntaxError) -> JSONValue {
        skipSpace()
        guard i < bytes.count else { throw fail("unexpected end of input") }
        switch bytes[i] {
        case UInt8(ascii: "\""): return .string(try parseString())
        case UInt8(ascii: "{"): return .object(try parseObject(depth: depth + 1))
        case UInt8(ascii: "["): return .array(try parseArray(depth: depth + 1))
        case UInt8(ascii: "t"): try literal("true"); return .bool(true)
        case UInt8(ascii: "f"): try literal("false"); return .bool(false)
        case UInt8(ascii: "n"): try literal("null"); return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number(try parseNumber())
        default: throw fail("unexpected character")
        }
    }

    private mutating func literal(_ word: StaticString) throws(SyntaxError) {
        let n = word.utf8CodeUnitCount
        guard i + n <= bytes.count else { throw fail("unexpected end of input") }
        for k in 0..<n where bytes[i + k] != word.utf8Start[k] { throw fail("unexpected character") }
        i += n
    }

    mutating func parseObject(depth: Int) throws(SyntaxError) -> JSONObject {
        i += 1  // {
        return try parseObjectBody(depth: depth)
    }

    /// Parses the members and the closing brace of an object whose `{` was consumed.
    mutating func parseObjectBody(depth: Int) throws(SyntaxError) -> JSONObject {
        guard depth <= Self.maxDepth else { throw fail("nested deeper than \(Self.maxDepth) levels") }
        var object = JSONObject()
        if consume(UInt8(ascii: "}")) { return object }
        repeat {
            skipSpace()
            guard i < bytes.count, bytes[i] == UInt8(ascii: "\"") else { throw fail("expected a string key") }
            let key = try parseString()
            try expect(UInt8(ascii: ":"), "':'")
            object.append(key: key, value: try parseValue(depth: depth))
        } while consume(UInt8(ascii: ","))
        try expect(UInt8(ascii: "}"), "',' or '}'")
        return object
    }

    private mutating func parseArray(depth: Int) throws(SyntaxError) -> [JSONValue] {
        guard depth <= Self.maxDepth else { throw fail("nested deeper than \(Self.maxDepth) levels") }
        i += 1  // [
        var array: [JSONValue] = []
        if consume(UInt8(ascii: "]")) { return array }
        repeat { array.append(try parseValue(depth: depth)) } while consume(UInt8(ascii: ","))
        try expect(UInt8(ascii: "]"), "',' or ']'")
        return array
    }

    /// Validates a number against the JSON grammar and returns its text unchanged.
    mutating func parseNumber() throws(SyntaxError) -> String {
        let start = i
        if bytes[i] == UInt8(ascii: "-") { i += 1 }
        guard i < bytes.count, isDigit(bytes[i]) else { throw fail("invalid number") }
        if bytes[i] == UInt8(ascii: "0") { i += 1 } else { skipDigits() }
        if i < bytes.count, bytes[i] == UInt8(ascii: ".") {
            i += 1
            guard i < bytes.count, isDigit(bytes[i]) else { throw fail("invalid number") }
            skipDigits()
        }
        if i < bytes.count, bytes[i] | 0x20 == UInt8(ascii: "e") {
            i += 1
            if i < bytes.count, bytes[i] == UInt8(ascii: "+") || bytes[i] == UInt8(ascii: "-") { i += 1 }
            guard i < bytes.count, isDigit(bytes[i]) else { throw fail("invalid number") }
            skipDigits()
        }
        return String(decoding: UnsafeRawBufferPointer(rebasing: bytes[start..<i]), as: UTF8.self)
    }

    private func isDigit(_ b: UInt8) -> Bool { b &- UInt8(ascii: "0") < 10 }
    private mutating func skipDigits() { while i < bytes.count, isDigit(bytes[i]) { i += 1 } }

    /// Parses a string starting at its opening quote. Runs without escapes are copied in one go.
    mutating func parseString() throws(SyntaxError) -> String {
        i += 1  // "
        var runStart = i
        // Fast path: no escapes at all. Eight bytes at a time until one needs a look.
        i = skipPlainRun(from: i)
        while i < bytes.count {
            let b = bytes[i]
            if b == UInt8(ascii: "\"") {
                let s = String(decoding: UnsafeRawBufferPointer(rebasing: bytes[runStart..<i]), as: UTF8.self)
                i += 1
                return s
            }
            if b == UInt8(ascii: "\\") { break }
            if b < 0x20 { throw fail("control character in string") }
            i += 1
        }
        scratch.removeAll(keepingCapacity: true)
        while true {
            i = skipPlainRun(from: i)
            while i < bytes.count {
                let b = bytes[i]
                if b == UInt8(ascii: "\"") || b == UInt8(ascii: "\\") { break }
                if b < 0x20 { throw fail("control character in string") }
                i += 1
            }
            scratch.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[runStart..<i]))
            guard i < bytes.count else { throw fail("unterminated string") }
            if bytes[i] == UInt8(ascii: "\"") {
                i += 1
                return String(decoding: scratch, as: UTF8.self)
            }
            try parseEscape()
            runStart = i
        }
    }

    /// The index of the first 8-byte word from `start` that holds a quote, a backslash or a
    /// control character (the caller finds which byte, one at a time).
    private func skipPlainRun(from start: Int) -> Int {
        var k = start
        guard let base = bytes.baseAddress else { return k }
        while k + 8 <= bytes.count {
            if SWAR.hasSpecialJSONByte(base.loadUnaligned(fromByteOffset: k, as: UInt64.self)) { break }
            k += 8
        }
        return k
    }

    private mutating func parseEscape() throws(SyntaxError) {
        i += 1  // backslash
        guard i < bytes.count else { throw fail("unterminated string") }
        let e = bytes[i]
        i += 1
        switch e {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): scratch.append(e)
        case UInt8(ascii: "n"): scratch.append(0x0A)
        case UInt8(ascii: "t"): scratch.append(0x09)
        case UInt8(ascii: "r"): scratch.append(0x0D)
        case UInt8(ascii: "b"): scratch.append(0x08)
        case UInt8(ascii: "f"): scratch.append(0x0C)
        case UInt8(ascii: "u"):
            var scalar = try hex4()
            if (0xD800..<0xDC00).contains(scalar) {
                // A high surrogate pairs with a following \uDC00-\uDFFF; alone it is U+FFFD.
                if i + 6 <= bytes.count, bytes[i] == UInt8(ascii: "\\"), bytes[i + 1] == UInt8(ascii: "u") {
                    let save = i
                    i += 2
                    let low = try hex4()
                    if (0xDC00..<0xE000).contains(low) {
                        scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                    } else {
                        scalar = 0xFFFD
                        i = save
                    }
                } else {
                    scalar = 0xFFFD
                }
            } else if (0xDC00..<0xE000).contains(scalar) {
                scalar = 0xFFFD
            }
            appendUTF8(scalar)
        default:
            i -= 1
            throw fail("invalid escape")
        }
    }

    private mutating func hex4() throws(SyntaxError) -> UInt32 {
        guard i + 4 <= bytes.count else { throw fail("truncated \\u escape") }
        var v: UInt32 = 0
        for _ in 0..<4 {
            let c = bytes[i]
            let d: UInt8
            switch c {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): d = c - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): d = c - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): d = c - UInt8(ascii: "A") + 10
            default: throw fail("invalid \\u escape")
            }
            v = v << 4 | UInt32(d)
            i += 1
        }
        return v
    }

    private mutating func appendUTF8(_ v: UInt32) {
        switch v {
        case 0..<0x80: scratch.append(UInt8(v))
        case 0x80..<0x800:
            scratch.append(UInt8(0xC0 | v >> 6))
            scratch.append(UInt8(0x80 | v & 0x3F))
        case 0x800..<0x10000:
            scratch.append(UInt8(0xE0 | v >> 12))
            scratch.append(UInt8(0x80 | v >> 6 & 0x3F))
            scratch.append(UInt8(0x80 | v & 0x3F))
        default:
            scratch.append(UInt8(0xF0 | v >> 18))
            scratch.append(UInt8(0x80 | v >> 12 & 0x3F))
            scratch.append(UInt8(0x80 | v >> 6 & 0x3F))
            scratch.append(UInt8(0x80 | v & 0x3F))
        }
    }
}
