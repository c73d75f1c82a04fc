#if canImport(Glibc)
import Glibc
#endif
import CCurl
import SieveCore

/// A remote input read through libcurl as it arrives, never first written to disk.
///
/// A dropped connection, a timeout, or an answer of 429 or 5xx is retried with exponential
/// backoff, and the transfer resumes where it stopped with a range request (if a server ignores
/// the range, the bytes already delivered are skipped). 4xx answers other than 429 fail at once.
/// The one Swift file that imports libcurl.
public final class HTTPStream: ByteStream {
    public struct Options: Sendable {
        /// Attempts after the first one.
        public var retries: Int
        /// Wait before the first retry; doubled for each further one.
        public var backoffSeconds: Double
        /// A transfer slower than 1 byte/s for this long counts as dropped.
        public var stallSeconds: Int

        public init(retries: Int = 6, backoffSeconds: Double = 1, stallSeconds: Int = 60) {
            self.retries = retries
            self.backoffSeconds = backoffSeconds
            self.stallSeconds = stallSeconds
        }
    }

    public let url: String
    public let options: Options
    /// Bytes of the resource received so far (across retries).
    public private(set) var received: Int64 = 0
    /// How many times the transfer was started again.
    public private(set) var retriesUsed = 0

    private var easy: UnsafeMutableRawPointer?
    private let multi: UnsafeMutableRawPointer
    private var pending: [UInt8] = []
    private var pendingStart = 0
    private var finished = false
    /// Bytes still to drop from the current answer (a server that ignored the range).
    private var toSkip: Int64 = 0
    private var answerChecked = false
    private var answerFailure: Int?
    private var lastProgress: Int64 = 0

    private static let initialized: Bool = { curl_global_init(Int(CURL_GLOBAL_DEFAULT)) == CURLE_OK }()

    public init(url: String, options: Options = Options()) throws {
        _ = Self.initialized
        self.url = url
        self.options = options
        multi = curl_multi_init()
        try start()
    }

    deinit {
        if let easy {
            curl_multi_remove_handle(multi, easy)
            curl_easy_cleanup(easy)
        }
        curl_multi_cleanup(multi)
    }

    private func start() throws {
        toSkip = 0
        if let easy {
            curl_multi_remove_handle(multi, easy)
            curl_easy_cleanup(easy)
        }
        guard let handle = curl_easy_init() else { throw SieveError.io(path: url, message: "cannot start a transfer") }
        easy = handle
        answerChecked = false
        answerFailure = nil
        sieve_curl_setopt_string(handle, CURLOPT_URL, url)
        sieve_curl_setopt_long(handle, CURLOPT_FOLLOWLOCATION, 1)
        sieve_curl_setopt_long(handle, CURLOPT_NOSIGNAL, 1)
        sieve_curl_setopt_long(handle, CURLOPT_CONNECTTIMEOUT, 30)
        sieve_curl_setopt_long(handle, CURLOPT_LOW_SPEED_LIMIT, 1)
        sieve_curl_setopt_long(handle, CURLOPT_LOW_SPEED_TIME, options.stallSeconds)
        sieve_curl_setopt_string(handle, CURLOPT_USERAGENT, "sieve")
        sieve_curl_setopt_write_function(handle, httpWrite)
        sieve_curl_setopt_pointer(handle, CURLOPT_WRITEDATA, Unmanaged.passUnretained(self).toOpaque())
        // A plain Range header (not CURLOPT_RESUME_FROM, which fails outright on a server that
        // answers 200): such an answer is taken and its first `received` bytes skipped.
        if received > 0 { sieve_curl_setopt_string(handle, CURLOPT_RANGE, "\(received)-") }
        curl_multi_add_handle(multi, handle)
    }

    public func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        while pendingStart == pending.count {
            if finished { return 0 }
            pending.removeAll(keepingCapacity: true)
            pendingStart = 0
            try drive()
        }
        let n = min(buffer.count, pending.count - pendingStart)
        pending.withUnsafeBytes { buffer.copyMemory(from: UnsafeRawBufferPointer(rebasing: $0[pendingStart..<(pendingStart + n)])) }
        pendingStart += n
        return n
    }

    /// Runs the transfer until data arrives or it ends; retries what can be retried.
    private func drive() throws {
        var running: Int32 = 0
        while pending.isEmpty {
            curl_multi_perform(multi, &running)
            if !pending.isEmpty { break }
            if running == 0 {
                var left: Int32 = 0
                var result = CURLE_OK
                while let message = curl_multi_info_read(multi, &left) {
                    if message.pointee.msg == CURLMSG_DONE { result = message.pointee.data.result }
                }
                var code = 0
                sieve_curl_response_code(easy, &code)
                let failure = answerFailure ?? (result == CURLE_OK && code >= 400 ? code : nil)
                if result == CURLE_OK, failure == nil {
                    finished = true
                    if Log.isTerminal, received > 1 << 20 { Log.write("\n") }
                    return
                }
                let why = failure.map { "HTTP \($0)" } ?? String(cString: curl_easy_strerror(result))
                // Transport failures (dropped connection, timeout) and 429/5xx are worth another try.
                let retriable = failure.map { $0 == 429 || $0 >= 500 } ?? true
                guard retriable, retriesUsed < options.retries else {
                    throw SieveError.io(path: url, message: "\(why) after \(received) bytes and \(retriesUsed) retries")
                }
                let wait = options.backoffSeconds * Double(1 << min(retriesUsed, 10))
                retriesUsed += 1
                Log.warning("\(url): \(why) after \(received) bytes; retry \(retriesUsed) of \(options.retries) in \(wait) s")
                usleep(UInt32(wait * 1e6))
                try start()
                continue
            }
            curl_multi_poll(multi, nil, 0, 1000, nil)
        }
    }

    /// libcurl's write callback: checks the answer once, then keeps the bytes.
    fileprivate func accept(_ data: UnsafeRawBufferPointer) -> Bool {
        if !answerChecked {
            answerChecked = true
            var code = 0
            sieve_curl_response_code(easy, &code)
            if code >= 400 {
                answerFailure = code
                return false
            }
            // Asked for a range but got the whole resource: drop what was delivered before.
            toSkip = received > 0 && code == 200 ? received : 0
            if toSkip > 0 { received = 0 }
        }
        var bytes = data
        if toSkip > 0 {
            let skip = Int(min(toSkip, Int64(bytes.count)))
            toSkip -= Int64(skip)
            received += Int64(skip)
            bytes = UnsafeRawBufferPointer(rebasing: bytes[skip...])
        }
        pending.append(contentsOf: bytes)
        received += Int64(bytes.count)
        if Log.isTerminal, received - lastProgress >= 16 << 20 {
            lastProgress = received
            Log.write("\rsieve: \(url): \(received >> 20) MB fetched")
        }
        return true
    }
}

private func httpWrite(_ data: UnsafeMutablePointer<CChar>?, _ size: Int, _ count: Int, _ context: UnsafeMutableRawPointer?) -> Int {
    let stream = Unmanaged<HTTPStream>.fromOpaque(context!).takeUnretainedValue()
    let bytes = UnsafeRawBufferPointer(start: data, count: size * count)
    return stream.accept(bytes) ? size * count : 0
}

extension HTTPStream {
    /// Whether `path` names a remote input.
    public static func isURL(_ path: String) -> Bool { path.hasPrefix("http://") || path.hasPrefix("https://") }
}
