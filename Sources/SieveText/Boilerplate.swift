/// Class, id and role names that mark boilerplate or content, after trafilatura's
/// `xpaths.py` (OVERALL_DISCARD, COMMENTS_DISCARD) and Readability's `unlikelyCandidates` /
/// `positive` patterns. Matched as substrings of the lowercased attribute values.
enum Boilerplate {
    /// Navigation, page chrome, consent banners, sharing, comments, related links, ads, metadata.
    static func matches(_ t: HTMLTree, _ i: Int) -> Bool {
        t.attributes(i, contain: "nav") || t.attributes(i, contain: "menu") || t.attributes(i, contain: "footer")
            || t.attributes(i, contain: "sidebar") || t.attributes(i, contain: "comment")
            || t.attributes(i, contain: "cookie") || t.attributes(i, contain: "consent")
            || t.attributes(i, contain: "gdpr") || t.attributes(i, contain: "share")
            || t.attributes(i, contain: "sharing") || t.attributes(i, contain: "social")
            || t.attributes(i, contain: "related") || t.attributes(i, contain: "breadcrumb")
            || t.attributes(i, contain: "pagination") || t.attributes(i, contain: "pager")
            || t.attributes(i, contain: "newsletter") || t.attributes(i, contain: "subscri")
            || t.attributes(i, contain: "advert") || t.attributes(i, contain: "banner")
            || t.attributes(i, contain: "popup") || t.attributes(i, contain: "modal")
            || t.attributes(i, contain: "widget") || t.attributes(i, contain: "masthead")
            || t.attributes(i, contain: "toolbar") || t.attributes(i, contain: "login")
            || t.attributes(i, contain: "signup") || t.attributes(i, contain: "sponsor")
            || t.attributes(i, contain: "promo") || t.attributes(i, contain: "recommend")
            || t.attributes(i, contain: "disqus") || t.attributes(i, contain: "outbrain")
            || t.attributes(i, contain: "taboola") || t.attributes(i, contain: "tagcloud")
            || t.attributes(i, contain: "contentinfo") || t.attributes(i, contain: "complementary")
            || t.attributes(i, contain: "sr-only") || t.attributes(i, contain: "screen-reader")
            || t.attributes(i, contain: "visually-hidden") || t.attributes(i, contain: "skip")
            || t.attributes(i, contain: "no-print") || t.attributes(i, contain: "byline")
            || t.attributes(i, contain: "dateline") || t.attributes(i, contain: "author")
            || t.attributes(i, contain: "post-meta") || t.attributes(i, contain: "entry-meta")
            || t.attributes(i, contain: "article-meta") || t.attributes(i, contain: "postmeta")
            || t.attributes(i, contain: "rating")
            || t.attributes(i, contain: "header") || t.attributes(i, contain: "caption")
            || t.attributes(i, contain: "credit") || t.attributes(i, contain: "copyright")
            || t.attributes(i, contain: "tags") || t.attributes(i, contain: "categor")
            || t.attributes(i, contain: "paywall") || t.attributes(i, contain: "date")
            || t.attributes(i, contain: "bio")
    }

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
        guard line.count < 400 else { return false }
        let lower = line.lowercased()
        guard lower.contains("cookie") else { return false }
        return ["consent", "accept", "agree", "privacy", "zustimm", "akzept", "einverstanden", "nutzung", "verwend",
                "datenschutz", "utilis", "accepte", "acept", "utiliz", "accett", "zgod", "akcept"].contains { lower.contains($0) }
    }

    /// Whether a whole line (lowercased) is a furniture phrase.
    static func isFurniture(_ line: String) -> Bool {
        guard line.count < 60 else { return false }
        let lower = line.lowercased()
        for prefix in prefixes where lower.hasPrefix(prefix) { return true }
        for phrase in phrases where lower.hasPrefix(phrase) {
            let rest = lower.dropFirst(phrase.count)
            if rest.isEmpty || rest.count < 12 && !rest.contains(".") { return true }
        }
        return false
    }

    /// Comment sections, boilerplate even where they also say "content".
    static func isComments(_ t: HTMLTree, _ i: Int) -> Bool {
        t.attributes(i, contain: "comment") || t.attributes(i, contain: "disqus") || t.attributes(i, contain: "respon")
    }

    /// Names that mean the article itself.
    static func isContent(_ t: HTMLTree, _ i: Int) -> Bool {
        t.attributes(i, contain: "article") || t.attributes(i, contain: "content") || t.attributes(i, contain: "entry")
            || t.attributes(i, contain: "post") || t.attributes(i, contain: "story") || t.attributes(i, contain: "text")
            || t.attributes(i, contain: "body") || t.attributes(i, contain: "main")
    }
}
