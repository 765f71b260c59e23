import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// One HTTP/1.1 connection to a loopback port kept open from request to request, as a load
/// generator holds it: ten thousand requests on fresh connections would leave ten thousand
/// sockets in TIME_WAIT and measure connecting more than serving.
///
/// It reconnects when the server said `Connection: close` (Apache does every 100 requests)
/// and, once, when a kept connection turns out closed before any byte of the answer came.
/// One thread uses one connection.
final class KeepAliveConnection {
    let port: Int
    private var socket: Int32 = -1
    private var buffer = Data()

    init(port: Int) {
        self.port = port
    }

    deinit { disconnect() }

    /// Sends a GET with exactly these headers (plus Host) and reads exactly one response.
    func get(_ path: String, headers: [(String, String)]) throws -> HTTPResponse {
        var request = "GET \(path) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\n"
        for (name, value) in headers { request += "\(name): \(value)\r\n" }
        request += "\r\n"
        let reused = socket >= 0
        try connectIfNeeded()
        try write(Array(request.utf8))
        let response: (response: HTTPResponse, closes: Bool)
        do {
            response = try readResponse()
        } catch let closed as Closed where reused && closed.beforeAnyByte {
            disconnect()
            try connectIfNeeded()
            try write(Array(request.utf8))
            response = try readResponse()
        }
        if response.closes { disconnect() }
        return response.response
    }

    private struct Closed: Error, CustomStringConvertible {
        let beforeAnyByte: Bool
        var description: String { beforeAnyByte ? "the server closed the connection" : "the server closed the connection mid-response" }
    }

    private func connectIfNeeded() throws {
        guard socket < 0 else { return }
        let created = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard created >= 0 else { throw HTTPClient.Failure(description: "socket() failed: errno \(errno)") }
        var timeout = timeval(tv_sec: 10, tv_usec: 0)
        setsockopt(created, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var noDelay: Int32 = 1
        setsockopt(created, Int32(IPPROTO_TCP), TCP_NODELAY, &noDelay, socklen_t(MemoryLayout<Int32>.size))
        var address = HTTPClient.loopback(port: port)
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(created, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else {
            close(created)
            throw HTTPClient.Failure(description: "cannot connect to 127.0.0.1:\(port): errno \(errno)")
        }
        socket = created
        buffer.removeAll()
    }

    private func disconnect() {
        if socket >= 0 { close(socket) }
        socket = -1
        buffer.removeAll()
    }

    private func write(_ bytes: [UInt8]) throws {
        var sent = 0
        while sent < bytes.count {
            let written = bytes[sent...].withUnsafeBytes { send(socket, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            guard written > 0 else { throw HTTPClient.Failure(description: "write failed: errno \(errno)") }
            sent += written
        }
    }

    /// Reads more bytes into the buffer; false at the end of the stream.
    private func fill() throws -> Bool {
        var chunk = [UInt8](repeating: 0, count: 16384)
        let count = read(socket, &chunk, chunk.count)
        if count < 0 { throw HTTPClient.Failure(description: "read failed: errno \(errno)") }
        buffer.append(contentsOf: chunk[0..<count])
        return count > 0
    }

    /// One response off the buffer: its head, then a body framed by Content-Length, by
    /// chunks, or by the end of the stream.
    private func readResponse() throws -> (response: HTTPResponse, closes: Bool) {
        let headEnd = Data("\r\n\r\n".utf8)
        var split = buffer.range(of: headEnd)
        while split == nil {
            guard try fill() else { throw Closed(beforeAnyByte: buffer.isEmpty) }
            split = buffer.range(of: headEnd)
        }
        let head = try HTTPClient.parse(Data(buffer[..<split!.upperBound]), method: "HEAD")
        let bodyStart = split!.upperBound
        let closes = head.header("Connection")?.lowercased() == "close"
        var bodyEnd: Int
        if let length = head.header("Content-Length").flatMap({ Int($0) }) {
            bodyEnd = bodyStart + length
            while buffer.endIndex < bodyEnd {
                guard try fill() else { throw Closed(beforeAnyByte: false) }
            }
        } else if head.header("Transfer-Encoding")?.lowercased() == "chunked" {
            let last = Data("\r\n0\r\n\r\n".utf8)
            while buffer[bodyStart...].range(of: last) == nil {
                guard try fill() else { throw Closed(beforeAnyByte: false) }
            }
            bodyEnd = buffer[bodyStart...].range(of: last)!.upperBound
        } else {
            while try fill() {}
            bodyEnd = buffer.endIndex
        }
        let response = try HTTPClient.parse(Data(buffer[buffer.startIndex..<bodyEnd]), method: "GET")
        buffer = Data(buffer[bodyEnd...])
        return (response, closes || head.header("Content-Length") == nil && head.header("Transfer-Encoding") == nil)
    }
}
