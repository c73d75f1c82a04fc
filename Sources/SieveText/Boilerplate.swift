/// Class, id and role names that mark boilerplate or content, after trafilatura's
/// `xpaths.py` (OVERALL_DISCARD, COMMENTS_DISCARD) and Readability's `unlikelyCandidates` /
/// `positive` patterns. Matched in the lowercased attribute values, at word starts (see `NameSet`).
enum Boilerplate {
    /// Navigation, page chrome, consent banners, sharing, comments, related links, ads, metadata.
    static let boilerplateNames = NameSet([
        "menu", "footer", "sidebar", "comment", "cookie", "consent", "gdpr",
        "share", "sharing", "social", "related", "breadcrumb", "pagination", "pager", "newsletter",
        "subscri", "advert", "banner", "popup", "modal", "widget", "masthead", "toolbar",
        "login", "signup", "sponsor", "promo", "recommend", "disqus", "outbrain", "taboola",
        "tagcloud", "contentinfo", "complementary", "sr-only", "screen-reader", "visually-hidden", "skip", "no-print",
        "byline", "dateline", "author", "post-meta", "entry-meta", "article-meta", "postmeta", "rating",
        "header", "caption", "credit", "copyright", "tags", "categor", "paywall", "date",
        "bio",
    ], anywhere: ["nav"])

    static func matches(_ t: HTMLTree, _ i: Int) -> Bool { t.attributes(i, containAnyOf: boilerplateNames) }

    /// Short lines that are page furniture, not text (after trafilatura's and jusText's stop
    /// phrases), in the languages most common on the web. Compared case-insensitively with the
    /// whole line, or its start when the line is under 60 characters.
    static let phrases: [String] = [
        "related", "related articles", "related posts", "related stories", "read more", "more on this topic",
        "share", "share this", "share this article", "share on", "tweet", "like this", "follow us",
        "advertisement", "sponsored", "explore further", "you might also like", "recommended", "subscribe",
        "sign up", "log in", "login", "comments", "leave a comment", "leave a reply", "all rights reserved",
        "copyright", "©", "print", "email", "cookie", "we use cookies", "this website uses cookies",
        "ähnliche beiträge", "ähnliche artikel", "verwandte artikel", "weitere artikel", "mehr zum thema",
        "das könnte sie auch interessieren", "teilen", "drucken", "gefällt mir", "anzeige", "- anzeige",
        "werbung", "kommentare", "kommentieren", "kommentar schreiben", "schreibe einen kommentar",
        "diesen artikel teilen", "zum seitenanfang", "nach oben", "impressum", "datenschutz",
        "articles similaires", "à lire aussi", "lire aussi", "partager", "publicité", "commentaires",
        "artículos relacionados", "compartir", "publicidad", "comentarios", "leggi anche", "condividi",
        "pubblicità", "commenti", "podobne artykuły", "udostępnij", "reklama", "komentarze",
        "gerelateerde artikelen", "delen", "advertentie", "reacties", "похожие статьи", "поделиться", "реклама",
    ]

    /// Short lines starting with these are captions, credits, datelines or filing notes,
    /// whatever follows.
    static let prefixes: [String] = [
        "foto:", "fotos:", "bild:", "bilder:", "titelbild:", "quelle:", "credit:", "credits:", "photo:", "image:",
        "photo credit", "crédits photos", "crédit photo", "getty images", "stand:", "aktualisiert:", "aktualisiert am",
        "veröffentlicht am", "erstellt am", "kategorie:", "kategorien:", "schlagworte:", "schlagwörter:", "tags:",
        "filed under", "posted in", "posted on", "published:", "updated:", "read the latest from", "weitere themen",
        "mehr zum thema", "war der artikel", "was denkst du", "lade…", "lade...", "loading…", "loading...",
    ]

    /// Whether a line is a cookie or consent notice: it names cookies and asks for consent or use.
    static func isCookieNotice(_ line: String) -> Bool {
        guard line.utf8.count < 800, line.utf8.contains(subsequence: "ookie") else { return false }
        let lower = line.lowercased()
        return ["consent", "accept", "agree", "privacy", "zustimm", "akzept", "einverstanden", "nutzung", "verwend",
                "datenschutz", "utilis", "accepte", "acept", "utiliz", "accett", "zgod", "akcept"].contains { lower.contains($0) }
    }

    /// Whether a short line is a run of fields separated by bars or bullets ("Friday | 14 June 2019 |
    /// by Sina | 0 comments", "Home · About · Contact"): page metadata or a menu, not prose.
    static func isMetadataLine(_ line: String) -> Bool {
        guard line.utf8.count < 200 else { return false }
        if line.utf8.count < 60, isDateline(line) { return true }
        var separators = 0
        for c in line.unicodeScalars where c == "|" || c == "·" || c == "•" { separators += 1 }
        return separators >= 2
    }

    /// A line that is mostly a date and time ("23.06.2016 um 16:14 Uhr", "March 29, 2019").
    static func isDateline(_ line: String) -> Bool {
        var digits = 0, letters = 0
        for c in line.unicodeScalars {
            if c.properties.numericType != nil { digits += 1 } else if c.properties.isAlphabetic { letters += 1 }
        }
        return digits >= 4 && digits * 2 >= letters
    }

    /// Headings of boxes of links to other pages: related, recommended, latest or most-read articles,
    /// and comment forms (after boilerpipe's `TerminatingBlocksFinder`: "comments", "post a comment",
    /// "what you think", …). Compared with the line's start, case-insensitively, like `phrases`.
    static let linkHeadings: [String] = [
        "related articles", "related posts", "related stories", "related content", "related news", "more stories",
        "more from", "you might also like", "you may also like", "recommended for you", "most popular", "most read",
        "latest news", "latest articles", "read next", "leave a reply", "leave a comment", "post a comment",
        "add a comment", "what do you think",
        "ähnliche beiträge", "ähnliche artikel", "ähnliche nachrichten", "ähnliche themen", "verwandte artikel",
        "weitere artikel", "weitere beiträge", "weitere nachrichten", "neueste artikel", "neueste beiträge",
        "das könnte sie auch interessieren", "das könnte dich auch interessieren", "das könnte ihnen auch gefallen",
        "meistgelesen", "top themen", "schreibe einen kommentar", "kommentar schreiben", "noch mehr",
        "articles similaires", "sur le même sujet", "à lire aussi", "artículos relacionados", "noticias relacionadas",
        "te puede interesar", "veja também", "leia também", "articoli correlati", "potrebbe interessarti",
        "podobne artykuły", "czytaj także", "gerelateerde artikelen", "похожие статьи", "читайте также",
    ]

    /// Whether a short lowercased line announces links to other pages (see `linkHeadings`).
    static func announcesLinks(_ lower: String) -> Bool { startsWithPhrase(lower, linkHeadings) }

    /// Whether a short lowercased line is a furniture phrase or starts with a furniture prefix.
    static func isFurniture(_ lower: String) -> Bool {
        for prefix in prefixes where lower.hasPrefix(prefix) { return true }
        return startsWithPhrase(lower, phrases)
    }

    /// Whether a short lowercased line is one of `phrases`, perhaps followed by a few more
    /// characters and no full stop.
    static func startsWithPhrase(_ lower: String, _ phrases: [String]) -> Bool {
        for phrase in phrases where lower.hasPrefix(phrase) {
            let rest = lower.dropFirst(phrase.count)
            if rest.isEmpty || rest.count < 12 && !rest.contains(".") { return true }
        }
        return false
    }

    /// Comment sections, boilerplate even where they also say "content".
    static let commentNames = NameSet(["comment", "disqus", "respon"])

    static func isComments(_ t: HTMLTree, _ i: Int) -> Bool { t.attributes(i, containAnyOf: commentNames) }

    /// Names that mean the article itself.
    static let contentNames = NameSet(["article", "content", "entry", "post", "story", "text", "body", "main"])

    static func isContent(_ t: HTMLTree, _ i: Int) -> Bool { t.attributes(i, containAnyOf: contentNames) }
}

/// Lowercase ASCII names, looked up by their first byte so that one pass over an attribute value
/// tries all of them. A name matches at the start of a word of the value (after its start or a
/// character that is not a letter: `site-footer`, `footer_nav`, `cookie2`), so that `pager` does not
/// match `apageroot` nor `bio` `biobiochile`; names given as `anywhere` also match inside a word
/// (`mainnav`, `topmenu`), as trafilatura's `contains(@class, …)` tests do.
struct NameSet: Sendable {
    let byFirstByte: [[(name: [UInt8], anywhere: Bool)]]

    init(_ names: [String], anywhere: [String] = []) {
        var table = [[(name: [UInt8], anywhere: Bool)]](repeating: [], count: 256)
        for name in names { table[Int(name.utf8.first!)].append((Array(name.utf8), false)) }
        for name in anywhere { table[Int(name.utf8.first!)].append((Array(name.utf8), true)) }
        byFirstByte = table
    }
}

extension HTMLTree {
    /// Whether element `i`'s class/id/role/itemprop contain one of `names`.
    func attributes(_ i: Int, containAnyOf names: NameSet) -> Bool {
        let s = Int(start[i]), e = Int(stop[i])
        return attributes.withUnsafeBufferPointer { a in
            for k in s..<e {
                let wordStart = k == s || !(a[k - 1] >= 97 && a[k - 1] <= 122)
                for entry in names.byFirstByte[Int(a[k])] where k + entry.name.count <= e && (wordStart || entry.anywhere) {
                    var j = 1
                    while j < entry.name.count, a[k + j] == entry.name[j] { j += 1 }
                    if j == entry.name.count { return true }
                }
            }
            return false
        }
    }
}

extension String.UTF8View {
    /// Whether these bytes contain `needle`'s (ASCII) bytes.
    func contains(subsequence needle: StaticString) -> Bool {
        let bytes = Array(self)
        let m = needle.utf8CodeUnitCount
        guard bytes.count >= m else { return false }
        let w = needle.utf8Start
        for k in 0...(bytes.count - m) where bytes[k] == w[0] {
            var j = 1
            while j < m, bytes[k + j] == w[j] { j += 1 }
            if j == m { return true }
        }
        return false
    }
}
