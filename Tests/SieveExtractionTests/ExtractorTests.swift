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
