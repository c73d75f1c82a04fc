import SieveCore
import SievePipeline
import SieveText
import Testing

@Suite struct NormalizerTests {
    @Test func composesToNFCByDefault() {
        // "e" + combining acute (NFD) becomes "é" (NFC); a ligature is kept in NFC.
        #expect(TextNormalizer().normalize("Caf\u{65}\u{301} \u{FB01}ne") == "Caf\u{E9} \u{FB01}ne")
    }

    @Test func foldsCompatibilityCharactersInNFKC() {
        var options = TextNormalizer.Options()
        options.form = .nfkc
        #expect(TextNormalizer(options: options).normalize("\u{FB01}ne \u{FF21}\u{FF22}\u{FF23} x\u{00B2}") == "fine ABC x2")
    }

    @Test func removesControlsAndInvisibleFormatting() {
        let text = "a\u{0007}b\u{0000}c zero\u{200B}width soft\u{00AD}hyphen \u{FEFF}bom \u{200E}mark"
        #expect(TextNormalizer().normalize(text) == "abc zerowidth softhyphen bom mark")
        // ZWJ in emoji sequences and ZWNJ in Persian are kept.
        #expect(TextNormalizer().normalize("👩\u{200D}💻 می\u{200C}خواهم") == "👩\u{200D}💻 می\u{200C}خواهم")
    }

    @Test func collapsesWhitespaceKeepingParagraphs() {
        let text = "  one \t two\u{00A0}\u{2003}three  \n\n\n\n  second   paragraph\r\nline  \n"
        #expect(TextNormalizer().normalize(text) == "one two three\n\nsecond paragraph\nline")
    }

    @Test func repairsMojibake() {
        #expect(TextNormalizer().normalize("KÃ¤se und BrÃ¶tchen, donâ€™t â€œquoteâ€\u{9D} â‚¬5") == "Käse und Brötchen, don’t “quote” €5")
        // Correct text that merely contains Latin-1 letters is untouched.
        #expect(TextNormalizer().normalize("Ã la carte, Âge, façade") == "Ã la carte, Âge, façade")
    }

    @Test func everyStepCanBeTurnedOff() {
        var options = TextNormalizer.Options()
        options.form = nil
        options.repairMojibake = false
        options.removeControls = false
        options.removeInvisible = false
        options.collapseWhitespace = false
        let text = "KÃ¤se\u{0007} e\u{301}\u{200B}  \n\n\n x"
        #expect(TextNormalizer(options: options).normalize(text) == text)
    }

    @Test func stepDropsDocumentsLeftEmpty() throws {
        var params = StepParams(step: "normalize", location: .commandLine("test"))
        params.set("form", .scalar("nfkc", .commandLine("test")))
        var stage = try Registry.step("normalize", at: .commandLine("test")).make(params, context: StepContext())
        var output: [Document] = []
        var stats = StageStats(name: "normalize")
        try stage.process([Document(id: "a", text: "\u{FB01}  x"), Document(id: "b", text: " \u{200B}\n ")], into: &output, stats: &stats)
        #expect(output.map(\.text) == ["fi x"])
        #expect(stats["dropped_empty"] == 1)
    }
}
