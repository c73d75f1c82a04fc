import SieveCore
import SieveIO
import Testing

private func readTar(_ stream: ByteStream, name: String) throws -> ([Document], StageStats) {
    var stats = StageStats(name: "read")
    var docs: [Document] = []
    try TarReader().read(stream, name: name, stats: &stats) { docs.append($0) }
    return (docs, stats)
}

@Test func plainTarOfTextFiles() throws {
    var reader = TarReader()
    let (docs, stats) = try reader.readAll(fixture("tar/testtarfile.tar"))
    #expect(Set(docs.compactMap { $0.metadata["member"]?.stringValue }) == ["testdir/1.txt", "testdir/2.txt", "testdir/3.txt", "testdir/4.txt"])
    #expect(stats["other_members"] == 1)  // the directory
    let total = docs.reduce(0) { $0 + $1.text.utf8.count }
    #expect(total == 2724)  // 1293 + 21 + 470 + 940 bytes, as tar lists them
}

@Test func gzippedTarAndZipHoldTheSameText() throws {
    var reader = TarReader()
    let (tgz, _) = try reader.readAll(fixture("tar/blns.txt.tar.gz"))
    let (zip, _) = try reader.readAll(fixture("tar/blns.txt.zip"))
    #expect(tgz.count == 1 && zip.count == 1 && tgz[0].text == zip[0].text && tgz[0].text.utf8.count == 29822)
}

@Test func lmDataformatZstdJSONLMembers() throws {
    var reader = TarReader()
    let (docs, stats) = try reader.readAll(fixture("tar/blns.jsonl.zst.tar"))
    // Each member holds 4 lines; line 2 has a non-string "text" (skipped and counted).
    #expect(docs.count == 6 && stats["skipped_wrong_field_type"] == 2 && stats["members"] == 2)
}

@Test(arguments: ["testtarfile.tar", "blns.txt.tar.gz", "blns.txt.zip", "blns.jsonl.zst.tar"])
func tarChunkSizeDoesNotMatter(file: String) throws {
    let bytes = try FileSystem.readFile(fixture("tar/" + file))
    let (whole, wholeStats) = try readTar(ChunkedStream(bytes, chunk: bytes.count), name: file)
    for chunk in [1, 7, 65536] {
        let (docs, stats) = try readTar(ChunkedStream(bytes, chunk: chunk), name: file)
        #expect(docs == whole && stats == wholeStats, "\(file) in \(chunk)-byte chunks")
    }
}

@Test func truncatedTarIsCounted() throws {
    let bytes = try FileSystem.readFile(fixture("tar/testtarfile.tar"))
    let (docs, stats) = try readTar(ChunkedStream(Array(bytes[0..<2000]), chunk: 512), name: "cut")
    #expect(docs.count <= 1 && stats["skipped_truncated_input"] == 1)
}

@Test func waczHoldsAWARC() throws {
    guard let sharedData else { return }
    var reader = TarReader()
    let (_, stats) = try reader.readAll(sharedData + "/warc/warcbench/test-crawl.wacz")
    #expect(stats["records_response"] == 11 && stats["records_request"] == 11 && stats["records_warcinfo"] == 1)
}
