import SieveCore
import SievePipeline
import SieveText
import Testing

@Suite struct ExtractorTests {
    let article = """
        <html><head><title> A  test page </title><style>p { color: red }</style></head><body>
        <header class="site-header"><a href="/">Home</a> <a href="/news">News</a></header>
        <nav><ul><li><a href="/a">Section A</a></li><li><a href="/b">Section B</a></li></ul></nav>
        <div id="cookie-banner">We use cookies to improve your experience. <button>Accept</button></div>
        <main><article>
        <h1>The river that ran backwards</h1>
        <p>For three days in spring, the river ran backwards, pushed by a tide that nobody in the valley
        had ever seen so high, and the mill wheels turned the wrong way.</p>
        <p>Farmers, millers and children came down to the banks to watch it, and some of them, the older
        ones, said that their grandparents had told them of such a thing.</p>
        <ul><li>First day: the water rose.</li><li>Second day: the mills stopped.</li></ul>
        <table><tr><td>Monday</td><td>2.1 m</td></tr><tr><td>Tuesday</td><td>2.4 m</td></tr></table>
        <div class="share-buttons"><a href="#">Share on Facebook</a> <a href="#">Tweet</a></div>
        </article>
        <section class="related-articles"><h3>Related articles</h3><ul><li><a href="/x">Floods of 1910</a></li></ul></section>
        <div id="comments"><p>Great article, thanks for writing it, I loved it so much!</p></div>
        </main>
        <form action="/subscribe"><input name="email"> Subscribe to our newsletter</form>
        <footer>Impressum · Datenschutz · © 2024 Valley News</footer>
        <script>var tracking = "Do not show this";</script>
        </body></html>
        """

    @Test func keepsMainTextOneBlockPerLine() throws {
        let result = try #require(Extractor().extract(article))
        let lines = result.text.split(separator: "\n").map(String.init)
        #expect(lines.contains("The river that ran backwards"))
        #expect(lines.contains { $0.hasPrefix("For three days in spring, the river ran backwards, pushed by a tide") })
        #expect(lines.contains("First day: the water rose."))
        #expect(lines.contains("Second day: the mills stopped."))
        #expect(lines.contains("Monday\t2.1 m"))
        #expect(lines.contains("Tuesday\t2.4 m"))
        #expect(result.title == "A test page")
    }

    @Test func removesBoilerplate() throws {
        let text = try #require(Extractor().extract(article)).text
        for boilerplate in ["Home", "Section A", "cookies", "Accept", "Share on Facebook", "Tweet", "Related articles",
                            "Floods of 1910", "Great article", "Subscribe", "Impressum", "tracking", "color: red"] {
            #expect(!text.contains(boilerplate), "\(boilerplate) should be gone")
        }
    }

    @Test func optionsChangeTheOutput() throws {
        var options = Extractor.Options()
        options.tables = false
        let noTables = try #require(Extractor(options: options).extract(article)).text
        #expect(!noTables.contains("Monday"))
        #expect(noTables.contains("the mill wheels turned"))

        let html = "<body><article><p>Read the <a href='/r'>full report</a> of the commission on the floods of this spring, published today.</p></article></body>"
        options = Extractor.Options()
        #expect(try #require(Extractor(options: options).extract(html)).text.contains("full report"))
        options.links = false
        #expect(try #require(Extractor(options: options).extract(html)).text == "Read the of the commission on the floods of this spring, published today.")

        options = Extractor.Options()
        options.focus = .recall
        let recall = try #require(Extractor(options: options).extract(article)).text
        options.focus = .precision
        let precision = try #require(Extractor(options: options).extract(article)).text
        #expect(recall.count >= precision.count)
    }

    @Test func preKeepsItsLines() throws {
        let html = """
            <body><article><p>The program prints two lines when it runs:</p>
            <pre>let greeting = "hello, world"  // the first line of the program\n  print(greeting)  // printed twice\n</pre>
            </article></body>
            """
        let text = try #require(Extractor().extract(html)).text
        #expect(text.contains("let greeting = \"hello, world\" // the first line of the program\nprint(greeting) // printed twice"))
    }

    @Test func scriptsStylesAndCommentsNeverLeak() throws {
        let html = """
            <html><head><STYLE type="text/css">p::after { content: "styled away" }</STYLE></head><body><article>
            <p>The first paragraph of the story is long enough to be the content of this little page.</p>
            <script>var s = "</div><p>fake paragraph from a script</p>";</script>
            <!-- <p>a paragraph in a comment</p> <script> -->
            <SCRIPT src="x.js"></SCRIPT>
            <p>The second paragraph follows the scripts and is also long enough to be kept in full.</p>
            </article></body></html>
            """
        let text = try #require(Extractor().extract(html)).text
        #expect(text == """
            The first paragraph of the story is long enough to be the content of this little page.
            The second paragraph follows the scripts and is also long enough to be kept in full.
            """)
    }

    /// Class names match at word starts: `pager` is a pager in `site-pager`, not in `apageroot`.
    @Test func classNamesMatchAtWordStarts() throws {
        let sections = [
            "The council voted on Tuesday to rebuild the old stone bridge over the river, at a cost of two million.",
            "Work starts in spring and should be finished before the first snow falls on the valley next winter.",
            "Traffic will cross the river on a ferry while the bridge is closed, the mayor said after the vote.",
            "The old bridge was built in 1820 by the miller's guild and has carried carts, cars and buses since.",
        ].map { "<section class=\"apageroot__section\"><p>\($0) \($0)</p></section>" }.joined()
        let html = """
            <body><main>\(sections)</main>
            <div class="site-pager"><p>Page two of the archive, with older stories from the valley, sorted by date.</p></div></body>
            """
        let text = try #require(Extractor().extract(html)).text
        #expect(text.contains("rebuild the old stone bridge"))
        #expect(text.contains("built in 1820"))
        #expect(!text.contains("Page two of the archive"))
    }

    /// A header that holds the headline or the lede is the article's; the site's header goes.
    @Test func articleHeadersStaySiteHeadersGo() throws {
        let html = """
            <body><header><a href="/">Valley News</a> <a href="/sport">Sport</a></header>
            <div class="story"><header class="intro"><p>The old stone bridge will be rebuilt: the council found the money after ten years of debate and delay.</p></header>
            <div class="text"><p>The council voted on Tuesday to rebuild the old stone bridge over the river, at a cost of two million.</p>
            <p>Work starts in spring and should be finished before the first snow falls on the valley next winter.</p></div></div></body>
            """
        let text = try #require(Extractor().extract(html)).text
        #expect(text.hasPrefix("The old stone bridge will be rebuilt"))
        #expect(!text.contains("Valley News"))
    }

    /// A page whose text sits only in elements named like boilerplate is extracted again with the
    /// names ignored (comment sections still go) rather than coming out empty.
    @Test func shortResultsAreRetriedWithoutClassNames() throws {
        let html = """
            <body><div class="widget-wrap"><div class="widget-container">
            <p>The council voted on Tuesday to rebuild the old stone bridge over the river, at a cost of two million.</p>
            <p>Work starts in spring and should be finished before the first snow falls on the valley next winter.</p></div></div>
            <div class="comments"><p>First! This is the best news I have read all year, thank you so much.</p></div></body>
            """
        let text = try #require(Extractor().extract(html)).text
        #expect(text.contains("rebuild the old stone bridge"))
        #expect(text.contains("before the first snow"))
        #expect(!text.contains("First!"))
    }

    /// "Related stories" and its box of links go, and the article goes on after the box.
    @Test func headingsOfLinkBoxesRemoveTheBox() throws {
        let paragraph = "<p>The council voted on Tuesday to rebuild the old stone bridge over the river, at a cost of two million, after ten years.</p>"
        let html = """
            <body><article>\(paragraph)\(paragraph)
            <div><h3>Related stories</h3><p>Floods in the valley: what the farmers say about the spring that never came to the hills.</p></div>
            <p>Work starts in spring and should be finished before the first snow falls on the valley next winter, the mayor said.</p>
            </article></body>
            """
        let text = try #require(Extractor().extract(html)).text
        #expect(text.contains("before the first snow"))
        #expect(!text.contains("Related stories"))
        #expect(!text.contains("what the farmers say"))
    }

    /// A link whose text is its address stays (a citation); other link-only lines go.
    @Test func addressLinksAreCitations() throws {
        let paragraph = "<p>The council voted on Tuesday to rebuild the old stone bridge over the river, at a cost of two million, after ten years.</p>"
        let html = """
            <body><article>\(paragraph)\(paragraph)\(paragraph)\(paragraph)
            <p><a href="https://example.org/bridge/minutes-2024.pdf">https://example.org/bridge/minutes-2024.pdf</a></p>
            <p><a href="/sport">More news from the valley and the hills around it</a></p>
            \(paragraph)</article></body>
            """
        let text = try #require(Extractor().extract(html)).text
        #expect(text.contains("https://example.org/bridge/minutes-2024.pdf"))
        #expect(!text.contains("More news from the valley"))
    }

    @Test func softHyphensAndRubyAnnotationsGo() throws {
        let html = """
            <body><article><p>Die Brü\u{AD}cke über den Fluss wird im Früh\u{AD}ling neu gebaut, sagte der Bürger\u{AD}meister am Dienstag.</p>
            <p><ruby>子<rp>(</rp><rt>こ</rt><rp>)</rp></ruby>どもへの<ruby>虐待<rt>ぎゃくたい</rt></ruby>をなくすための<ruby>法律<rt>ほうりつ</rt></ruby>ができました。</p></article></body>
            """
        let text = try #require(Extractor().extract(html)).text
        #expect(text.contains("Die Brücke über den Fluss wird im Frühling neu gebaut, sagte der Bürgermeister am Dienstag."))
        #expect(text.contains("子どもへの虐待をなくすための法律ができました。"))
    }

    @Test func emptyInputIsNotADocument() {
        #expect(Extractor().extract("") == nil)
    }

    /// Pathological pages finish quickly and are capped, never hang or crash.
    @Test func pathologicalPagesAreCapped() throws {
        let deep = String(repeating: "<div>", count: 50_000) + "<p>deep text</p>" + String(repeating: "</div>", count: 50_000)
        let start = ContinuousClock.now
        var recall = Extractor.Options()
        recall.focus = .recall
        let deepResult = try #require(Extractor(options: recall).extract("<html><body>" + deep + "<p>after the deep part</p></body></html>"))
        #expect(deepResult.text.contains("deep text"))
        #expect(deepResult.text.contains("after the deep part"))
        #expect(deepResult.capped)

        let broken = String(repeating: "<p><b><i>unclosed <a href='x'>tags <table><td>cell", count: 5_000)
        #expect(Extractor().extract(broken) != nil)

        let pre = "<html><body><pre>" + String(repeating: "a line of the log, with some text in it\n", count: 50_000) + "</pre></body></html>"
        let preResult = try #require(Extractor().extract(pre))
        #expect(preResult.text.utf8.count > 1_000_000)

        var options = Extractor.Options()
        options.maxHTMLBytes = 1 << 20
        let huge = "<html><body>" + String(repeating: "<div class='x'><span>markup</span></div>", count: 100_000) + "</body></html>"
        let capped = try #require(Extractor(options: options).extract(huge))
        #expect(capped.capped)
        #expect(ContinuousClock.now - start < .seconds(60))
    }

    /// Snippets that must and must not appear, on 40 pages of trafilatura's evaluation set.
    @Test func trafilaturaEvaluationPages() throws {
        let index = try Repo.read(Repo.fixture("extraction/trafilatura/index.jsonl"))
        var found = 0, wanted = 0, absent = 0, unwanted = 0
        for line in index.split(separator: 10) {
            guard case .object(let page) = try JSONParser.parse(String(decoding: line, as: UTF8.self)),
                  let file = page["file"]?.stringValue else { continue }
            let html = String(decoding: try Repo.read(Repo.fixture("extraction/" + file)), as: UTF8.self)
            let text = squash(Extractor().extract(html)?.text ?? "")
            for snippet in page["with"]?.arrayValue ?? [] {
                wanted += 1
                if text.contains(squash(snippet.stringValue ?? "")) { found += 1 }
            }
            for snippet in page["without"]?.arrayValue ?? [] {
                unwanted += 1
                if !text.contains(squash(snippet.stringValue ?? "")) { absent += 1 }
            }
        }
        let withFound = Double(found) / Double(wanted), withoutAbsent = Double(absent) / Double(unwanted)
        print("trafilatura fixture pages: with found \(withFound), without absent \(withoutAbsent)")
        #expect(wanted > 100)
        #expect(withFound > 0.8)
        #expect(withoutAbsent > 0.8)
    }

    @Test func stepWritesTitleAndCountsEmptyPages() throws {
        var stage = try Registry.step("extract", at: .commandLine("test"))
            .make(StepParams(step: "extract", location: .commandLine("test")), context: StepContext())
        var output: [Document] = []
        var stats = StageStats(name: "extract")
        try stage.process([Document(id: "a", text: article), Document(id: "b", text: "<html><body><nav>menu</nav></body></html>"),
                           Document(id: "c", text: "")], into: &output, stats: &stats)
        #expect(output.map(\.id) == ["a"])
        #expect(output.first?.metadata["title"] == .string("A test page"))
        #expect(stats["dropped_no_text"] == 1)
        #expect(stats["skipped_unparsable_html"] == 1)
    }
}

/// Whitespace runs collapsed, as the evaluation's scorer does.
func squash(_ s: String) -> String {
    s.split(whereSeparator: { $0.isWhitespace }).joined(separator: " ")
}
