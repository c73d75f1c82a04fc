import CXML2

/// libxml2's HTML parser, wrapped: a tolerant parse of real-world HTML into a tree that Swift
/// walks. This is the one Swift file that imports libxml2.
///
/// Parsing never touches the network or reads external entities, and is silent (no error
/// output); nesting is capped by libxml2 itself (256 levels unless `HTML_PARSE_HUGE`).
public final class HTMLDocument {
    private let document: htmlDocPtr

    /// Parses UTF-8 HTML. Returns nil for input libxml2 cannot make a tree of (empty input).
    /// `unlimitedDepth` lifts libxml2's nesting limit (256), which otherwise ends the parse at the
    /// first element nested deeper; the caller then caps depth itself (`tree(maxDepth:)`).
    public init?(html: String, unlimitedDepth: Bool = false) {
        var html = html
        let options = Int32(HTML_PARSE_RECOVER.rawValue | HTML_PARSE_NOERROR.rawValue | HTML_PARSE_NOWARNING.rawValue
            | HTML_PARSE_NONET.rawValue | HTML_PARSE_COMPACT.rawValue | (unlimitedDepth ? XML_PARSE_HUGE.rawValue : 0))
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

extension HTMLDocument {
    /// The page as an `HTMLTree`: elements, text and the attributes the extractor reads, in
    /// document order. Walks iteratively (no recursion), so any nesting depth is safe; elements
    /// nested deeper than `maxDepth` are kept as text only (`truncatedDepth`).
    public func tree(maxDepth: Int = 512) -> HTMLTree {
        var tree = HTMLTree()
        guard let root = xmlDocGetRootElement(document) else { return tree }
        var tags: [UnsafeRawPointer: HTMLTag] = [:]
        var attributeKinds: [UnsafeRawPointer: AttributeKind] = [:]
        var open: [Int32] = []  // the elements whose end is not yet known
        var node: xmlNodePtr? = root
        var depth = 0

        func closeTo(_ depth: Int) {
            while open.count > depth { tree.end[Int(open.removeLast())] = Int32(tree.tag.count) }
        }

        while let current = node {
            var descend = false
            switch current.pointee.type {
            case XML_ELEMENT_NODE:
                closeTo(depth)
                let tag: HTMLTag
                if let name = current.pointee.name {
                    let key = UnsafeRawPointer(name)
                    if let known = tags[key] { tag = known } else {
                        tag = HTMLTag(name: String(cString: name))
                        tags[key] = tag
                    }
                } else {
                    tag = .other
                }
                let index = Int32(tree.tag.count)
                tree.tag.append(tag)
                tree.end.append(index + 1)
                tree.start.append(Int32(tree.attributes.count))
                var hidden = false
                var attribute = current.pointee.properties
                while let a = attribute {
                    defer { attribute = a.pointee.next }
                    guard let name = a.pointee.name else { continue }
                    let key = UnsafeRawPointer(name)
                    let kind = attributeKinds[key] ?? {
                        let k = AttributeKind(String(cString: name))
                        attributeKinds[key] = k
                        return k
                    }()
                    if kind == .ignored { continue }
                    if kind == .hidden { hidden = true; continue }
                    guard let value = a.pointee.children?.pointee.content else { continue }
                    switch kind {
                    case .label:
                        if tree.attributes.count > Int(tree.start[Int(index)]) { tree.attributes.append(32) }
                        var p = value
                        while p.pointee != 0 {
                            let c = p.pointee
                            tree.attributes.append(c >= 65 && c <= 90 ? c + 32 : c)
                            p += 1
                        }
                    case .ariaHidden:
                        if value.pointee == UInt8(ascii: "t") { hidden = true }
                    case .style:
                        hidden = hidden || styleHides(value)
                    case .ignored, .hidden:
                        break
                    }
                }
                tree.stop.append(Int32(tree.attributes.count))
                tree.hidden.append(hidden)
                if current.pointee.children != nil {
                    if depth < maxDepth {
                        open.append(index)
                        descend = true
                    } else {
                        tree.truncatedDepth = true
                        appendText(of: current, to: &tree)
                    }
                }
            case XML_TEXT_NODE, XML_CDATA_SECTION_NODE:
                closeTo(depth)
                if let content = current.pointee.content {
                    let index = Int32(tree.tag.count)
                    tree.tag.append(.text)
                    tree.end.append(index + 1)
                    tree.start.append(Int32(tree.text.count))
                    var p = content
                    while p.pointee != 0 { tree.text.append(p.pointee); p += 1 }
                    tree.stop.append(Int32(tree.text.count))
                    tree.hidden.append(false)
                }
            default:
                break
            }
            // Next node in document order.
            if descend, let child = current.pointee.children {
                node = child
                depth += 1
                continue
            }
            var up: xmlNodePtr? = current
            node = nil
            while let u = up {
                if let next = u.pointee.next { node = next; break }
                if depth == 0 { break }
                up = u.pointee.parent
                depth -= 1
                if up == root.pointee.parent { break }
            }
        }
        closeTo(0)
        return tree
    }

    private enum AttributeKind {
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
private func styleHides(_ value: UnsafeMutablePointer<xmlChar>) -> Bool {
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

/// The text below an element cut off by the depth cap, as one text node.
private func appendText(of node: xmlNodePtr, to tree: inout HTMLTree) {
    guard let value = xmlNodeGetContent(node) else { return }
    defer { sieve_xmlFree(value) }
    let index = Int32(tree.tag.count)
    tree.tag.append(.text)
    tree.end.append(index + 1)
    tree.start.append(Int32(tree.text.count))
    var p = value
    while p.pointee != 0 { tree.text.append(p.pointee); p += 1 }
    tree.stop.append(Int32(tree.text.count))
    tree.hidden.append(false)
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
