import SieveCore
/// Main-content extraction: HTML in, the article's plain text out, one paragraph, heading, list
/// item or table row per line, boilerplate left behind.
///
/// The page is parsed by libxml2's HTML parser straight into a flat `HTMLTree` (SAX, no DOM), then:
/// 1. **Clean** (after trafilatura's `MANUALLY_CLEANED` list and Readability's
///    `unlikelyCandidates`): scripts, styles, navigation, footers, forms, asides, figures and
///    captions, ruby annotations, hidden elements, and elements whose class/id/role name boilerplate
///    (`nav`, `cookie`, `share`, `comment`, `related`, …, matched at word starts, see `Boilerplate`)
///    go with everything inside them, unless they hold 30% of the page's text or more (50% for
///    asides, forms, headers) or the page's `<h1>`. A `<header>` holding the headline or a lede
///    paragraph stays: it is the article's header, not the site's.
/// 2. **Select** the container of the main text, by `focus`:
///    - `balanced` (default): the element with the most text in good paragraphs (40+ characters,
///      link density under 1/3) less 1.2× the text of bad ones (link density over 1/2, or under 15
///      characters): Finn et al. 2001's Body Text Extraction, on the tree.
///    - `precision`: Arc90 Readability's scoring (each paragraph of 25+ characters scores
///      `1 + commas + min(chars/100, 3)` for its parent and half for its grandparent, ±25 for
///      class names, scaled by `1 - link density`), the best container and its siblings that
///      score at least `max(10, 20% of the best)` or hold a long, link-poor paragraph.
///    - `recall`: the whole cleaned body.
/// 3. **Emit** one block per line; drop lines that are mostly link text (Kohlschütter et al.
///    2010: link density above 0.5; 0.3 for `precision`, 0.8 for `recall`), cookie notices,
///    furniture phrases ("Share", "Foto:", …), datelines, bar-separated metadata lines, soft
///    hyphens, headings of boxes of links ("Related articles", "Das könnte Sie auch
///    interessieren") with their box (boilerpipe's `TerminatingBlocksFinder`), and, except for
///    `recall`, short last lines that end no sentence (bylines, credits, tags).
/// 4. **Retry** a result under 500 characters with the class-name rules relaxed (Readability's
///    retry without `FLAG_STRIP_UNLIKELYS`, trafilatura's fallback on short output), keeping the
///    longer text.
/// On trafilatura's evaluation pages (`docs/benchmarks-extraction.md`) `balanced` finds 94.3% of
/// the snippets that must appear and keeps out 89.8% of those that must not (trafilatura 2.3.1:
/// 94.0% and 89.2%).
public struct Extractor: Sendable {
    public struct Options: Sendable {
        public enum Focus: String, Sendable, CaseIterable { case balanced, precision, recall }
        public var focus: Focus = .balanced
        /// Keep the text of links (anchor text) inside kept lines.
        public var links = true
        /// Keep tables (one row per line, cells separated by a tab).
        public var tables = true
        /// Longer HTML is cut at this many bytes before parsing.
        public var maxHTMLBytes = 8 << 20
        /// Deeper nesting is flattened to text.
        public var maxDepth = 256

        public init() {}
    }

    public struct Result: Sendable {
        public var text: String
        public var title: String
        /// The HTML was longer than `maxHTMLBytes` or nested deeper than `maxDepth`.
        public var capped: Bool
    }

    public var options: Options

    public init(options: Options = Options()) { self.options = options }

    /// The main text of `html`, or nil when libxml2 finds no document in it (empty input).
    public func extract(_ html: String) -> Result? {
        var html = html
        var capped = false
        if html.utf8.count > options.maxHTMLBytes {
            html = String(decoding: html.utf8.prefix(options.maxHTMLBytes), as: UTF8.self)
            capped = true
        }
        guard let tree = HTMLTree.parse(html: MarkupStripper.strip(html), maxDepth: options.maxDepth) else { return nil }
        var walker = ContentWalker(tree: tree, options: options)
        let text = walker.mainText()
        return Result(text: text, title: walker.title(), capped: capped || tree.truncatedDepth)
    }
}

/// The extraction over one `HTMLTree`; see `Extractor` for the method.
struct ContentWalker {
    let t: HTMLTree
    let options: Extractor.Options
    let n: Int
    var parent: [Int32]
    /// The nearest block element at or above each node.
    var block: [Int32]
    var removed: [Bool]
    /// Characters (not bytes) of text below each node, and of link text.
    var chars: [Int32]
    var linkChars: [Int32]
    /// The second try on a page whose first gave too little text; see `minText`.
    let relaxed: Bool

    init(tree: HTMLTree, options: Extractor.Options, relaxed: Bool = false) {
        t = tree
        self.options = options
        self.relaxed = relaxed
        n = tree.count
        parent = Array(repeating: -1, count: n)
        block = Array(repeating: -1, count: n)
        removed = Array(repeating: false, count: n)
        chars = Array(repeating: 0, count: n)
        linkChars = Array(repeating: 0, count: n)
    }

    // MARK: Structure and cleaning

    mutating func analyse() {
        var open: [Int32] = []
        var linkDepthEnd: Int32 = -1
        for i in 0..<n {
            while let last = open.last, t.end[Int(last)] <= Int32(i) { open.removeLast() }
            let p = open.last ?? -1
            parent[i] = p
            block[i] = t.tag[i].isBlock || p < 0 ? Int32(i) : block[Int(p)]
            if t.tag[i] != .text, t.end[i] > Int32(i + 1) { open.append(Int32(i)) }
        }
        // Raw character counts, bottom-up (children follow parents in preorder).
        var raw = [Int32](repeating: 0, count: n)
        for i in 0..<n where t.tag[i] == .text && !isCode(parent[i]) { raw[i] = countChars(i) }
        for i in stride(from: n - 1, through: 1, by: -1) where parent[i] >= 0 { raw[Int(parent[i])] += raw[i] }
        let pageChars = max(1, raw.first ?? 1)

        var i = 0
        while i < n {
            if removes(i, share: Double(raw[i]) / Double(pageChars), raw: raw) {
                let e = Int(t.end[i])
                for k in i..<e { removed[k] = true }
                i = e
            } else {
                i += 1
            }
        }
        for i in 0..<n where t.tag[i] == .text && !removed[i] { chars[i] = raw[i] }
        for i in 0..<n {
            if Int32(i) >= linkDepthEnd { linkDepthEnd = -1 }
            if t.tag[i] == .a, linkDepthEnd < 0 { linkDepthEnd = t.end[i] }
            if t.tag[i] == .text, linkDepthEnd >= 0 { linkChars[i] = chars[i] }
        }
        for i in stride(from: n - 1, through: 1, by: -1) where parent[i] >= 0 {
            chars[Int(parent[i])] += chars[i]
            linkChars[Int(parent[i])] += linkChars[i]
        }
    }

    /// Whether element `i` is boilerplate to drop with its subtree. `share` is its part of the
    /// page's text: a container holding most of the page is never dropped for its class name.
    func removes(_ i: Int, share: Double, raw: [Int32]) -> Bool {
        let tag = t.tag[i]
        switch tag {
        case .text, .html, .body:
            return false
        case .script, .style, .template, .head, .svg, .math, .canvas, .iframe, .embed, .object,
             .select, .option, .textarea, .button, .input, .dialog, .audio, .video, .map, .picture, .title, .nav, .footer,
             .figcaption, .rt, .rp:  // ruby annotations (readings over CJK text), as in trafilatura's MANUALLY_CLEANED
            return true
        case .table where !options.tables:
            return true
        case .aside, .menu, .form, .figure, .noscript:
            return share < 0.5 && !relaxed
        case .header:
            return share < 0.5 && !inside(i, .article) && !holdsHeadline(i, orLede: true, raw: raw)
        default:
            break
        }
        if t.hidden[i] { return true }
        switch tag {
        case .div, .section, .ul, .ol, .li, .dl, .span, .table, .center, .other, .figure, .details, .address, .header, .p:
            break
        default:
            return false
        }
        guard t.hasAttributes(i), share < 0.3 else { return false }
        if relaxed { return Boilerplate.isComments(t, i) }
        return Boilerplate.matches(t, i) && !(Boilerplate.isContent(t, i) && !Boilerplate.isComments(t, i))
            && !holdsHeadline(i, orLede: false, raw: raw)
    }

    /// Whether element `i` holds the page's headline (`<h1>`) or, with `orLede`, a lede (a paragraph
    /// of 80+ characters): then it is the header of the article, not of the site, whatever its name
    /// says. HTML's `<header>` ("introductory content … or navigational aids") covers both;
    /// trafilatura and Readability keep headers (only trafilatura's precision mode drops them).
    func holdsHeadline(_ i: Int, orLede: Bool, raw: [Int32]) -> Bool {
        for k in (i + 1)..<Int(t.end[i]) where t.tag[k] == .h1 || orLede && t.tag[k] == .p && raw[k] >= 80 { return true }
        return false
    }

    /// Whether element `p` holds code or data rather than text (its text is never counted).
    func isCode(_ p: Int32) -> Bool {
        guard p >= 0 else { return false }
        switch t.tag[Int(p)] {
        case .script, .style, .template, .head, .title, .svg, .math, .textarea, .option: return true
        default: return false
        }
    }

    func inside(_ i: Int, _ tag: HTMLTag) -> Bool {
        var p = parent[i]
        while p >= 0 {
            if t.tag[Int(p)] == tag { return true }
            p = parent[Int(p)]
        }
        return false
    }

    /// Characters of text node `i` that are not whitespace (UTF-8 lead bytes).
    func countChars(_ i: Int) -> Int32 {
        var count: Int32 = 0
        for k in Int(t.start[i])..<Int(t.stop[i]) {
            let b = t.text[k]
            if b > 32 && (b & 0xC0) != 0x80 { count += 1 }
        }
        return count
    }

    func linkDensity(_ i: Int) -> Double { chars[i] == 0 ? 0 : Double(linkChars[i]) / Double(chars[i]) }

    // MARK: Scoring

    /// The selected containers, in document order.
    func selection() -> [Int] {
        guard let body = (0..<n).first(where: { t.tag[$0] == .body }) ?? (n > 0 ? 0 : nil) else { return [] }
        if options.focus == .recall { return [body] }
        // Own text of each block (text whose nearest block is it), its link text and its commas.
        var own = BlockText(count: n)
        for i in 0..<n where t.tag[i] == .text && !removed[i] {
            let b = Int(block[i])
            own.chars[b] += chars[i]
            own.linkChars[b] += linkChars[i]
            for k in Int(t.start[i])..<Int(t.stop[i]) where t.text[k] == 44 { own.commas[b] += 1 }
        }
        return options.focus == .balanced ? [densest(own, body: body)] : readability(own, body: body)
    }

    struct BlockText {
        var chars: [Int32], linkChars: [Int32], commas: [Int32]
        init(count: Int) {
            chars = Array(repeating: 0, count: count)
            linkChars = chars
            commas = chars
        }
        func density(_ b: Int) -> Double { Double(linkChars[b]) / Double(chars[b]) }
    }

    /// The element with the most text in good paragraphs (40+ characters, link density under 1/3)
    /// less 1.2 times the text of bad ones (link density over 1/2, or under 15 characters): the
    /// tree form of Finn et al. 2001's Body Text Extraction, which maximizes text against markup.
    func densest(_ own: BlockText, body: Int) -> Int {
        var mass = [Double](repeating: 0, count: n)
        for b in 0..<n where own.chars[b] > 0 && !removed[b] {
            let density = own.density(b)
            if own.chars[b] >= 40 && density < 0.33 {
                mass[b] = Double(own.chars[b])
            } else if density > 0.5 || own.chars[b] < 15 {
                mass[b] = -1.2 * Double(own.chars[b])
            }
        }
        for i in stride(from: n - 1, through: 1, by: -1) where parent[i] >= 0 && !removed[i] { mass[Int(parent[i])] += mass[i] }
        var best = body
        for i in 0..<n where !removed[i] && t.tag[i] != .text && mass[i] > mass[best] { best = i }
        return best
    }

    /// Readability's choice: the best-scoring container and its siblings that carry content too.
    func readability(_ own: BlockText, body: Int) -> [Int] {
        var score = [Double](repeating: 0, count: n)
        var isCandidate = [Bool](repeating: false, count: n)
        func touch(_ c: Int) {
            if !isCandidate[c] {
                isCandidate[c] = true
                score[c] = tagBonus(c) + classWeight(c)
            }
        }
        for b in 0..<n where own.chars[b] >= 25 && !removed[b] && t.tag[b] != .body {
            switch t.tag[b] {
            case .p, .pre, .td, .blockquote, .div, .section, .article, .dd, .li, .main, .center, .other: break
            default: continue
            }
            let density = own.density(b)
            if density > 0.5 { continue }
            let s = (1 + Double(own.commas[b]) + min(Double(own.chars[b]) / 100, 3)) * (1 - density)
            let p = parentBlock(b)
            guard p >= 0 else { continue }
            touch(p)
            score[p] += s
            let g = parentBlock(p)
            if g >= 0 {
                touch(g)
                score[g] += s / 2
            }
        }
        var best = -1
        var bestScore = 0.0
        for c in 0..<n where isCandidate[c] {
            score[c] *= 1 - linkDensity(c)
            if score[c] > bestScore { bestScore = score[c]; best = c }
        }
        guard best >= 0 else { return [body] }
        // Climb while the parent adds no text of its own, so that siblings are looked for at the right level.
        while parent[best] >= 0, Int(parent[best]) != body {
            let p = Int(parent[best])
            guard chars[p] - linkChars[p] <= chars[best] - linkChars[best] else { break }
            best = p
        }
        guard parent[best] >= 0 else { return [best] }
        let threshold = max(10, bestScore * 0.2)
        var chosen: [Int] = []
        var s = Int(parent[best]) + 1
        let e = Int(t.end[Int(parent[best])])
        while s < e {
            if s == best || (!removed[s] && siblingQualifies(s, score: isCandidate[s] ? score[s] : 0, threshold: threshold)) {
                chosen.append(s)
            }
            s = Int(t.end[s])
        }
        return chosen
    }

    func siblingQualifies(_ s: Int, score: Double, threshold: Double) -> Bool {
        if score >= threshold { return true }
        let density = linkDensity(s)
        if chars[s] > 80 && density < 0.25 { return true }
        return chars[s] > 0 && density == 0 && endsSentence(s)
    }

    /// Whether the text of element `i` ends with a full stop (or similar).
    func endsSentence(_ i: Int) -> Bool {
        var k = Int(t.end[i]) - 1
        while k > i {
            if t.tag[k] == .text && !removed[k] && countChars(k) > 0 {
                var e = Int(t.stop[k]) - 1
                while e > Int(t.start[k]) && t.text[e] <= 32 { e -= 1 }
                let c = t.text[e]
                return c == UInt8(ascii: ".") || c == UInt8(ascii: "!") || c == UInt8(ascii: "?") || c == UInt8(ascii: ":")
            }
            k -= 1
        }
        return false
    }

    func parentBlock(_ i: Int) -> Int {
        let p = parent[i]
        return p < 0 ? -1 : Int(block[Int(p)])
    }

    func tagBonus(_ i: Int) -> Double {
        switch t.tag[i] {
        case .div, .article, .main, .section: 5
        case .pre, .td, .blockquote: 3
        case .address, .ol, .ul, .dl, .dd, .dt, .li, .form: -3
        case .h1, .h2, .h3, .h4, .h5, .h6, .th: -5
        default: 0
        }
    }

    func classWeight(_ i: Int) -> Double {
        guard t.hasAttributes(i) else { return 0 }
        var w = 0.0
        if Boilerplate.isContent(t, i) { w += 25 }
        if Boilerplate.matches(t, i) { w -= 25 }
        return w
    }

    // MARK: Emission

    mutating func mainText() -> String {
        analyse()
        var out = TextBuilder(options: options)
        for root in selection() {
            emit(root, into: &out)
        }
        let text = out.finish()
        guard !relaxed, text.unicodeScalars.count < Self.minText else { return text }
        var retry = ContentWalker(tree: t, options: options, relaxed: true)
        let second = retry.mainText()
        return second.unicodeScalars.count > text.unicodeScalars.count ? second : text
    }

    /// Below this many characters of text the page is extracted again with the class-name rules relaxed
    /// (asides, forms and elements named like boilerplate are kept, comment sections still go):
    /// Readability's retry without `FLAG_STRIP_UNLIKELYS` when its result is under 500 characters,
    /// and trafilatura's fallback below `MIN_EXTRACTED_SIZE` (250).
    static let minText = 500

    func emit(_ root: Int, into out: inout TextBuilder) {
        var closing: [Int32] = []  // ends of open block, link, pre and cell elements
        var closingTag: [HTMLTag] = []
        var lineNode = root  // the first text node of the line being built
        var i = root
        let e = Int(t.end[root])
        while i < e {
            while let last = closing.last, Int(last) <= i {
                out.close(closingTag.removeLast())
                closing.removeLast()
            }
            if out.announced {
                out.announced = false
                let box = announcedBox(lineNode, root: root)
                if Int(t.end[box]) > i { i = Int(t.end[box]); continue }
            }
            if removed[i] { i = Int(t.end[i]); continue }
            let tag = t.tag[i]
            if tag == .text {
                if out.out.count == out.lineStart { lineNode = i }
                let bytes = t.text[Int(t.start[i])..<Int(t.stop[i])]
                // A link whose text is its address is a citation written out, not navigation.
                let cited = out.links > 0 && Self.isAddress(bytes)
                if cited { out.links -= 1 }
                out.append(bytes)
                if cited { out.links += 1 }
            } else {
                if tag == .a && !options.links { i = Int(t.end[i]); continue }
                out.open(tag)
                if t.end[i] > Int32(i + 1) {
                    closing.append(t.end[i])
                    closingTag.append(tag)
                } else {
                    out.close(tag)
                }
            }
            i += 1
        }
        while let tag = closingTag.popLast() { out.close(tag) }
    }

    /// The box of links that a heading such as "Related stories" opens (`node` is its text): the
    /// largest element inside `root` whose text starts with the heading and holds under half of
    /// `root`'s text. Boilerpipe's `TerminatingBlocksFinder` ends the article at such a line; leaving
    /// out only its box keeps the article's text after a box of links placed inside it.
    func announcedBox(_ node: Int, root: Int) -> Int {
        var box = node
        while parent[box] > Int32(root) {
            let p = Int(parent[box])
            guard chars[p] * 2 < chars[root], firstText(p) == node else { break }
            box = p
        }
        return box
    }

    /// Whether text starts as a web address does ("http://…", "https://…", "www.…").
    static func isAddress(_ bytes: ArraySlice<UInt8>) -> Bool {
        let trimmed = bytes.drop { $0 <= 32 }
        return trimmed.starts(with: "http://".utf8) || trimmed.starts(with: "https://".utf8) || trimmed.starts(with: "www.".utf8)
    }

    /// The first text node below `i` with text left in it.
    func firstText(_ i: Int) -> Int {
        var k = i + 1
        while k < Int(t.end[i]) {
            if removed[k] { k = Int(t.end[k]); continue }
            if t.tag[k] == .text && chars[k] > 0 { return k }
            k += 1
        }
        return -1
    }

    func title() -> String {
        guard let k = (0..<n).first(where: { t.tag[$0] == .title }) else { return "" }
        var b = TextBuilder(options: options)
        for i in k..<Int(t.end[k]) where t.tag[i] == .text { b.append(t.text[Int(t.start[i])..<Int(t.stop[i])]) }
        return b.finish()
    }
}

/// Builds the output text: whitespace collapsed, one line per block, link-heavy lines dropped.
struct TextBuilder {
    let maxLinkDensity: Double
    let trimTail: Bool
    var out: [UInt8] = []
    var lineStart = 0
    var lineChars = 0
    var lineLinkChars = 0
    var links = 0
    var pre = 0
    var pendingSpace = false
    /// The current line is preformatted or a table row: never trimmed as a short tail line.
    var structured = false
    /// Where the last structured line ends; trimming stops there.
    var structuredEnd = 0
    /// The line just ended announced a box of links ("Related articles", "Most read"); the caller
    /// leaves out the box (`ContentWalker.announcedBox`).
    var announced = false

    init(options: Extractor.Options) {
        switch options.focus {
        case .balanced: maxLinkDensity = 0.5
        case .precision: maxLinkDensity = 0.3
        case .recall: maxLinkDensity = 0.8
        }
        trimTail = options.focus != .recall
        out.reserveCapacity(8192)
    }

    mutating func open(_ tag: HTMLTag) {
        switch tag {
        case .a: links += 1
        case .pre: pre += 1; newline()
        case .td, .th:
            structured = true
            if out.count > lineStart { out.append(9) }
            pendingSpace = false
        case .img, .hr: pendingSpace = true
        default: if tag.isBlock { newline() }
        }
    }

    mutating func close(_ tag: HTMLTag) {
        switch tag {
        case .a: links -= 1
        case .pre: pre -= 1; newline()
        case .td, .th: pendingSpace = true
        default: if tag.isBlock { newline() }
        }
    }

    mutating func append(_ bytes: ArraySlice<UInt8>) {
        for b in bytes {
            if b == 32 || b == 9 || b == 10 || b == 13 || b == 12 {
                if pre > 0 && b == 10 { newline() } else { pendingSpace = true }
                continue
            }
            if pendingSpace {
                if out.count > lineStart && out.last != 9 { out.append(32) }
                pendingSpace = false
            }
            if b == 0xAD && out.last == 0xC2 {
                // U+00AD, the soft hyphen (`&shy;`): a hyphenation hint that browsers do not show
                // unless they break the word there; it would split words for search and filters.
                out.removeLast()
                lineChars -= 1
                if links > 0 { lineLinkChars -= 1 }
                continue
            }
            out.append(b)
            if (b & 0xC0) != 0x80 {
                lineChars += 1
                if links > 0 { lineLinkChars += 1 }
            }
        }
    }

    /// Ends the current line: kept unless it is mostly link text.
    mutating func newline() {
        pendingSpace = false
        if out.count > lineStart {
            // Short lines are compared with phrases, lowercased once.
            let short = lineChars < 60 ? String(decoding: out[lineStart...], as: UTF8.self).lowercased() : nil
            if let short, Boilerplate.announcesLinks(short) {
                out.removeSubrange(lineStart...)
                announced = true
            } else if Double(lineLinkChars) > maxLinkDensity * Double(lineChars) || lineChars < 400 && isFurniture(short) {
                out.removeSubrange(lineStart...)
            } else {
                out.append(10)
                if structured || pre > 0 { structuredEnd = out.count }
            }
        }
        structured = false
        lineStart = out.count
        lineChars = 0
        lineLinkChars = 0
    }

    /// Whether the current line (`short`: lowercased, when under 60 characters) is a cookie notice,
    /// a furniture phrase or a metadata line.
    func isFurniture(_ short: String?) -> Bool {
        let line = short ?? String(decoding: out[lineStart...], as: UTF8.self)
        return Boilerplate.isCookieNotice(line) || short.map(Boilerplate.isFurniture) == true || Boilerplate.isMetadataLine(line)
    }

    mutating func finish() -> String {
        newline()
        while out.last == 10 { out.removeLast() }
        if trimTail { trimShortTail() }
        return String(decoding: out, as: UTF8.self)
    }

    /// Drops short last lines that do not end a sentence: bylines, credits, "filed under", tags.
    mutating func trimShortTail() {
        while let lastBreak = out.lastIndex(of: 10), lastBreak >= structuredEnd {
            let line = out[(lastBreak + 1)...]
            guard line.count < 120, let end = line.last,
                  ![UInt8(ascii: "."), UInt8(ascii: "!"), UInt8(ascii: "?"), UInt8(ascii: "\""), 0x9D, 0x82].contains(end)
            else { return }
            out.removeSubrange(lastBreak...)
        }
    }
}

/// The `extract` step: replaces each document's HTML by its main text and records the page's
/// title in `metadata.title`. A page with no text left is dropped (`dropped_no_text`); HTML that
/// libxml2 cannot parse is skipped (`skipped_unparsable_html`); capped pages are counted
/// (`capped`) and a warning names them.
public struct ExtractStage: IndependentStage {
    public let extractor: Extractor

    public init(options: Extractor.Options = .init()) { extractor = Extractor(options: options) }

    public mutating func process(_ batch: consuming [Document], into output: inout [Document], stats: inout StageStats) throws {
        for var doc in batch {
            guard let result = extractor.extract(doc.text) else {
                Log.warning("extract: no HTML document in \(doc.where)")
                stats.skip(reason: "unparsable_html")
                continue
            }
            if result.capped {
                Log.warning("extract: \(doc.where) is larger or deeper than the caps; its text was cut")
                stats.add("capped")
            }
            guard !result.text.isEmpty else {
                stats.drop(doc, reason: "no_text")
                continue
            }
            doc.text = result.text
            if !result.title.isEmpty { doc.metadata["title"] = .string(result.title) }
            stats.count(doc)
            output.append(doc)
        }
    }
}

extension Document {
    /// Names a document in warnings: its id and, when a reader recorded it, its source file and offset.
    var `where`: String {
        var s = "document \(id)"
        if case .string(let source)? = metadata["source"] { s += " from \(source)" }
        if let offset = metadata["offset"] { s += " at offset \(JSONWriter.string(offset))" }
        return s
    }
}


