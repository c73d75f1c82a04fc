/// The parts of an archived HTTP response that a reader needs (RFC 9112): status, media type
/// and charset from `Content-Type`, transfer and content codings, and where the body starts.
/// Lenient as crawlers' archives demand: a status line without reason text, lines ending in
/// `\r\r\n` or `\n`, repeated headers (the last wins).
struct HTTPResponseHead {
    var status: Int?
    /// Media type, lowercase, without parameters (`text/html`).
    var mediaType: String?
    var charset: String?
    var chunked = false
    /// `gzip`, `deflate`, `br`, … (lowercase), nil for none or `identity`.
    var contentEncoding: String?
    var bodyStart: Int

    /// Parses the head of `message`: a response must start with `HTTP/`, a request with a
    /// method token and a space; nil if it does not. When the record says it holds HTTP
    /// (`application/http`), `trusted` accepts any first line, as warcio does.
    init?(_ message: UnsafeRawBufferPointer, request: Bool = false, trusted: Bool = false) {
        if trusted {
            // Any first line.
        } else if request {
            guard let space = message.prefix(16).firstIndex(of: 0x20), space > 0,
                  message[..<space].allSatisfy({ $0 >= 0x41 && $0 <= 0x5A }) else { return nil }
        } else {
            guard message.count >= 5, message[0] == 0x48, message[1] == 0x54, message[2] == 0x54, message[3] == 0x50,
                  message[4] == 0x2F else { return nil }
        }
        let block = blankLine(in: message, from: 0)
        bodyStart = block?.body ?? message.count
        var status: Int?
        var contentType: String?
        var chunked = false
        var encoding: String?
        forEachLine(UnsafeRawBufferPointer(rebasing: message[0..<(block?.end ?? message.count)])) { line, first in
            if first {
                // HTTP/1.1 200 OK
                let parts = String(decoding: line, as: UTF8.self).split(separator: " ", maxSplits: 2)
                status = !request && parts.count > 1 ? Int(parts[1]) : nil
                return
            }
            guard let colon = line.firstIndex(of: 0x3A) else { return }
            let key = UnsafeRawBufferPointer(rebasing: line[..<colon])
            let value = { trimmed(UnsafeRawBufferPointer(rebasing: line[(colon + 1)...])) }
            if equalsLower(key, "content-type") { contentType = value() }
            else if equalsLower(key, "transfer-encoding") { chunked = value().lowercased().contains("chunked") }
            else if equalsLower(key, "content-encoding") {
                let v = value().lowercased()
                encoding = v.isEmpty || v == "identity" ? nil : v
            }
        }
        self.status = status
        self.chunked = chunked
        self.contentEncoding = encoding
        if let contentType { (mediaType, charset) = parseContentType(contentType) }
    }
}

/// `text/html; charset="UTF-8"` → (`text/html`, `UTF-8`).
func parseContentType(_ value: String) -> (mediaType: String?, charset: String?) {
    let parts = value.split(separator: ";")
    let media = parts.first.map { $0.trimmingCharacters().lowercased() }
    var charset: String?
    for p in parts.dropFirst() {
        let kv = p.split(separator: "=", maxSplits: 1)
        if kv.count == 2, kv[0].trimmingCharacters().lowercased() == "charset" {
            let v = kv[1].trimmingCharacters().filter { $0 != "\"" && $0 != "'" }
            if !v.isEmpty { charset = v }
        }
    }
    return (media?.isEmpty == false ? media : nil, charset)
}

extension Substring {
    func trimmingCharacters() -> String {
        var s = self
        while let c = s.first, c == " " || c == "\t" { s.removeFirst() }
        while let c = s.last, c == " " || c == "\t" { s.removeLast() }
        return String(s)
    }
}

/// Removes HTTP/1.1 chunked transfer coding (RFC 9112 §7.1). Nil if `body` is not validly
/// chunked (archives often store the decoded body with the header left in; the caller then
/// uses the body as it is, as warcio does).
func dechunk(_ body: UnsafeRawBufferPointer) -> [UInt8]? {
    var out: [UInt8] = []
    out.reserveCapacity(body.count)
    var i = 0
    while i < body.count {
        // chunk-size [; extensions] CRLF
        var size = 0
        var digits = 0
        while i < body.count, let d = hexValue(body[i]) {
            size = size &* 16 &+ d
            digits += 1
            i += 1
            if digits > 15 { return nil }
        }
        guard digits > 0 else { return nil }
        while i < body.count, body[i] != 0x0A { i += 1 }
        i += 1
        if size == 0 { return out }
        guard i + size <= body.count else { return nil }
        out.append(contentsOf: UnsafeRawBufferPointer(rebasing: body[i..<(i + size)]))
        i += size
        if i < body.count, body[i] == 0x0D { i += 1 }
        if i < body.count, body[i] == 0x0A { i += 1 }
    }
    // The last chunk is missing: the body was cut, what came is kept.
    return out
}

private func hexValue(_ b: UInt8) -> Int? {
    switch b {
    case 0x30...0x39: Int(b - 0x30)
    case 0x41...0x46: Int(b - 0x41 + 10)
    case 0x61...0x66: Int(b - 0x61 + 10)
    default: nil
    }
}
