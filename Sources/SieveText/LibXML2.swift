import CXML2

/// libxml2's HTML parser, wrapped: a tolerant parse of real-world HTML into a tree that Swift
/// walks. This is the one Swift file that imports libxml2.
///
/// Parsing never touches the network or reads external entities, and is silent (no error
/// output); nesting is capped by libxml2 itself (256 levels unless `HTML_PARSE_HUGE`).
public final class HTMLDocument {
    private let document: htmlDocPtr

    /// Parses UTF-8 HTML. Returns nil for input libxml2 cannot make a tree of (empty input).
    public init?(html: String) {
        var html = html
        let options = Int32(HTML_PARSE_RECOVER.rawValue | HTML_PARSE_NOERROR.rawValue | HTML_PARSE_NOWARNING.rawValue
            | HTML_PARSE_NONET.rawValue | HTML_PARSE_COMPACT.rawValue)
        let parsed = html.withUTF8 { bytes in
            bytes.withMemoryRebound(to: CChar.self) {
                htmlReadMemory($0.baseAddress, Int32(clamping: $0.count), nil, "UTF-8", options)
            }
        }
        guard let parsed else { return nil }
        document = parsed
    }

    deinit { xmlFreeDoc(document) }

    /// The root element.
    public var root: HTMLNode? { xmlDocGetRootElement(document).map(HTMLNode.init) }
}

/// A node of a parsed HTML tree; valid while its `HTMLDocument` lives.
public struct HTMLNode {
    fileprivate let node: xmlNodePtr

    public enum Kind { case element, text, other }

    public var kind: Kind {
        switch node.pointee.type {
        case XML_ELEMENT_NODE: .element
        case XML_TEXT_NODE, XML_CDATA_SECTION_NODE: .text
        default: .other
        }
    }

    /// The element's lowercase tag name (`p`, `div`, …).
    public var name: String { node.pointee.name.map { String(cString: $0) } ?? "" }

    /// The text of a text node.
    public var content: String { node.pointee.content.map { String(cString: $0) } ?? "" }

    public func attribute(_ name: String) -> String? {
        guard let value = xmlGetProp(node, name) else { return nil }
        defer { sieve_xmlFree(value) }
        return String(cString: value)
    }

    public var children: Children { Children(first: node.pointee.children) }

    public struct Children: Sequence, IteratorProtocol {
        fileprivate var upcoming: xmlNodePtr?
        init(first: xmlNodePtr?) { upcoming = first }
        public mutating func next() -> HTMLNode? {
            guard let current = upcoming else { return nil }
            upcoming = current.pointee.next
            return HTMLNode(node: current)
        }
    }

    /// All text below this node, in document order.
    public var textContent: String {
        guard let value = xmlNodeGetContent(node) else { return "" }
        defer { sieve_xmlFree(value) }
        return String(cString: value)
    }
}

// MARK: - Streaming XML reader

/// libxml2's pull parser (xmlTextReader) over bytes that a closure supplies: the document is
/// read node by node and never held whole (a MediaWiki dump can be tens of GB). The encoding
/// is taken from the BOM or the XML declaration (UTF-8, UTF-16 with BOM, …). No network, no
/// external entities, no entity expansion, silent on errors.
public final class XMLStreamReader {
    public enum NodeType { case element, endElement, text, other }

    /// A parse error with libxml2's message, or the error the byte source threw.
    public struct ParseError: Error, CustomStringConvertible {
        public var description: String
    }

    fileprivate let source: (UnsafeMutableRawBufferPointer) throws -> Int
    fileprivate var sourceError: Error?
    private var reader: xmlTextReaderPtr?

    /// `read` fills the buffer it is given and returns the byte count, 0 at the end.
    public init(read: @escaping (UnsafeMutableRawBufferPointer) throws -> Int) {
        source = read
        let options = Int32(XML_PARSE_NONET.rawValue | XML_PARSE_NOERROR.rawValue | XML_PARSE_NOWARNING.rawValue
            | XML_PARSE_COMPACT.rawValue | XML_PARSE_NOCDATA.rawValue)
        reader = xmlReaderForIO(xmlStreamRead, nil, Unmanaged.passUnretained(self).toOpaque(), nil, nil, options)
    }

    deinit { if let reader { xmlFreeTextReader(reader) } }

    /// Moves to the next node; false at the end of the document.
    public func next() throws -> Bool {
        guard let reader else { throw ParseError(description: "libxml2 could not create a reader") }
        let status = xmlTextReaderRead(reader)
        if let sourceError { throw sourceError }
        if status < 0 {
            let message = xmlGetLastError().flatMap { $0.pointee.message }.map { String(cString: $0) } ?? "malformed XML"
            throw ParseError(description: message.trimmingNewline + " (line \(xmlTextReaderGetParserLineNumber(reader)))")
        }
        return status == 1
    }

    public var nodeType: NodeType {
        switch xmlTextReaderNodeType(reader) {
        case Int32(XML_READER_TYPE_ELEMENT.rawValue): .element
        case Int32(XML_READER_TYPE_END_ELEMENT.rawValue): .endElement
        case Int32(XML_READER_TYPE_TEXT.rawValue), Int32(XML_READER_TYPE_SIGNIFICANT_WHITESPACE.rawValue),
             Int32(XML_READER_TYPE_CDATA.rawValue): .text
        default: .other
        }
    }

    /// The local name of the current element.
    public var name: String { xmlTextReaderConstLocalName(reader).map { String(cString: $0) } ?? "" }
    public var depth: Int { Int(xmlTextReaderDepth(reader)) }
    public var isEmptyElement: Bool { xmlTextReaderIsEmptyElement(reader) == 1 }

    public func attribute(_ name: String) -> String? {
        guard let value = xmlTextReaderGetAttribute(reader, name) else { return nil }
        defer { sieve_xmlFree(value) }
        return String(cString: value)
    }

    /// The text inside the current element (entities decoded), read as one string.
    public func readString() -> String {
        guard let value = xmlTextReaderReadString(reader) else { return "" }
        defer { sieve_xmlFree(value) }
        return String(cString: value)
    }
}

/// libxml2's read callback: pulls the next bytes from the reader's source.
private func xmlStreamRead(_ context: UnsafeMutableRawPointer?, _ buffer: UnsafeMutablePointer<CChar>?, _ length: Int32) -> Int32 {
    let reader = Unmanaged<XMLStreamReader>.fromOpaque(context!).takeUnretainedValue()
    do {
        return Int32(try reader.source(UnsafeMutableRawBufferPointer(start: buffer, count: Int(length))))
    } catch {
        reader.sourceError = error
        return -1
    }
}

extension String {
    fileprivate var trimmingNewline: String {
        var s = Substring(self)
        while s.last == "\n" { s.removeLast() }
        return String(s)
    }
}
