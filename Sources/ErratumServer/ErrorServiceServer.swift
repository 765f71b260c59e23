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
        let wire = ErrorServiceWire(service: service)
        listener = try HTTPListener(host: host, port: port, decoderOnly: true) { _ in ErrorServiceHandler(service: service, wire: wire) }
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

/// Every answer of an `ErrorService` as HTTP/1.1 puts it on the wire, made once and shared by
/// every connection: a `GET` or `HEAD` that keeps its connection open and has no request ID to
/// echo is answered by writing one of these buffers as it is; one with a request ID (an
/// ingress controller sends one with every request) by a few bytes of its own, then the shared
/// body.
struct ErrorServiceWire: Sendable {
    /// Each answer's status line and headers, without the blank line that ends them.
    let heads: [ByteBuffer]
    /// Each answer whole.
    let whole: [ByteBuffer]
    /// Each answer without its body, for `HEAD`.
    let headOnly: [ByteBuffer]
    /// Each answer's body (a view of `whole`, not a copy).
    let bodies: [ByteBuffer]

    init(service: ErrorService) {
        let allocator = ByteBufferAllocator()
        var heads: [ByteBuffer] = [], whole: [ByteBuffer] = [], headOnly: [ByteBuffer] = [], bodies: [ByteBuffer] = []
        for answer in service.answers {
            var head = allocator.buffer(capacity: 256)
            ErrorServiceHandler.writeHead(answer, version: .http1_1, into: &head)
            var bare = head
            bare.writeStaticString("\r\n")
            var full = bare
            full.writeBytes(answer.body)
            heads.append(head)
            whole.append(full)
            headOnly.append(bare)
            bodies.append(full.getSlice(at: bare.readableBytes, length: answer.body.count)!)
        }
        self.heads = heads
        self.whole = whole
        self.headOnly = headOnly
        self.bodies = bodies
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
    private let wire: ErrorServiceWire
    private var request: HTTPRequestHead?
    private var quiescing = false

    init(service: ErrorService, wire: ErrorServiceWire) {
        self.service = service
        self.wire = wire
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
            answer(head, context: context)
        }
    }

    /// The header values an answer depends on, found in one pass (the first of each name).
    private struct Asked {
        var code: String?, format: String?, accept: String?, language: String?, requestID: String?
    }

    private func answer(_ head: HTTPRequestHead, context: ChannelHandlerContext) {
        var asked = Asked()
        for (name, value) in head.headers {
            switch name.utf8.count {
            case 6 where asked.accept == nil && Self.isNamed(name, "accept"): asked.accept = value
            case 6 where asked.code == nil && Self.isNamed(name, "x-code"): asked.code = value
            case 8 where asked.format == nil && Self.isNamed(name, "x-format"): asked.format = value
            case 12 where asked.requestID == nil && Self.isNamed(name, "x-request-id"): asked.requestID = value
            case 15 where asked.language == nil && Self.isNamed(name, "accept-language"): asked.language = value
            default: break
            }
        }
        let index = service.answer(target: head.uri, code: asked.code, format: asked.format, accept: asked.accept, language: asked.language)
        let keepAlive = head.isKeepAlive && !quiescing
        let echoed = asked.requestID.flatMap { ErrorService.isRequestID($0) ? $0 : nil }
        let bodiless = head.method == .HEAD
        var last: ByteBuffer
        if keepAlive, echoed == nil, head.version == .http1_1 {
            last = bodiless ? wire.headOnly[index] : wire.whole[index]
        } else {
            last = context.channel.allocator.buffer(capacity: wire.heads[index].readableBytes + 256)
            if head.version == .http1_1 {
                last.writeImmutableBuffer(wire.heads[index])
            } else {
                Self.writeHead(service.answers[index], version: head.version, into: &last)
            }
            if let echoed {
                last.writeStaticString("X-Request-ID: ")
                last.writeString(echoed)
                last.writeStaticString("\r\n")
            }
            if !keepAlive {
                last.writeStaticString("Connection: close\r\n")
            } else if head.version.major == 1, head.version.minor == 0 {
                last.writeStaticString("Connection: keep-alive\r\n")
            }
            last.writeStaticString("\r\n")
            if !bodiless, wire.bodies[index].readableBytes > 0 {
                // The head, then the shared body: one writev.
                context.write(wrapOutboundOut(last), promise: nil)
                last = wire.bodies[index]
            }
        }
        if keepAlive {
            context.writeAndFlush(wrapOutboundOut(last), promise: nil)
        } else {
            let channel = context.channel
            context.writeAndFlush(wrapOutboundOut(last)).whenComplete { _ in channel.close(promise: nil) }
        }
    }

    /// Whether a header's name is `lowercase` (which is lower-case ASCII), in any case.
    private static func isNamed(_ name: String, _ lowercase: StaticString) -> Bool {
        let expected = UnsafeBufferPointer(start: lowercase.utf8Start, count: lowercase.utf8CodeUnitCount)
        return name.utf8.elementsEqual(expected) { byte, wanted in
            (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte) ? byte + 0x20 == wanted : byte == wanted
        }
    }

    /// An answer's status line and headers as HTTP/1.x puts them, without the blank line.
    static func writeHead(_ response: PreviewResponse, version: HTTPVersion, into buffer: inout ByteBuffer) {
        let status = HTTPResponseStatus(statusCode: response.status)
        buffer.writeString("HTTP/\(version.major).\(version.minor) \(response.status) \(status.reasonPhrase)\r\n")
        for (name, value) in response.headers {
            buffer.writeString(name)
            buffer.writeStaticString(": ")
            buffer.writeString(value)
            buffer.writeStaticString("\r\n")
        }
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
