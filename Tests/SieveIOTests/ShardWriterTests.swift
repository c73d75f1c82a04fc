import Testing
import SieveCore
@testable import SieveIO
import SieveTestSupport

@Suite struct ShardWriterTests {
    func documents() throws -> [Document] {
        var reader = JSONLReader()
        return try reader.readAll(Fixtures.path("jsonl/ccnet-head-0174.jsonl.gz")).documents
    }

    @Test(arguments: ShardWriter.Format.allCases)
    func rollsShardsBySizeAndReadsBackEveryDocument(format: ShardWriter.Format) throws {
        let dir = try Fixtures.temporaryDirectory()
        let docs = try documents()
        let writer = ShardWriter(.init(directory: dir, prefix: "00007", format: format, maxShardBytes: 20_000))
        for doc in docs { try writer.write(doc) }
        try writer.close()
        #expect(writer.shards.count > 1)
        #expect(writer.shards.first == dir + "/00007_00000.\(format.rawValue)")
        #expect(try FileSystem.list(dir) == writer.shards.map { String($0.split(separator: "/").last!) })
        var back: [Document] = []
        var reader = JSONLReader()
        for shard in writer.shards { back += try reader.readAll(shard).documents }
        #expect(back == docs)
    }

    @Test func rollsByDocumentCount() throws {
        let dir = try Fixtures.temporaryDirectory()
        let writer = ShardWriter(.init(directory: dir, format: .jsonl, maxShardDocuments: 4))
        for doc in try documents() { try writer.write(doc) }
        try writer.close()
        #expect(writer.shards.count == 3)  // 4 + 4 + 2
    }

    @Test func anAbandonedShardNeverAppearsUnderItsFinalName() throws {
        let dir = try Fixtures.temporaryDirectory()
        do {
            let writer = ShardWriter(.init(directory: dir, format: .jsonlZst))
            try writer.write(Document(id: "1", text: "x"))
            #expect(try FileSystem.list(dir) == [".part_00000.jsonl.zst.tmp"])
        }
        #expect(try FileSystem.list(dir).isEmpty)
    }
}
