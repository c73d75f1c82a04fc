import SieveCore
import SieveIO
import SievePipeline
import SieveText
import Testing

@Suite struct LanguageIDTests {
    static let model: LanguageModel? = try? LanguageModel(tsv: Repo.read(Repo.root + "/models/langid.tsv.gz"))

    @Test func knowsTheCommonWebLanguages() throws {
        let model = try #require(Self.model)
        #expect(model.languages.count >= 40)
        for code in ["en", "ru", "es", "de", "fr", "ja", "pt", "it", "zh", "pl", "nl", "tr", "fa", "vi", "ko", "ar"] {
            #expect(model.languages.contains(code))
        }
    }

    /// Held-out sentences (never trained on) of every language: UDHR articles and Gutenberg books.
    @Test func heldOutSentences() throws {
        let model = try #require(Self.model)
        let lines = try Repo.read(Repo.fixture("langid/heldout-sentences.tsv")).split(separator: 10)
        var right = 0
        var wrong: [String] = []
        for line in lines {
            let fields = line.split(separator: 9, maxSplits: 2).map { String(decoding: $0, as: UTF8.self) }
            let guess = model.identify(fields[2])
            if guess?.language == fields[0] { right += 1 } else { wrong.append("\(fields[0])→\(guess?.language ?? "-")") }
        }
        print("language id: \(right) of \(lines.count) held-out sentences right; wrong: \(wrong)")
        #expect(lines.count >= 200)
        #expect(Double(right) / Double(lines.count) >= 0.95)
    }

    @Test func scoresAreConfidences() throws {
        let model = try #require(Self.model)
        let clear = try #require(model.identify("The committee will publish its report on the state of the river next week."))
        #expect(clear.language == "en")
        #expect(clear.score > 0.9)
        #expect(model.identify("Das Wetter ist heute schön, und wir gehen in den Park.")?.language == "de")
        #expect(model.identify("今日はとても良い天気ですね。")?.language == "ja")
        #expect(model.identify("Сегодня очень хорошая погода, и мы идём в парк.")?.language == "ru")
        #expect(model.identify("123 456 !!! ...") == nil)
    }

    @Test func stepAnnotatesAndKeeps() throws {
        var params = StepParams(step: "language", location: .commandLine("test"))
        params.set("keep", .scalar("en,fr", .commandLine("test")))
        params.set("min_score", .scalar("0.5", .commandLine("test")))
        params.set("model", .scalar(Repo.root + "/models/langid.tsv.gz", .commandLine("test")))
        var stage = try Registry.step("language", at: .commandLine("test")).make(params, context: StepContext())
        var output: [Document] = []
        var stats = StageStats(name: "language")
        try stage.process([
            Document(id: "en", text: "This is a sentence in plain English about the weather and the river."),
            Document(id: "fr", text: "Ceci est une phrase en français sur le temps qu'il fait et la rivière."),
            Document(id: "de", text: "Dies ist ein deutscher Satz über das Wetter und den Fluss."),
            Document(id: "none", text: "12345 67890"),
        ], into: &output, stats: &stats)
        #expect(output.map(\.id) == ["en", "fr"])
        #expect(output.first?.metadata["language"] == .string("en"))
        #expect((output.first?.metadata["language_score"]?.doubleValue ?? 0) > 0.5)
        #expect(stats["dropped_language"] == 2)
    }

    @Test func unknownLanguageInKeepIsASpecError() throws {
        var params = StepParams(step: "language", location: SourceLocation(file: "p.yaml", line: 3, column: 5))
        params.set("keep", .scalar("en,xx", SourceLocation(file: "p.yaml", line: 3, column: 5)))
        params.set("model", .scalar(Repo.root + "/models/langid.tsv.gz", .commandLine("test")))
        #expect(throws: SieveError.self) {
            try Registry.step("language", at: .commandLine("test")).make(params, context: StepContext())
        }
    }
}
