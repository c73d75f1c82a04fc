import SieveCore
import SieveIO
import SievePipeline
import Testing

private let here = SourceLocation.commandLine("test")

private func params(_ pairs: [(String, String)]) -> StepParams {
    StepParams(step: "read", location: here, entries: pairs.map { ($0.0, ParamValue.scalar($0.1, here)) })
}

@Test func webArchiveFormatsAreRegistered() throws {
    for name in ["warc", "arc", "wet", "wat", "wiki", "tar"] {
        #expect(Registry.inputs[name] != nil, "\(name)")
    }
    let reader = try Registry.input("warc", at: here).make(params([("records", "response,resource"), ("content_types", "*"), ("digest", "true")]))
    let warc = try #require(reader as? WARCReader)
    #expect(warc.recordTypes == ["response", "resource"] && warc.contentTypes == ["*"] && warc.digest)
    let wet = try #require(try Registry.input("wet", at: here).make(params([])) as? WARCReader)
    #expect(wet.recordTypes == ["conversion"])
}

@Test func badReaderKeysAreRefused() {
    #expect(throws: SieveError.self) { try Registry.input("warc", at: here).make(params([("records", "responses")])) }
    #expect(throws: SieveError.self) { try Registry.input("wiki", at: here).make(params([("namespaces", "main")])) }
    #expect(throws: SieveError.self) { try Registry.input("tar", at: here).make(params([("max_member_bytes", "lots")])) }
}
