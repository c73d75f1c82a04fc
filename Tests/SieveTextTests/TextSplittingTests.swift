import Testing
@testable import SieveText

/// Words as spaCy 3.8's English tokenizer splits them (the expectations are its output), which is
/// what datatrove 0.10 counts; and Python `str` semantics.
@Suite struct TextSplittingTests {
    let splitter = WordSplitter(language: "en")

    func words(_ s: String) -> [String] { splitter.words(s).map(String.init) }

    @Test func wordsMatchSpaCyOnCommonPatterns() {
        let cases: [(String, [String])] = [
            ("Hello, world!", ["Hello", ",", "world", "!"]),
            ("Don't do-it", ["Do", "n't", "do", "-", "it"]),
            ("it's here", ["it", "'s", "here"]),
            ("e.g. this", ["e.g.", "this"]),
            ("the U.S.A. and IBM. Then", ["the", "U.S.A.", "and", "IBM", ".", "Then"]),
            ("Mr. Smith", ["Mr.", "Smith"]),
            ("wait... ok", ["wait", "...", "ok"]),
            ("see https://www.x.com/a_b?c=1, then", ["see", "https://www.x.com/a_b?c=1", ",", "then"]),
            ("on 2015/01/30 15:00", ["on", "2015/01/30", "15:00"]),
            ("hello--world", ["hello", "--", "world"]),
            ("3,700 and 3.5", ["3,700", "and", "3.5"]),
            ("#tag @user", ["#", "tag", "@user"]),
            ("I don\u{2019}t know, it\u{2019}s startStop-1", ["I", "do", "n\u{2019}t", "know", ",", "it", "\u{2019}s", "startStop-1"]),
            ("I cannot go to\u{2010}day", ["I", "can", "not", "go", "to\u{2010}day"]),
            ("wood—(she earth,—my him?—my C:\\alfresco x=1 AT&T word[edit 1+2 a+b -o +0 C++ 90% a~b",
             ["wood—(she", "earth,—my", "him?—my", "C:\\alfresco", "x=1", "AT&T", "word[edit", "1", "+", "2", "a+b", "-o", "+0",
              "C++", "90", "%", "a", "~", "b"]),
            ("(yes). \"Quote.\" 'q' ok?!", ["(", "yes", ")", ".", "\"", "Quote", ".", "\"", "'", "q", "'", "ok", "?", "!"]),
            ("_I_ saw org.apache.Foo", ["_", "I", "_", "saw", "org.apache", ".", "Foo"]),
            ("  spaced \n\n out\t", ["spaced", "out"]),
        ]
        for (text, expected) in cases {
            #expect(words(text) == expected, "\(text)")
        }
    }

    @Test func chineseAndThaiAreSegmentedByDictionary() {
        let zh = WordSplitter(language: "zh").words("我们在北京学习中文")
        #expect(zh.count >= 3 && zh.count < 9)
        #expect(zh.joined() == "我们在北京学习中文")
        let th = WordSplitter(language: "th").words("ภาษาไทยง่ายนิดเดียว")
        #expect(th.count >= 2 && th.joined() == "ภาษาไทยง่ายนิดเดียว")
    }

    @Test func sentencesFollowSpaCysSentencizer() {
        #expect(TextSplitting.sentenceCount(splitter.words("One. Two! Three? Four")) == 4)
        #expect(TextSplitting.sentenceCount(splitter.words("Mr. Smith went to Washington.")) == 1)
        #expect(TextSplitting.sentenceCount(splitter.words("Wait... what?! Yes.")) == 2)
        #expect(TextSplitting.sentenceCount([]) == 0)
    }

    @Test func pythonStringSemantics() {
        #expect(PythonText.splitLines("a\r\nb\u{2028}c\n") == ["a", "b", "c"])
        #expect(PythonText.splitLines("a\n\nb") == ["a", "", "b"])
        #expect(PythonText.splitWhitespace(" a \u{1F}b\u{A0}c ") == ["a", "b", "c"])
        #expect(PythonText.strip("\u{3000} x \u{85}") == "x")
        #expect(PythonText.split("a\n\n\nb\nc", newlineRunsOf: 2) == ["a", "b\nc"])
        #expect(PythonText.split("\na\n\nb\n", newlineRunsOf: 1) == ["", "a", "b", ""])
        #expect(PythonText.split("ab", newlineRunsOf: 1) == ["ab"])
        // len(): code points, across the eight-byte steps (é is 2 bytes, 𝄞 is 4, 中 is 3).
        #expect(PythonText.length("") == 0)
        #expect(PythonText.length("abcdefgé𝄞中 xyz") == 14)
        #expect(PythonText.length(Substring("éééééééé")) == 8)
        #expect(PythonText.count(byte: 0x0A, in: "a\n\nb\né\n") == 4)
        #expect(PythonText.count("...", in: "a.... b...") == 2)
        #expect(PythonText.isWordCharacter("é") && PythonText.isWordCharacter("_") && !PythonText.isWordCharacter("\u{301}"))
        #expect(PythonText.endsWith("x-\u{301}", "\u{301}") && !PythonText.endsWith("ab", "xab"))
    }
}
