#if canImport(Glibc)
import Glibc
#endif
import SieveCore
import SieveIO
import Testing
@testable import SieveTokenizer

/// The repository root (tests read fixtures/ from it).
let root: String = {
    var parts = String(#filePath).split(separator: "/", omittingEmptySubsequences: false)
    parts.removeLast(3)
    return parts.joined(separator: "/")
}()

func fixture(_ path: String) -> String { root + "/fixtures/" + path }

/// GPT-2's own tokenizer (vocab and merges of OpenAI's encoder.json/vocab.bpe).
let gpt2: Tokenizer = try! Tokenizer.load(fixture("tokenizer/gpt2-tokenizer.json.gz"))

/// The pieces of `text` as strings.
func pieces(_ text: String) -> [String] {
    var out: [String] = []
    var text = text
    text.withUTF8 { utf8 in
        PreTokenizer.split(UnsafeRawBufferPointer(utf8)) { out.append(String(decoding: UnsafeBufferPointer(rebasing: utf8[$0..<$1]), as: UTF8.self)) }
    }
    return out
}

/// The strings of the big list of naughty strings, byte-exact (from its base64 file).
func naughtyStrings() throws -> [[UInt8]] {
    let json = try JSONParser.parse(try FileSystem.readText(fixture("unicode/blns.base64.json")))
    return (json.arrayValue ?? []).compactMap { $0.stringValue.flatMap(base64Decode) }
}

func base64Decode(_ text: String) -> [UInt8]? {
    let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)
    var value = [UInt8: UInt32]()
    for (k, c) in alphabet.enumerated() { value[c] = UInt32(k) }
    var out: [UInt8] = []
    var buffer: UInt32 = 0, bits = 0
    for c in text.utf8 where c != UInt8(ascii: "=") {
        guard let v = value[c] else { return nil }
        buffer = buffer << 6 | v
        bits += 6
        if bits >= 8 {
            bits -= 8
            out.append(UInt8(truncatingIfNeeded: buffer >> UInt32(bits)))
        }
    }
    return out
}

@Suite struct ByteLevelTests {
    @Test func mapIsGPT2s() {
        #expect(Set(ByteLevel.characters).count == 256)
        #expect(ByteLevel.characters[0x20] == "\u{120}")  // Ġ
        #expect(ByteLevel.characters[0x0A] == "\u{10A}")  // Ċ
        #expect(ByteLevel.characters[Int(UInt8(ascii: "a"))] == "a")
        for b in 0..<256 { #expect(ByteLevel.byte(for: ByteLevel.characters[b]) == UInt8(b)) }
        // GPT-2 numbers the 256 byte tokens in code-point order of their characters, as HF's trainer does.
        for (id, b) in ByteLevel.alphabetOrder.enumerated() {
            #expect(gpt2.vocab[id] == ByteLevel.encode([b]))
        }
    }
}

@Suite struct PreTokenizerTests {
    /// Expected splits were produced by `tokenizers`' ByteLevel pre-tokenizer (0.23.3).
    @Test func splitsAsTheGPT2Regex() {
        #expect(pieces("x  \nfoo") == ["x", "  ", "\n", "foo"])
        #expect(pieces("it's ''s") == ["it", "'s", " ''", "s"])
        #expect(pieces("a\u{3000}\u{3000}b") == ["a", "\u{3000}", "\u{3000}", "b"])
        #expect(pieces("a\u{1C}\u{1C}b") == ["a", "\u{1C}\u{1C}", "b"])
        #expect(pieces("a\u{85}\u{85}b") == ["a", "\u{85}", "\u{85}", "b"])
        #expect(pieces("a\u{200B}\u{200B}b") == ["a", "\u{200B}\u{200B}", "b"])
        #expect(pieces("A\u{301}b 12\u{BD}") == ["A", "\u{301}", "b", " 12\u{BD}"])
        #expect(pieces("x \t\n") == ["x", " \t\n"])
        #expect(pieces("Hello world!!  ok\n\n") == ["Hello", " world", "!!", " ", " ok", "\n\n"])
        #expect(pieces("we'll 'RE 're") == ["we", "'ll", " '", "RE", " '", "re"])
    }

    @Test func piecesCoverEveryByte() throws {
        var inputs = try naughtyStrings()
        inputs.append([0xFF, 0x20, 0xC3, 0x28, 0x41, 0xE2, 0x82, 0x20, 0xF0, 0x9F, 0x98, 0x80, 0xED, 0xA0, 0x80, 0x0A])
        for bytes in inputs {
            var joined: [UInt8] = []
            bytes.withUnsafeBytes { raw in
                PreTokenizer.split(raw) { start, end in
                    #expect(end > start)
                    joined += raw[start..<end]
                }
            }
            #expect(joined == bytes)
        }
    }
}

@Suite struct GPT2Tests {
    /// Expected ids from `tokenizers` 0.23.3 with the same GPT-2 tokenizer.json.
    @Test func encodesAsTokenizers() {
        var encoder = Encoder(gpt2)
        #expect(gpt2.vocabSize == 50257)
        #expect(gpt2.id(of: "<|endoftext|>") == 50256)
        #expect(encoder.encode("Hello world, it's GPT-2!") == [15496, 995, 11, 340, 338, 402, 11571, 12, 17, 0])
        #expect(encoder.encode("The quick brown fox jumps over the lazy dog.\n\n  Indented   spaces\tand tabs")
            == [464, 2068, 7586, 21831, 18045, 625, 262, 16931, 3290, 13, 628, 220, 1423, 4714, 220, 220, 9029, 197, 392, 22524])
        #expect(encoder.encode("Ünïcödé, 日本語のテキスト, emoji 🤖🎉 and numbers 1234567.89")
            == [127, 250, 77, 26884, 66, 9101, 67, 2634, 11, 10545, 245, 98, 17312, 105, 45739, 252, 5641, 24336, 25084,
                43302, 11, 44805, 12520, 97, 244, 8582, 236, 231, 290, 3146, 17031, 2231, 3134, 13, 4531])
        #expect(encoder.encode("it's 're 'VE<|endoftext|>end") == [270, 338, 705, 260, 705, 6089, 50256, 437])
        // Without special tokens, <|endoftext|> is ordinary text.
        #expect(!encoder.encode("a<|endoftext|>b", allowSpecial: false).contains(50256))
    }

    @Test func decodesExactly() throws {
        var encoder = Encoder(gpt2, cacheCapacity: 64)  // a small cache: also exercises starting it over
        var inputs = try naughtyStrings()
        inputs.append(contentsOf: [[0xFF, 0xFE, 0x00, 0x80], [0xC3], Array(repeating: 0x20, count: 3000), [0xE2, 0x82, 0x41, 0x0A]])
        let prose = try Compression.open(fixture("prose/alice_in_wonderland.txt.gz")).readAll()
        inputs.append(prose)
        for bytes in inputs {
            for special in [true, false] {
                #expect(gpt2.decode(encoder.encode(bytes: bytes, allowSpecial: special)) == bytes)
            }
        }
    }

    /// Optional (skips without ../shared/data): Spanish, French, German, Tagalog and Classical
    /// Chinese books, 16 slices of 16 KiB spread over the file, cut at arbitrary bytes.
    static let otherLanguages = root + "/../shared/data/prose/gutenberg-books/gutenberg_non_en.txt.gz"

    @Test(.enabled(if: FileSystem.exists(otherLanguages))) func decodesOtherLanguagesExactly() throws {
        let books = try Compression.open(Self.otherLanguages).readAll()
        var encoder = Encoder(gpt2)
        for k in 0..<16 {
            let start = books.count / 16 * k + 7
            let slice = Array(books[start..<min(books.count, start + (1 << 14))])
            #expect(gpt2.decode(encoder.encode(bytes: slice)) == slice)
        }
    }

    @Test func savesAndLoadsTheSameTokenizer() throws {
        let path = scratch("gpt2.json")
        defer { FileSystem.remove(path) }
        try gpt2.save(path)
        let again = try Tokenizer.load(path)
        #expect(again.vocab == gpt2.vocab)
        #expect(again.merges.elementsEqual(gpt2.merges, by: ==))
        #expect(again.addedTokens == gpt2.addedTokens)
        var a = Encoder(again), b = Encoder(gpt2)
        let text = "Round trip of tokenizer.json, \u{1F600} included."
        #expect(a.encode(text) == b.encode(text))
    }

    @Test func rejectsWhatItCannotRead() throws {
        let path = scratch("wordpiece.json")
        defer { FileSystem.remove(path) }
        try FileSystem.writeFile(path, Array(#"{"model": {"type": "WordPiece", "vocab": {}}}"#.utf8))
        #expect(throws: SieveError.self) { try Tokenizer.load(path) }
        try FileSystem.writeFile(path, Array("{\"model\": ".utf8))
        #expect(throws: SieveError.self) { try Tokenizer.load(path) }
    }
}

@Suite struct TrainerTests {
    /// `tokenizers` 0.23.3 (BpeTrainer, ByteLevel, vocab 600, min frequency 2, special
    /// <|endoftext|>) on the same book gives these merges and ids.
    @Test func trainsAsTokenizersOnProse() throws {
        var stats = StageStats(name: "train")
        let tokenizer = try BPETrainer(vocabSize: 600, minFrequency: 2)
            .train([fixture("prose/alice_in_wonderland.txt.gz")], corpus: TrainingCorpus(format: .text, threads: 2), stats: &stats)
        #expect(tokenizer.vocabSize == 600)
        #expect(tokenizer.merges.count == 343)
        let merges = tokenizer.merges.map { [tokenizer.vocab[Int($0.0)]!, tokenizer.vocab[Int($0.1)]!] }
        #expect(Array(merges.prefix(8)) == [["Ġ", "t"], ["h", "e"], ["č", "Ċ"], ["â", "Ģ"], ["Ġ", "a"], ["Ġ", "s"], ["i", "n"], ["Ġt", "he"]])
        #expect(Array(merges.suffix(3)) == [["Ġqu", "ite"], ["I", "t"], ["i", "ve"]])
        var encoder = Encoder(tokenizer)
        let text = "\u{201C}Curious and curiouser!\u{201D} cried Alice (she was so much surprised, that for the moment she quite forgot how to speak good English)."
        #expect(encoder.encode(text) == [272, 35, 85, 342, 546, 282, 280, 85, 342, 546, 268, 341, 280, 558, 332, 567, 83, 258, 328, 352,
                                         596, 262, 354, 80, 82, 291, 276, 12, 348, 375, 264, 284, 484, 339, 313, 597, 375, 71, 319, 285,
                                         304, 277, 573, 428, 75, 312, 347, 68, 221, 37, 78, 71, 76, 583, 9, 14])
        #expect(stats["documents"] > 3000)
        #expect(tokenizer.decode(encoder.encode(bytes: Array(text.utf8))) == Array(text.utf8))
    }

    @Test func sameResultOnOneOrTwoThreadsAndFromJSONL() throws {
        let text = fixture("prose/tinyshakespeare-head.txt")
        var stats = StageStats(name: "train")
        let trainer = BPETrainer(vocabSize: 400, minFrequency: 2)
        let one = try trainer.train([text], corpus: TrainingCorpus(format: .text, threads: 1, batchBytes: 10_000), stats: &stats)
        let two = try trainer.train([text], corpus: TrainingCorpus(format: .text, threads: 2), stats: &stats)
        #expect(one.vocab == two.vocab)
        #expect(one.merges.elementsEqual(two.merges, by: ==))
        // The same lines as JSONL documents give the same counts.
        let lines = try FileSystem.readText(text).split(separator: "\n", omittingEmptySubsequences: false)
        var jsonl: [UInt8] = []
        for (k, line) in lines.enumerated() where k + 1 < lines.count || !line.isEmpty {
            NDJSON.encode(Document(id: "\(k)", text: String(line) + (k + 1 < lines.count ? "\n" : "")), to: &jsonl)
        }
        let path = scratch("lines.jsonl")
        defer { FileSystem.remove(path) }
        try FileSystem.writeFile(path, jsonl)
        let fromJSONL = try trainer.train([path], corpus: TrainingCorpus(format: .jsonl), stats: &stats)
        #expect(fromJSONL.merges.elementsEqual(one.merges, by: ==))
    }

    @Test func stopsAtMinimumFrequency() throws {
        var counts = WordCounts()
        Array("low lower lowest low low".utf8).withUnsafeBytes { counts.add($0) }
        let tokenizer = try BPETrainer(vocabSize: 1000, minFrequency: 3, specialTokens: []).train(counts)
        // l-o and o-w occur 5 times (the tie goes to the smaller ids, "l" < "o"), Ġ-low 4 times;
        // then no pair occurs 3 times.
        #expect(tokenizer.merges.map { tokenizer.vocab[Int($0.0)]! + tokenizer.vocab[Int($0.1)]! } == ["lo", "low", "Ġlow"])
        #expect(tokenizer.vocabSize == 259)
    }
}
