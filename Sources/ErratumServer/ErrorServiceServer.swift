import ErratumCore
import NIOCore
import NIOHTTP1

/// `erratum serve-errors`' HTTP server: `ErrorService` behind SwiftNIO's HTTP/1.1 pipeline,
/// keep-alive and pipelining included; `drain` lets the requests under way finish.
public final class ErrorServiceServer: Sendable {
    /// What it answers.
    public let service: ErrorService
    private let listener: HTTPListener

    /// Listens on `host`:`port`.
    ///
    /// - Throws: `DiagnosticError` (`serve`) when the address cannot be bound.
    public init(service: ErrorService, host: String, port: Int) throws(DiagnosticError) {
        // Every header it sends is its own, and an echoed X-Request-ID is checked first; each
        // answer is written as one buffer, past NIO's response encoder and pipelining helper.
        listener = try HTTPListener(host: host, port: port, decoderOnly: true) { _ in ErrorServiceHandler(service: service) }
        self.service = service
    }

    /// The port it listens on (the one chosen by the system when asked for 0).
    public var port: Int { listener.port }
    /// Its address, e.g. `http://127.0.0.1:8080/`.
    public var url: String { listener.url }

    /// Stops accepting connections, lets each open one finish the request under way (an idle
    /// one closes at once), waiting at most `timeout`, then closes everything.
    public func drain(timeout: Duration = .seconds(10)) {
        listener.stopAccepting()
        listener.drain(timeout: timeout)
        listener.shutDown()
    }
}

/// One connection of the error service: each request answered, whole, as it ends (so answers
/// go out in the order of the requests, pipelined or not); a request NIO cannot parse gets 400
/// and the connection closes; asked to quiesce, an idle connection closes at once and a busy
/// one after its answer.
final class ErrorServiceHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = ByteBuffer

    private let service: ErrorService
    private var request: HTTPRequestHead?
    private var quiescing = false

    init(service: ErrorService) {
        self.service = service
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case let .head(head):
            request = head
        case .body:
            break
        case .end:
            guard let head = request else { return }
            request = nil
            let response = service.respond(method: head.method.rawValue, target: head.uri) { head.headers.first(name: $0) }
            let keepAlive = head.isKeepAlive && !quiescing
            var buffer = context.channel.allocator.buffer(capacity: response.body.count + 256)
            Self.write(response, version: head.version, keepAlive: keepAlive, into: &buffer)
            if keepAlive {
                context.writeAndFlush(wrapOutboundOut(buffer), promise: nil)
            } else {
                let channel = context.channel
                context.writeAndFlush(wrapOutboundOut(buffer)).whenComplete { _ in channel.close(promise: nil) }
            }
        }
    }

    /// An answer as HTTP/1.1 puts it on the wire (the body already empty for HEAD; its
    /// `Content-Length` still says the size).
    static func write(_ response: PreviewResponse, version: HTTPVersion, keepAlive: Bool, into buffer: inout ByteBuffer) {
        let status = HTTPResponseStatus(statusCode: response.status)
        buffer.writeString("HTTP/\(version.major).\(version.minor) \(response.status) \(status.reasonPhrase)\r\n")
        for (name, value) in response.headers {
            buffer.writeString(name)
            buffer.writeStaticString(": ")
            buffer.writeString(value)
            buffer.writeStaticString("\r\n")
        }
        if !keepAlive {
            buffer.writeStaticString("Connection: close\r\n")
        } else if version.major == 1, version.minor == 0 {
            buffer.writeStaticString("Connection: keep-alive\r\n")
        }
        buffer.writeStaticString("\r\n")
        buffer.writeBytes(response.body)
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        guard event is ChannelShouldQuiesceEvent else {
            context.fireUserInboundEventTriggered(event)
            return
        }
        quiescing = true
        if request == nil { context.close(promise: nil) }
    }

    /// A request NIO could not parse: 400, and the connection, whose bytes can no longer be
    /// trusted, closed.
    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        guard context.channel.isActive else { return }
        var buffer = context.channel.allocator.buffer(capacity: 96)
        buffer.writeStaticString("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
        let channel = context.channel
        context.writeAndFlush(wrapOutboundOut(buffer)).whenComplete { _ in channel.close(promise: nil) }
    }
}
