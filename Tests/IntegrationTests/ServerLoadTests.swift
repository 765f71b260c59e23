import Foundation
import Synchronization
import Testing

/// Real nginx, Apache httpd, Caddy and HAProxy with the generated configuration, and erratum serve-errors,
/// answering a bounded mixed load: every answer is checked, none is timed (scripts/load
/// measures speed).
@Suite("nginx, Apache, Caddy, HAProxy and erratum serve-errors under a mixed load", .serialized)
struct ServerLoadTests {
    static let requests = 10_000
    static let concurrency = 16

    /// Errors the front server makes itself, an upstream's, and a missing file.
    static let paths = [
        ("/status/404", 404), ("/no/such/file", 404), ("/status/410", 410), ("/status/429", 429),
        ("/status/500", 500), ("/status/503", 503), ("/status/507", 507), ("/upstream/api", 503),
    ]

    @Test("nginx: 10,000 mixed requests, 16 at a time, each with the right status, language and type")
    func nginx() throws {
        try Self.check(Nginx.self, as: .nginx)
    }

    @Test("Apache: 10,000 mixed requests, 16 at a time, each with the right status, language and type")
    func apache() throws {
        try Self.check(Apache.self, as: .apache)
    }

    @Test("nginx with njs: 10,000 mixed requests, 16 at a time, each as RFC 9110 negotiation answers")
    func nginxNjs() throws {
        try Self.check(NginxNjs.self, as: .exact)
    }

    @Test("HAProxy: 10,000 mixed requests for an application's errors, 16 at a time, each as RFC 9110 negotiation answers")
    func haproxy() throws {
        try Self.check(HAProxy.self, as: .exact, paths: HAProxy.applicationCodes.map { ("/upstream/\($0)", $0) })
    }

    @Test("Caddy: 10,000 mixed requests, 16 at a time, each with the right status, language and type (nginx's rules)")
    func caddy() throws {
        try Self.check(Caddy.self, as: .nginx)
    }

    @Test("erratum serve-errors: 10,000 mixed requests, 16 at a time, each with the right status, language and type")
    func serveErrors() throws {
        // The service names the code by the path's last segment; a path naming none is 404.
        try Self.check(ServeErrors.self, as: .exact, paths: [
            ("/404", 404), ("/no/such/file", 404), ("/410", 410), ("/errors/429", 429),
            ("/500", 500), ("/503", 503), ("/507", 507), ("/upstream/api", 404),
        ])
    }

    @Test("the mix asks for every language and format, through q-values, wildcards and what we do not serve")
    func mixCoverage() {
        var mix = LoadMix(seed: 9)
        let requests = mix.requests(count: Self.requests, paths: Self.paths)
        for server in NegotiationModel.Server.allCases {
            let languages = Set(requests.map { NegotiationModel.language($0.acceptLanguage, server: server) })
            let formats = Set(requests.compactMap { NegotiationModel.format($0.accept, server: server) })
            #expect(languages == ["en", "fr", "de"], "\(server)")
            #expect(formats == [.html, .json, .problem], "\(server)")
        }
        let headers = requests.flatMap { [$0.accept ?? "", $0.acceptLanguage ?? ""] }
        for feature in ["q=0", "q=0.", "*/*", "text/*", "*", "es", "application/xml", "FR", "-AT"] {
            #expect(headers.contains { $0.contains(feature) }, "no header holds '\(feature)'")
        }
        #expect(requests.contains { $0.accept == nil } && requests.contains { $0.acceptLanguage == nil })
        let differing = requests.filter {
            NegotiationModel.language($0.acceptLanguage, server: .nginx) != NegotiationModel.language($0.acceptLanguage, server: .apache)
                || NegotiationModel.format($0.accept, server: .nginx) != NegotiationModel.format($0.accept, server: .apache)
        }
        #expect(!differing.isEmpty, "the mix never reaches where the two servers differ")
    }

    /// What the load's workers share: how many answers came, and the wrong ones.
    final class Tally: Sendable {
        struct State {
            var answered = 0
            var wrong: [String] = []
            var errors: [String] = []
        }

        let state = Mutex(State())
    }

    /// Starts the server, sends the mix from `concurrency` threads on kept-alive connections,
    /// and expects every answer to be the one `NegotiationModel` says.
    static func check<Server: LoopbackServer>(_ type: Server.Type, as model: NegotiationModel.Server,
                                              paths: [(String, Int)] = paths,
                                              sourceLocation: SourceLocation = #_sourceLocation) throws {
        let build = try ErrorPagesBuild()
        defer { build.remove() }
        let server = try Server(build: build)
        defer { server.server.stop() }
        var mix = LoadMix(seed: 9)
        let requests = mix.requests(count: Self.requests, paths: paths)
        let tally = Tally()
        let port = server.port
        let done = DispatchGroup()
        for worker in 0..<concurrency {
            done.enter()
            let share = stride(from: worker, to: requests.count, by: concurrency).map { requests[$0] }
            Thread {
                defer { done.leave() }
                let connection = KeepAliveConnection(port: port)
                for request in share {
                    do {
                        let response = try connection.get(request.path, headers: request.headers)
                        let problems = Negotiation.problems(
                            in: response, code: request.code,
                            language: NegotiationModel.language(request.acceptLanguage, server: model),
                            format: NegotiationModel.format(request.accept, server: model)!, method: "GET", build: build)
                        tally.state.withLock {
                            $0.answered += 1
                            if !problems.isEmpty { $0.wrong.append(request.summary + " → " + problems.joined(separator: "; ")) }
                        }
                    } catch {
                        tally.state.withLock { $0.errors.append("\(request.summary) → \(error)") }
                    }
                }
            }.start()
        }
        done.wait()
        let state = tally.state.withLock { $0 }
        #expect(state.errors.isEmpty, """
            \(state.errors.count) of \(requests.count) requests got no answer:
            \(state.errors.prefix(10).joined(separator: "\n"))
            server log:
            \(server.server.log)
            """, sourceLocation: sourceLocation)
        #expect(state.answered == requests.count, sourceLocation: sourceLocation)
        #expect(state.wrong.isEmpty, """
            \(state.wrong.count) of \(state.answered) answers were wrong:
            \(state.wrong.sorted().prefix(30).joined(separator: "\n"))
            """, sourceLocation: sourceLocation)
    }
}
