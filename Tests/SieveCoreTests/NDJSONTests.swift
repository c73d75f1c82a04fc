import Testing
@testable import SieveCore

@Suite struct NDJSONTests {
    @Test func roundTripsTextAndMetadataExactly() throws {
        let line = #"{"id":"a1","text":"Line one\nLine \"two\"\t\\ end \u00e9 \ud83d\ude00 \u0001","metadata":{"url":"https://x.org/?a=1&b=2","n":12345678901234567890,"f":1.50,"e":-2E+10,"nested":{"list":[1,"two",null,true,{"k":[]}]},"empty":{}}}"#
        let doc = try NDJSON.decode(line)
        #expect(doc.id == "a1")
        #expect(doc.text == "Line one\nLine \"two\"\t\\ end é 😀 \u{01}")
        #expect(doc.metadata["n"] == .number("12345678901234567890"))
        #expect(doc.metadata["f"] == .number("1.50"))
        #expect(doc.metadata["e"] == .number("-2E+10"))
        #expect(doc.metadata.keys == ["url", "n", "f", "e", "nested", "empty"])
        var out: [UInt8] = []
        NDJSON.encode(doc, to: &out)
        let again = try NDJSON.decode(String(decoding: out.dropLast(), as: UTF8.self))
        #expect(again == doc)
        #expect(out.last == UInt8(ascii: "\n"))
        #expect(!out.dropLast().contains(UInt8(ascii: "\n")))
    }

    @Test func keepsDolmaTopLevelFieldsInMetadata() throws {
        let line = #"{"id":7,"text":"t","source":"common-crawl","added":"2023-04-07","metadata":{"source":"inner","lang":"en"},"attributes":{"x":[[0,1,0.5]]}}"#
        let doc = try NDJSON.decode(line)
        #expect(doc.id == "7")
        #expect(doc.metadata.keys == ["source", "lang", "top_source", "added", "attributes"])
        #expect(doc.metadata["top_source"] == .string("common-crawl"))
        #expect(doc.metadata["attributes"] == .object(["x": [[0, 1, .number("0.5")]]]))
    }

    @Test func givesDocumentsWithoutIDTheDefault() throws {
        #expect(try NDJSON.decode(#"{"text":"hello"}"#, defaultID: "file.jsonl:3").id == "file.jsonl:3")
    }

    @Test func repairsInvalidUTF8AndLoneSurrogates() throws {
        var bytes = Array(#"{"text":"ok "#.utf8) + [0xFF, 0xC3] + Array(#" \ud800 x \udc00"}"#.utf8)
        let doc = try bytes.withUnsafeMutableBytes { try NDJSON.decode(UnsafeRawBufferPointer($0), defaultID: "") }
        #expect(doc.text == "ok \u{FFFD}\u{FFFD} \u{FFFD} x \u{FFFD}")
    }

    @Test(arguments: [
        (#"{"id":"x","text":"unterminated}"#, "malformed_json"),
        (#"not json"#, "not_an_object"),
        (#"["text"]"#, "not_an_object"),
        (#"{"id":"x"}"#, "missing_text"),
        (#"{"text":5}"#, "wrong_field_type"),
        (#"{"text":"a","metadata":[1]}"#, "wrong_field_type"),
        (#"{"text":"a"} trailing"#, "malformed_json"),
        (#"{"text":"a\x"}"#, "malformed_json"),
        (#"{"text":"a","n":01}"#, "malformed_json"),
        ("{\"text\":\"raw\tcontrol\"}", "malformed_json"),
    ])
    func rejectsMalformedLinesWithAReason(line: String, reason: String) {
        #expect(throws: (any Error).self) { try NDJSON.decode(line) }
        do {
            _ = try NDJSON.decode(line)
        } catch let error as NDJSON.LineError {
            #expect(error.reason == reason)
        } catch {
            Issue.record("unexpected error \(error)")
        }
    }

    @Test func rejectsNestingBeyondTheLimit() {
        let deep = String(repeating: "[", count: 300) + String(repeating: "]", count: 300)
        #expect(throws: JSONParser.SyntaxError.self) { try JSONParser.parse(#"{"text":"a","metadata":{"d":"# + deep + "}}") }
        #expect(throws: Never.self) { try JSONParser.parse(String(repeating: "[", count: 100) + String(repeating: "]", count: 100)) }
    }

    @Test func escapesEveryControlCharacter() throws {
        let text = String((0..<32).map { Character(Unicode.Scalar(UInt8($0))) }) + "\"\\/"
        var out: [UInt8] = []
        JSONWriter.append(string: text, to: &out)
        #expect(!out.contains { $0 < 0x20 })
        #expect(try JSONParser.parse(String(decoding: out, as: UTF8.self)) == .string(text))
    }
}
