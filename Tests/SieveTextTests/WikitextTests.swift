import SieveText
import Testing

@Test func linksBecomeTheirLabels() {
    #expect(Wikitext.plainText("A [[motion of no confidence]] in the [[Reichstag (Weimar Republic)|Reichstag]].")
        == "A motion of no confidence in the Reichstag.")
    #expect(Wikitext.plainText("[[apple]]s and [[Paris#History]] and [[Mercury (planet)|]]") == "apples and Paris and Mercury")
    #expect(Wikitext.plainText("[[:Category:Physics|physics pages]]") == "physics pages")
}

@Test func filesCategoriesAndInterlanguageLinksAreRemoved() {
    #expect(Wikitext.plainText("Before [[File:Map.png|thumb|A map of [[Estonia]]]] after.") == "Before  after.")
    #expect(Wikitext.plainText("Text.\n[[Category:Economies]]\n[[de:Wirtschaft Estlands]]") == "Text.")
}

@Test func templatesTablesRefsAndCommentsAreRemoved() {
    let text = """
        Intro{{citation needed|date={{CURRENTYEAR}}}} text.<ref name="a">{{Cite web|url=x}}</ref><ref name="b"/>
        <!-- hidden -->
        {| class="wikitable"
        |-
        | cell || {{flag|DE}}
        |}
        Outro &amp; more&nbsp;text.
        """
    // The comment's line is left empty: a paragraph break.
    #expect(Wikitext.plainText(text) == "Intro text.\n\nOutro & more text.")
}

@Test func formattingHeadingsAndLists() {
    let text = "== History ==\n'''Bold''' and ''italic'' and '''''both'''''.\n* one\n# two\n: indented\n----\n__TOC__"
    #expect(Wikitext.plainText(text) == "History\nBold and italic and both.\none\ntwo\nindented")
}

@Test func externalLinks() {
    #expect(Wikitext.plainText("See [https://example.org the site] or [http://x.org].") == "See the site or .")
}

@Test func tagsKeepTheirContentExceptMath() {
    #expect(Wikitext.plainText("E<sub>2</sub> is <math>x^2</math> <span style=\"x\">here</span>.") == "E2 is  here.")
}
