import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A small HTTP/1.1 file server on 127.0.0.1 for tests of remote inputs: serves files from a
/// directory, honours `Range: bytes=N-`, and can misbehave the way real servers do.
final class LoopbackHTTPServer: @unchecked Sendable {
    enum Fault {
        case none
        /// The first answer sends half the body and closes the connection.
        case dropHalfwayOnce
        /// The first `n` answers are 503.
        case unavailable(times: Int)
        /// Ranges are ignored (always 200 with the whole file), and the first answer drops halfway.
        case ignoresRangesAndDropsOnce
    }

    let root: String
    let fault: Fault
    private(set) var port: UInt16 = 0
    private let listener: Int32
    private let lock = NSLock()
    private var requests: [String] = []

    init(root: String, fault: Fault = .none) throws {
        self.root = root
        self.fault = fault
        listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var yes: Int32 = 1
        setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(listener, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0, listen(listener, 16) == 0 else { throw POSIXError(.EADDRINUSE) }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { _ = getsockname(listener, $0, &length) }
        }
        port = UInt16(bigEndian: address.sin_port)
        Thread.detachNewThread { [self] in serve() }
    }

    deinit { close(listener) }

    func url(_ name: String) -> String { "http://127.0.0.1:\(port)/\(name)" }

    /// The request lines seen so far, with their Range header if any.
    var log: [String] { lock.withLock { requests } }

    private func serve() {
        while true {
            let connection = accept(listener, nil, nil)
            if connection < 0 { return }
            handle(connection)
            close(connection)
        }
    }

    private func handle(_ connection: Int32) {
        var request = [UInt8]()
        var chunk = [UInt8](repeating: 0, count: 4096)
        while !request.suffix(4).elementsEqual(Array("\r\n\r\n".utf8)) {
            let n = recv(connection, &chunk, chunk.count, 0)
            if n <= 0 { return }
            request += chunk[0..<n]
        }
        let head = String(decoding: request, as: UTF8.self)
        let lines = head.components(separatedBy: "\r\n")
        let path = lines[0].split(separator: " ").dropFirst().first.map(String.init) ?? "/"
        let range = lines.first { $0.lowercased().hasPrefix("range:") }
        let number = lock.withLock {
            requests.append(lines[0] + (range.map { " [" + $0 + "]" } ?? ""))
            return requests.count
        }
        guard let body = FileManager.default.contents(atPath: root + path) else {
            return send(connection, "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n", [])
        }
        let bytes = [UInt8](body)
        var start = 0
        var honoursRange = true
        var dropHalfway = false
        switch fault {
        case .none: break
        case .dropHalfwayOnce: dropHalfway = number == 1
        case .unavailable(let times):
            if number <= times {
                return send(connection, "HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\nConnection: close\r\n\r\n", [])
            }
        case .ignoresRangesAndDropsOnce:
            honoursRange = false
            dropHalfway = number == 1
        }
        if honoursRange, let range, let eq = range.firstIndex(of: "=") {
            start = Int(range[range.index(after: eq)...].prefix { $0.isNumber }) ?? 0
        }
        let status = start > 0 ? "206 Partial Content" : "200 OK"
        var header = "HTTP/1.1 \(status)\r\nContent-Length: \(bytes.count - start)\r\nConnection: close\r\n"
        if start > 0 { header += "Content-Range: bytes \(start)-\(bytes.count - 1)/\(bytes.count)\r\n" }
        let payload = Array(bytes[start...])
        send(connection, header + "\r\n", dropHalfway ? Array(payload.prefix(payload.count / 2)) : payload)
    }

    private func send(_ connection: Int32, _ header: String, _ body: [UInt8]) {
        let all = Array(header.utf8) + body
        var offset = 0
        while offset < all.count {
            let n = all.withUnsafeBytes { Glibc.send(connection, $0.baseAddress! + offset, all.count - offset, Int32(MSG_NOSIGNAL)) }
            if n <= 0 { return }
            offset += n
        }
    }
}
