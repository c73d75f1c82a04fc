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
