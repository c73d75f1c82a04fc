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

// MARK: - Extraction helpers

extension HTMLTree {
    /// Parses UTF-8 HTML with libxml2's HTML parser (tolerant, as `HTMLDocument`) straight into an
    /// `HTMLTree` through its SAX interface: no libxml2 tree is built or freed, which halves the
    /// cost. libxml2's nesting limit is lifted (`XML_PARSE_HUGE`, or the parse would stop at the
    /// first element nested 256 deep); elements deeper than `maxDepth` are dropped, their text kept
    /// (`truncatedDepth`). Returns nil for empty input.
    public static func parse(html: String, maxDepth: Int = 256) -> HTMLTree? {
        var html = html
        guard !html.isEmpty else { return nil }
        let builder = HTMLTreeBuilder(maxDepth: maxDepth)
        html.withUTF8 { bytes in
            bytes.withMemoryRebound(to: CChar.self) { chars in
                guard let context = htmlCreateMemoryParserCtxt(chars.baseAddress, Int32(clamping: chars.count)) else { return }
                defer { htmlFreeParserCtxt(context) }
                // The text is UTF-8 already (without this, libxml2 falls back to Latin-1).
                context.pointee.charset = Int32(XML_CHAR_ENCODING_UTF8.rawValue)
                _ = htmlCtxtUseOptions(context, Int32(HTML_PARSE_RECOVER.rawValue | HTML_PARSE_NOERROR.rawValue
                    | HTML_PARSE_NOWARNING.rawValue | HTML_PARSE_NONET.rawValue | HTML_PARSE_IGNORE_ENC.rawValue
                    | XML_PARSE_HUGE.rawValue))
                guard let sax = context.pointee.sax else { return }
                // libxml2's handler builds a tree; ours fills the builder (errors stay silent: no error callbacks).
                sax.pointee = htmlSAXHandler()
                sax.pointee.startElement = { ctx, name, attributes in
                    guard let ctx, let name else { return }
                    Unmanaged<HTMLTreeBuilder>.fromOpaque(ctx).takeUnretainedValue().start(name, attributes)
                }
                sax.pointee.endElement = { ctx, _ in
                    guard let ctx else { return }
                    Unmanaged<HTMLTreeBuilder>.fromOpaque(ctx).takeUnretainedValue().end()
                }
                let characters: charactersSAXFunc = { ctx, text, length in
                    guard let ctx, let text, length > 0 else { return }
                    Unmanaged<HTMLTreeBuilder>.fromOpaque(ctx).takeUnretainedValue().characters(text, Int(length))
                }
                sax.pointee.characters = characters
                sax.pointee.ignorableWhitespace = characters
                sax.pointee.cdataBlock = characters
                context.pointee.userData = Unmanaged.passUnretained(builder).toOpaque()
                _ = htmlParseDocument(context)
            }
        }
        return builder.finish()
    }
}

/// Receives libxml2's SAX events and appends to an `HTMLTree`.
private final class HTMLTreeBuilder {
    var tree = HTMLTree()
    let maxDepth: Int
    var open: [Int32] = []  // the elements whose end is not yet known
    var skipped = 0  // open elements below the depth cap, not in the tree
    var inText = false  // the last event was text: more text extends that node
    var tags: [UnsafeRawPointer: HTMLTag] = [:]  // libxml2 interns names: one lookup per name and page
    var attributeKinds: [UnsafeRawPointer: AttributeKind] = [:]

    init(maxDepth: Int) { self.maxDepth = maxDepth }

    func start(_ name: UnsafePointer<xmlChar>, _ attributes: UnsafeMutablePointer<UnsafePointer<xmlChar>?>?) {
        inText = false
        if open.count >= maxDepth || skipped > 0 {
            skipped += 1
            tree.truncatedDepth = true
            return
        }
        let key = UnsafeRawPointer(name)
        let tag = tags[key] ?? {
            let t = HTMLTag(name: String(cString: name))
            tags[key] = t
            return t
        }()
        let index = Int32(tree.tag.count)
        tree.tag.append(tag)
        tree.end.append(index + 1)
        tree.start.append(Int32(tree.attributes.count))
        var hidden = false
        var k = 0
        while let attributes, let attributeName = attributes[k] {
            let value = attributes[k + 1]
            k += 2
            let nameKey = UnsafeRawPointer(attributeName)
            let kind = attributeKinds[nameKey] ?? {
                let a = AttributeKind(String(cString: attributeName))
                attributeKinds[nameKey] = a
                return a
            }()
            switch kind {
            case .ignored: break
            case .hidden: hidden = true
            case .label:
                guard var p = value else { break }
                if tree.attributes.count > Int(tree.start[Int(index)]) { tree.attributes.append(32) }
                while p.pointee != 0 {
                    let c = p.pointee
                    tree.attributes.append(c >= 65 && c <= 90 ? c + 32 : c)
                    p += 1
                }
            case .ariaHidden:
                if value?.pointee == UInt8(ascii: "t") { hidden = true }
            case .style:
                if let value, styleHides(value) { hidden = true }
            }
        }
        tree.stop.append(Int32(tree.attributes.count))
        tree.hidden.append(hidden)
        open.append(index)
    }

    func end() {
        inText = false
        if skipped > 0 { skipped -= 1; return }
        guard let index = open.popLast() else { return }
        tree.end[Int(index)] = Int32(tree.tag.count)
    }

    func characters(_ text: UnsafePointer<xmlChar>, _ length: Int) {
        let buffer = UnsafeBufferPointer(start: text, count: length)
        // Text right after text (libxml2 delivers long runs in pieces) extends that node.
        if inText {
            tree.text.append(contentsOf: buffer)
            tree.stop[tree.stop.count - 1] = Int32(tree.text.count)
            return
        }
        let index = Int32(tree.tag.count)
        tree.tag.append(.text)
        tree.end.append(index + 1)
        tree.start.append(Int32(tree.text.count))
        tree.text.append(contentsOf: buffer)
        tree.stop.append(Int32(tree.text.count))
        tree.hidden.append(false)
        inText = true
    }

    func finish() -> HTMLTree {
        while let index = open.popLast() { tree.end[Int(index)] = Int32(tree.tag.count) }
        return tree
    }

    enum AttributeKind {
        case ignored, label, hidden, ariaHidden, style

        init(_ name: String) {
            switch name {
            case "class", "id", "role", "itemprop": self = .label
            case "hidden": self = .hidden
            case "aria-hidden": self = .ariaHidden
            case "style": self = .style
            default: self = .ignored
            }
        }
    }
}

/// Whether an inline style says `display: none` or `visibility: hidden`.
private func styleHides(_ value: UnsafePointer<xmlChar>) -> Bool {
    var squeezed: [UInt8] = []
    var p = value
    while p.pointee != 0, squeezed.count < 512 {
        let c = p.pointee
        if c != 32 && c != 9 && c != 10 && c != 13 { squeezed.append(c >= 65 && c <= 90 ? c + 32 : c) }
        p += 1
    }
    return squeezed.contains(subsequence: Array("display:none".utf8))
        || squeezed.contains(subsequence: Array("visibility:hidden".utf8))
}

extension [UInt8] {
    fileprivate func contains(subsequence needle: [UInt8]) -> Bool {
        guard needle.count <= count else { return false }
        for k in 0...(count - needle.count) where self[k] == needle[0] {
            if self[k ..< k + needle.count].elementsEqual(needle) { return true }
        }
        return false
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
