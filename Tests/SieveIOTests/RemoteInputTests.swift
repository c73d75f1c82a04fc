import Testing
import SieveCore
@testable import SieveIO
import SieveTestSupport

/// Remote inputs against a real HTTP server on loopback, including servers that misbehave.
@Suite struct RemoteInputTests {
    let file = "jsonl/dolma-cc-2019-30.jsonl.gz"
    let quick = HTTPStream.Options(retries: 3, backoffSeconds: 0.01, stallSeconds: 10)

    func fetch(_ server: LoopbackHTTPServer, _ name: String) throws -> (bytes: [UInt8], stream: HTTPStream) {
        let stream = try HTTPStream(url: server.url(name), options: quick)
        return (try stream.readAll(), stream)
    }

    @Test func streamsAFileExactly() throws {
        let server = try LoopbackHTTPServer(root: Fixtures.root)
        let (bytes, stream) = try fetch(server, file)
        #expect(SHA256.hex(of: bytes) == SHA256.hex(of: try FileSystem.readFile(Fixtures.path(file))))
        #expect(stream.retriesUsed == 0)
    }

    @Test func resumesADroppedConnectionWithARangeRequest() throws {
        let server = try LoopbackHTTPServer(root: Fixtures.root, fault: .dropHalfwayOnce)
        let (bytes, stream) = try fetch(server, file)
        #expect(SHA256.hex(of: bytes) == SHA256.hex(of: try FileSystem.readFile(Fixtures.path(file))))
        #expect(stream.retriesUsed == 1)
        #expect(server.log.count == 2)
        #expect(server.log[1].contains("Range: bytes=576618-"))
    }

    @Test func retriesServiceUnavailable() throws {
        let server = try LoopbackHTTPServer(root: Fixtures.root, fault: .unavailable(times: 2))
        let (bytes, stream) = try fetch(server, file)
        #expect(bytes.count == 1_153_237)
        #expect(stream.retriesUsed == 2)
    }

    @Test func skipsWhatItHadWhenAServerIgnoresTheRange() throws {
        let server = try LoopbackHTTPServer(root: Fixtures.root, fault: .ignoresRangesAndDropsOnce)
        let (bytes, _) = try fetch(server, file)
        #expect(SHA256.hex(of: bytes) == SHA256.hex(of: try FileSystem.readFile(Fixtures.path(file))))
    }

    @Test func givesUpWithAClearErrorOnNotFoundAndAfterTooManyFailures() throws {
        let server = try LoopbackHTTPServer(root: Fixtures.root)
        #expect(throws: SieveError.self) { try fetch(server, "missing.jsonl") }
        let failing = try LoopbackHTTPServer(root: Fixtures.root, fault: .unavailable(times: 100))
        do {
            _ = try fetch(failing, file)
            Issue.record("no error")
        } catch {
            #expect("\(error)".contains("HTTP 503 after 0 bytes and 3 retries"))
        }
    }

    @Test func readsDocumentsFromAURLAndFromARemoteCompressedPathsFile() throws {
        let server = try LoopbackHTTPServer(root: Fixtures.root)
        var reader = JSONLReader()
        let local = try reader.readAll(Fixtures.path("jsonl/ccnet-head-0091.jsonl.gz")).documents
        #expect(try reader.readAll(server.url("jsonl/ccnet-head-0091.jsonl.gz")).documents == local)
        // A Common Crawl style paths file: gzip, relative paths, a base URL.
        let dir = try Fixtures.temporaryDirectory()
        try FileSystem.writeFile(dir + "/list", Array("jsonl/ccnet-head-0091.jsonl.gz\njsonl/ccnet-head-0174.jsonl.gz\n".utf8))
        let gz = try AtomicFileSink(path: dir + "/paths.gz")
        let sink = GzipSink(gz)
        try FileSystem.readFile(dir + "/list").withUnsafeBytes { try sink.write($0) }
        try sink.close()
        let listServer = try LoopbackHTTPServer(root: dir)
        let inputs = try InputPaths.expand(["@" + listServer.url("paths.gz")], baseURL: server.url(""))
        #expect(inputs == [server.url("jsonl/ccnet-head-0091.jsonl.gz"), server.url("jsonl/ccnet-head-0174.jsonl.gz")])
    }
}
