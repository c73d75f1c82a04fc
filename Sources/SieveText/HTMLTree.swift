/// The elements the extractor tells apart. Every other element is `.other` and treated as
/// inline; text nodes are `.text`.
public enum HTMLTag: UInt8, Sendable {
    case text, other
    case a, address, article, aside, audio, blockquote, body, br, button, canvas, caption, center
    case dd, details, dialog, div, dl, dt, embed, fieldset, figcaption, figure, footer, form
    case h1, h2, h3, h4, h5, h6, head, header, hr, html, iframe, img, input, label, li, main, map, math
    case menu, nav, noscript, object, ol, option, p, picture, pre, rp, rt, script, section, select, style
    case span, summary, svg, table, td, template, textarea, th, title, tr, ul, video

    private static let byName: [String: HTMLTag] = {
        var names: [String: HTMLTag] = [:]
        for raw in UInt8(2)...HTMLTag.video.rawValue {
            let tag = HTMLTag(rawValue: raw)!
            names[String(describing: tag)] = tag
        }
        return names
    }()

    /// The tag for a lowercase element name (libxml2's HTML parser lowercases names).
    public init(name: String) { self = HTMLTag.byName[name] ?? .other }

    /// Starts a new line in the extracted text.
    public var isBlock: Bool {
        switch self {
        case .address, .article, .aside, .blockquote, .body, .caption, .center, .dd, .details, .dialog, .div, .dl,
             .dt, .fieldset, .figcaption, .figure, .footer, .form, .h1, .h2, .h3, .h4, .h5, .h6, .header, .hr,
             .html, .li, .main, .menu, .nav, .ol, .p, .pre, .section, .summary, .table, .td, .th, .tr, .ul, .br:
            true
        default:
            false
        }
    }

    public var isHeading: Bool {
        switch self {
        case .h1, .h2, .h3, .h4, .h5, .h6: true
        default: false
        }
    }
}

/// A parsed HTML page flattened into arrays in document order (preorder), which the extractor
/// walks without touching libxml2: node `i`'s descendants are `i+1 ..< end[i]`.
///
/// For a text node, `start..<stop` is its UTF-8 text in `text`; for an element, it is its
/// lowercased `class`, `id`, `role` and `itemprop` values (space-separated) in `attributes`.
public struct HTMLTree: Sendable {
    public var tag: [HTMLTag] = []
    public var end: [Int32] = []
    public var start: [Int32] = []
    public var stop: [Int32] = []
    public var hidden: [Bool] = []
    public var text: [UInt8] = []
    public var attributes: [UInt8] = []
    /// The text of `<title>`, whitespace collapsed.
    public var title = ""
    /// Whether nesting deeper than the cap was cut off.
    public var truncatedDepth = false

    public init() {}

    public var count: Int { tag.count }

    public func hasAttributes(_ i: Int) -> Bool { stop[i] > start[i] }
}
