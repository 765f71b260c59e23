import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// One HTTP/1.1 response, read off the wire as the server sent it.
struct HTTPResponse {
    var status: Int
    var headers: [(name: String, value: String)]
    var body: Data

    /// The value of a header (case-insensitive name); several are joined with ", ".
    func header(_ name: String) -> String? {
        let values = headers.filter { $0.name.caseInsensitiveCompare(name) == .orderedSame }.map(\.value)
        return values.isEmpty ? nil : values.joined(separator: ", ")
    }

    var text: String { String(decoding: body, as: UTF8.self) }
}

/// A minimal HTTP/1.1 client over a loopback socket: it sends exactly the request given and
/// reports exactly what came back, with no redirects followed and no headers added.
enum HTTPClient {
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    /// A socket connected to 127.0.0.1:`port` whose reads give up after `timeout`; the caller
    /// closes it.
    static func connection(port: Int, timeout: timeval = timeval(tv_sec: 10, tv_usec: 0)) throws -> Int32 {
        let socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard socket >= 0 else { throw Failure(description: "socket() failed: errno \(errno)") }
        var timeout = timeout
        setsockopt(socket, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var address = loopback(port: port)
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(socket, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else {
            let code = errno
            close(socket)
            throw Failure(description: "cannot connect to 127.0.0.1:\(port): errno \(code)")
        }
        return socket
    }

    static func send(_ method: String, port: Int, path: String, headers: [(String, String)] = [],
                     body: String? = nil) throws -> HTTPResponse {
        let socket = try connection(port: port)
        defer { close(socket) }

        var request = "\(method) \(path) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nConnection: close\r\n"
        for (name, value) in headers { request += "\(name): \(value)\r\n" }
        if let body { request += "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: \(body.utf8.count)\r\n" }
        request += "\r\n" + (body ?? "")
        let bytes = Array(request.utf8)
        var sent = 0
        while sent < bytes.count {
            let written = bytes[sent...].withUnsafeBytes { write(socket, $0.baseAddress, $0.count) }
            guard written > 0 else { throw Failure(description: "write failed: errno \(errno)") }
            sent += written
        }

        var received = Data()
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = read(socket, &buffer, buffer.count)
            if count < 0 { throw Failure(description: "read failed: errno \(errno)") }
            if count == 0 { break }
            received.append(contentsOf: buffer[0..<count])
        }
        return try parse(received, method: method)
    }

    /// Sends `bytes` as they are and returns what comes back, and whether the server closed
    /// the connection (rather than leaving it open until the read timed out).
    static func sendRaw(_ bytes: String, port: Int) throws -> (text: String, closed: Bool) {
        try sendRaw(bytes: Array(bytes.utf8), port: port)
    }

    /// Sends exactly `request`, any bytes at all, and reads until the server closes or goes
    /// quiet.
    static func sendRaw(bytes request: [UInt8], port: Int) throws -> (text: String, closed: Bool) {
        let socket = try connection(port: port)
        defer { close(socket) }
        guard request.withUnsafeBytes({ write(socket, $0.baseAddress, $0.count) }) == request.count else {
            throw Failure(description: "write failed: errno \(errno)")
        }
        var received = Data()
        var buffer = [UInt8](repeating: 0, count: 65536)
        var closed = false
        while true {
            let count = read(socket, &buffer, buffer.count)
            if count <= 0 {
                closed = count == 0
                break
            }
            received.append(contentsOf: buffer[0..<count])
        }
        return (String(decoding: received, as: UTF8.self), closed)
    }

    static func parse(_ data: Data, method: String) throws -> HTTPResponse {
        guard let split = data.range(of: Data("\r\n\r\n".utf8)) else {
            throw Failure(description: "no header end in response: \(String(decoding: data.prefix(200), as: UTF8.self))")
        }
        let head = String(decoding: data[..<split.lowerBound], as: UTF8.self).components(separatedBy: "\r\n")
        let statusParts = head[0].split(separator: " ", maxSplits: 2)
        guard statusParts.count >= 2, let status = Int(statusParts[1]) else {
            throw Failure(description: "bad status line '\(head[0])'")
        }
        let headers = head.dropFirst().compactMap { line -> (name: String, value: String)? in
            guard let colon = line.firstIndex(of: ":") else { return nil }
            return (String(line[..<colon]), line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces))
        }
        var body = Data(data[split.upperBound...])
        let response = HTTPResponse(status: status, headers: headers, body: body)
        if response.header("Transfer-Encoding")?.lowercased() == "chunked" {
            body = dechunk(body)
        }
        return HTTPResponse(status: status, headers: headers, body: method == "HEAD" ? Data() : body)
    }

    static func dechunk(_ data: Data) -> Data {
        var result = Data()
        var rest = data[...]
        while let lineEnd = rest.range(of: Data("\r\n".utf8)) {
            let sizeText = String(decoding: rest[..<lineEnd.lowerBound], as: UTF8.self).split(separator: ";").first ?? ""
            guard let size = Int(sizeText.trimmingCharacters(in: .whitespaces), radix: 16), size > 0 else { break }
            let start = lineEnd.upperBound
            let end = rest.index(start, offsetBy: size, limitedBy: rest.endIndex) ?? rest.endIndex
            result.append(rest[start..<end])
            rest = rest[min(rest.endIndex, rest.index(end, offsetBy: 2, limitedBy: rest.endIndex) ?? rest.endIndex)...]
        }
        return result
    }

    static func loopback(port: Int) -> sockaddr_in {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        return address
    }

    /// A loopback port nothing listens on right now.
    static func freePort() throws -> Int {
        // The kernel may hand the same port out twice in a row once its socket is closed (a
        // server's two ports were once the same): a port given to a test before is not given again.
        for _ in 0..<100 {
            let port = try unusedPort()
            if handedOut.withLock({ $0.insert(port).inserted }) { return port }
        }
        throw Failure(description: "no loopback port that was not handed out already")
    }

    /// The ports `freePort` has handed out in this process.
    private static let handedOut = Mutex<Set<Int>>([])

    private static func unusedPort() throws -> Int {
        let socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(socket) }
        var address = loopback(port: 0)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(socket, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0 else { throw Failure(description: "bind failed: errno \(errno)") }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(socket, $0, &length) }
        }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    /// Waits until something accepts connections on the port, or the deadline passes.
    static func waitForListener(port: Int, seconds: Double = 10, while alive: () -> Bool = { true }) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline, alive() {
            let socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            var address = loopback(port: port)
            let connected = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(socket, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
            }
            close(socket)
            if connected == 0 { return true }
            usleep(50_000)
        }
        return false
    }
}
