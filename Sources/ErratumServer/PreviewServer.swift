import ErratumCore
import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import Synchronization

/// The preview's HTTP server: SwiftNIO's HTTP/1.1 pipeline (which answers requests it cannot
/// parse with 400 and closes), `PreviewSite` for every answer, and the open event streams the
/// live-reload script listens to.
public final class PreviewServer: Sendable {
    /// What it serves.
    public let site: PreviewSite
    private let events: ChannelSet
    private let listener: HTTPListener

    /// Listens on `host`:`port`.
    ///
    /// - Throws: `DiagnosticError` (`serve`) when the address cannot be bound (in use, not an
    ///   address of this machine, a port below 1024 without the right).
    public init(site: PreviewSite, host: String, port: Int) throws(DiagnosticError) {
        let events = ChannelSet()
        listener = try HTTPListener(host: host, port: port) { _ in PreviewHandler(site: site, events: events) }
        self.site = site
        self.events = events
    }

    /// The port it listens on (the one chosen by the system when asked for 0).
    public var port: Int { listener.port }
    /// The address it listens on.
    public var host: String { listener.host }
    /// The site's address, e.g. `http://127.0.0.1:8000/`.
    public var url: String { listener.url }

    /// Tells every open page which pages changed (URL paths, decoded), or that all did.
    public func announce(pages: [String]?) {
        struct Change: Encodable {
            let all: Bool
            let pages: [String]
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        guard let payload = try? encoder.encode(Change(all: pages == nil, pages: pages ?? [])) else { return }
        events.send("event: change\ndata: \(String(decoding: payload, as: UTF8.self))\n\n")
    }

    /// The number of pages listening for changes.
    public var listeners: Int { events.count }

    /// Stops listening, closes every connection and the event loops.
    public func close() {
        listener.stopAccepting()
        events.closeAll()
        listener.shutDown()
    }
}

/// A SwiftNIO HTTP/1.1 listener on an address: each connection's pipeline is NIO's HTTP server
/// pipeline (with its error handling: a request it cannot parse gets 400 and the connection
/// closes) and one handler of the caller's.
final class HTTPListener: Sendable {
    let port: Int
    let host: String
    private let group: MultiThreadedEventLoopGroup
    private let channel: any Channel
    /// The connections open now.
    private let connections = ChannelSet()

    /// Listens on `host`:`port`; `handler` makes each connection's handler. Without
    /// `validatesHeaders`, NIO does not check the answers' header names and values: for a
    /// server whose every header is its own or checked before it is sent. With `decoderOnly`,
    /// the pipeline is NIO's request decoder alone: the handler writes whole answers as bytes,
    /// in order, and handles errors, keep-alive and quiescing itself.
    ///
    /// - Throws: `DiagnosticError` (`serve`) when the address cannot be bound.
    init(host: String, port: Int, validatesHeaders: Bool = true, decoderOnly: Bool = false,
         handler: @escaping @Sendable (any Channel) -> any ChannelHandler & RemovableChannelHandler) throws(DiagnosticError) {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: max(2, System.coreCount))
        let connections = connections
        let bootstrap = ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 256)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .childChannelInitializer { channel in
                connections.add(channel)
                channel.closeFuture.whenComplete { _ in connections.remove(channel) }
                return channel.eventLoop.makeCompletedFuture {
                    if decoderOnly {
                        try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(HTTPRequestDecoder(leftOverBytesStrategy: .dropBytes)))
                    } else {
                        try channel.pipeline.syncOperations.configureHTTPServerPipeline(withErrorHandling: true,
                                                                                        withOutboundHeaderValidation: validatesHeaders)
                    }
                    try channel.pipeline.syncOperations.addHandler(handler(channel))
                }
            }
        do {
            channel = try bootstrap.bind(host: host, port: port).wait()
        } catch {
            try? group.syncShutdownGracefully()
            throw DiagnosticError(.serve, "cannot listen on \(host):\(port): \(Self.describe(error))")
        }
        self.host = host
        self.group = group
        self.port = channel.localAddress?.port ?? port
    }

    /// The address, e.g. `http://127.0.0.1:8000/`.
    var url: String {
        let shown = host.contains(":") ? "[\(host)]" : host
        return "http://\(shown):\(port)/"
    }

    /// The number of connections open.
    var openConnections: Int { connections.count }

    /// Stops accepting connections; those open stay.
    func stopAccepting() {
        try? channel.close().wait()
    }

    /// Asks every open connection to close once the response under way, if any, is written
    /// (NIO's HTTP pipeline closes an idle one at once), and waits up to `timeout` for them.
    func drain(timeout: Duration) {
        for connection in connections.all {
            connection.pipeline.fireUserInboundEventTriggered(ChannelShouldQuiesceEvent())
        }
        let deadline = ContinuousClock.now + timeout
        while openConnections > 0, ContinuousClock.now < deadline { Thread.sleep(forTimeInterval: 0.01) }
    }

    /// Closes every connection and the event loops.
    func shutDown() {
        connections.closeAll()
        try? group.syncShutdownGracefully()
    }

    static func describe(_ error: any Error) -> String {
        if let error = error as? IOError {
            return String(cString: strerror(error.errnoCode)).lowercased()
        }
        return "\(error)"
    }
}

/// A set of open connections: those holding an event stream open, or all of a listener's.
final class ChannelSet: Sendable {
    private let channels = Mutex<[ObjectIdentifier: any Channel]>([:])

    var count: Int { channels.withLock { $0.count } }

    func add(_ channel: any Channel) {
        channels.withLock { $0[ObjectIdentifier(channel)] = channel }
    }

    func remove(_ channel: any Channel) {
        _ = channels.withLock { $0.removeValue(forKey: ObjectIdentifier(channel)) }
    }

    func send(_ event: String) {
        for channel in channels.withLock({ Array($0.values) }) {
            let buffer = channel.allocator.buffer(string: event)
            channel.writeAndFlush(HTTPServerResponsePart.body(.byteBuffer(buffer)), promise: nil)
        }
    }

    /// The connections in the set now.
    var all: [any Channel] { channels.withLock { Array($0.values) } }

    func closeAll() {
        for channel in all { channel.close(promise: nil) }
    }
}

/// One connection: each request answered by the site, an event stream kept open.
final class PreviewHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private let site: PreviewSite
    private let events: ChannelSet
    private var request: HTTPRequestHead?
    private var streaming = false
    /// Requests answered off the event loop and not yet written: later ones wait their turn.
    private var inFlight = 0
    /// Where this connection's requests are answered while the site is made on request (a
    /// page's render, or the wait for what renders it, must not hold the event loop).
    private lazy var queue = DispatchQueue(label: "erratum-serve-connection")

    init(site: PreviewSite, events: ChannelSet) {
        self.site = site
        self.events = events
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case let .head(head):
            request = head
        case .body:
            break
        case .end:
            guard let head = request, !streaming else { return }
            request = nil
            let headers = head.headers.map { (name: $0.name, value: $0.value) }
            let site = site
            guard !site.isReady || inFlight > 0 else {
                write(site.respond(method: head.method.rawValue, target: head.uri, headers: headers), for: head, context: context)
                return
            }
            // Answered in turn on the connection's queue, written back in the same order.
            inFlight += 1
            let bound = NIOLoopBound((handler: self, context: context), eventLoop: context.eventLoop)
            queue.async {
                let response = site.respond(method: head.method.rawValue, target: head.uri, headers: headers)
                bound.eventLoop.execute {
                    let (handler, context) = bound.value
                    handler.inFlight -= 1
                    handler.write(response, for: head, context: context)
                }
            }
        }
    }

    private func write(_ response: PreviewResponse, for request: HTTPRequestHead, context: ChannelHandlerContext) {
        context.write(response, for: request)
        if response.isEventStream {
            streaming = true
            context.flush()
            events.add(context.channel)
        }
    }

    /// A request NIO could not parse has had its 400 (from the error handler before this
    /// one); the connection, whose bytes can no longer be trusted, is closed.
    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }

    func channelInactive(context: ChannelHandlerContext) {
        if streaming { events.remove(context.channel) }
        context.fireChannelInactive()
    }
}

extension ChannelHandlerContext {
    /// Writes an answer to `request`: its head and body, and, unless it is an event stream
    /// (left open), its end, closing the connection after it when the request did not keep
    /// it alive.
    func write(_ response: PreviewResponse, for request: HTTPRequestHead) {
        var headers = HTTPHeaders(response.headers.map { ($0.name, $0.value) })
        let keepAlive = request.isKeepAlive || response.isEventStream
        if !keepAlive { headers.replaceOrAdd(name: "Connection", value: "close") }
        let head = HTTPResponseHead(version: request.version, status: HTTPResponseStatus(statusCode: response.status), headers: headers)
        write(NIOAny(HTTPServerResponsePart.head(head)), promise: nil)
        if !response.body.isEmpty {
            write(NIOAny(HTTPServerResponsePart.body(.byteBuffer(channel.allocator.buffer(bytes: response.body)))), promise: nil)
        }
        guard !response.isEventStream else { return }
        guard !keepAlive else {
            writeAndFlush(NIOAny(HTTPServerResponsePart.end(nil)), promise: nil)
            return
        }
        let channel = channel
        writeAndFlush(NIOAny(HTTPServerResponsePart.end(nil))).whenComplete { _ in channel.close(promise: nil) }
    }
}
