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
        // Every header it sends is its own, and an echoed X-Request-ID is checked first.
        listener = try HTTPListener(host: host, port: port, validatesHeaders: false) { _ in ErrorServiceHandler(service: service) }
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

/// One connection of the error service: each request answered as it ends.
final class ErrorServiceHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private let service: ErrorService
    private var request: HTTPRequestHead?

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
            context.write(response, for: head)
        }
    }

    /// A request NIO could not parse has had its 400; the connection is closed.
    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }
}
