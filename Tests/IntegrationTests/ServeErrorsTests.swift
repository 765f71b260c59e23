import ErratumCore
import Foundation
import Testing

/// A real `erratum serve-errors` serving a build's error pages (`--errors Output/errors`).
struct ServeErrors: LoopbackServer {
    let server: ServerProcess
    let port: Int

    init(build: ErrorPagesBuild) throws {
        try self.init(build: build, arguments: ["--errors", build.output + "/errors"])
    }

    init(build: ErrorPagesBuild, arguments: [String]) throws {
        port = try HTTPClient.freePort()
        server = try ServerProcess(name: "erratum serve-errors", executable: ServeProcess.binary,
                                   arguments: ["serve-errors", "--port", String(port)] + arguments,
                                   ports: [port], logPath: build.folder + "/serve-errors-\(port).log")
    }
}

@Suite("erratum serve-errors", .serialized)
struct ServeErrorsTests {
    @Test("404, 503 and 507 by path keep their status, in the asked language and format, for GET, HEAD and POST")
    func negotiationMatrix() throws {
        try Negotiation.check(ServeErrors.self, cases: [("/404", 404), ("/no/such/file", 404), ("/503", 503), ("/errors/507", 507)])
    }

    @Test("as ingress-nginx's custom default backend: the code from X-Code, the format from X-Format, whatever the path")
    func ingressHeaders() throws {
        let build = try ErrorPagesBuild()
        defer { build.remove() }
        let service = try ServeErrors(build: build)
        defer { service.server.stop() }
        var failures: [String] = []
        for code in [404, 429, 503, 507] {
            for language in Negotiation.languages {
                for format in Negotiation.formats {
                    var headers: [(String, String)] = [("X-Code", String(code)), ("X-Original-URI", "/shop/cart?id=7"),
                                                       ("X-Namespace", "shop"), ("X-Ingress-Name", "web"), ("X-Service-Name", "cart"),
                                                       ("X-Service-Port", "8080"), ("X-Request-ID", "4f6c1e"), ("Accept", "*/*")]
                    if let value = language.header { headers.append(("Accept-Language", value)) }
                    if let value = format.header { headers.append(("X-Format", value)) }
                    let response = try HTTPClient.send("GET", port: service.port, path: "/shop/cart", headers: headers)
                    var found = Negotiation.problems(in: response, code: code, language: language.expected, format: format.expected,
                                                     method: "GET", build: build)
                    if response.header("X-Request-ID") != "4f6c1e" { found.append("X-Request-ID not echoed") }
                    if !found.isEmpty { failures.append("X-Code \(code) \(language.header ?? "-") \(format.header ?? "-") → \(found)") }
                }
            }
        }
        #expect(failures.isEmpty, "\(failures.prefix(10))")
        let unknown = try HTTPClient.send("GET", port: service.port, path: "/", headers: [("X-Code", "99999"), ("Accept-Language", "de")])
        #expect(unknown.status == 500 && unknown.text.contains("<html lang=\"de\">") && unknown.text.contains(build.title(500, "de")))
        let health = try HTTPClient.send("GET", port: service.port, path: "/healthz")
        #expect(health.status == 200 && health.text == "ok\n")
    }

    @Test("pages made in memory at start are byte for byte those erratum build writes")
    func inMemory() throws {
        let build = try ErrorPagesBuild()
        defer { build.remove() }
        let service = try ServeErrors(build: build, arguments: ["--templates", ErrorPagesBuild.repoRoot + "/templates",
                                                                "--content", ErrorPagesBuild.repoRoot + "/content"])
        defer { service.server.stop() }
        let connection = KeepAliveConnection(port: service.port)
        var compared = 0
        var different: [String] = []
        for language in ["en", "fr", "de"] {
            for code in HTTPStatusRegistry.errors.map(\.code) {
                for format in ErrorPages.Format.allCases {
                    let file = "\(language)/\(code)\(format.suffix)"
                    let built = try Data(contentsOf: URL(fileURLWithPath: build.output + "/errors/" + file))
                    let served = try connection.get("/\(code)\(format.suffix)", headers: [("Accept-Language", language)])
                    compared += 1
                    if served.body != built || served.status != code { different.append(file) }
                }
            }
        }
        #expect(compared == 351 && different.isEmpty, "\(different.prefix(5))")
    }

    @Test("every form an answer is written in: shared whole, shared without body, own head with the shared body, HTTP/1.0, close")
    func wireForms() throws {
        let build = try ErrorPagesBuild(codes: [404, 500, 503])
        defer { build.remove() }
        let service = try ServeErrors(build: build)
        defer { service.server.stop() }
        // Pipelined on one connection, answered in order; the last closes it.
        let requests: [(method: String, version: String, headers: String, requestID: String?, connection: String?)] = [
            ("GET", "1.1", "", nil, nil),
            ("HEAD", "1.1", "", nil, nil),
            ("GET", "1.1", "X-Request-ID: 7a1f\r\n", "7a1f", nil),
            ("HEAD", "1.1", "X-Request-ID: 7a1f\r\n", "7a1f", nil),
            ("GET", "1.1", "X-Request-ID: not echoed\r\n", nil, nil),
            ("GET", "1.0", "Connection: keep-alive\r\n", nil, "keep-alive"),
            ("GET", "1.1", "X-Request-ID: last\r\nConnection: close\r\n", "last", "close"),
        ]
        let bytes = requests.map { "\($0.method) /503 HTTP/\($0.version)\r\nHost: x\r\nAccept-Language: fr\r\n\($0.headers)\r\n" }.joined()
        let (text, closed) = try HTTPClient.sendRaw(bytes: Array(bytes.utf8), port: service.port)
        #expect(closed, "Connection: close ends the connection after its answer")
        let page = try String(contentsOfFile: build.output + "/errors/fr/503.html", encoding: .utf8)
        var rest = Substring(text)
        for (index, request) in requests.enumerated() {
            guard let end = rest.range(of: "\r\n\r\n") else {
                Issue.record("answer \(index) missing: \(rest.prefix(200))")
                return
            }
            let lines = rest[..<end.lowerBound].components(separatedBy: "\r\n")
            let headers = Dictionary(lines.dropFirst().map { line in
                let parts = line.split(separator: ":", maxSplits: 1)
                return (parts[0].lowercased(), parts.count > 1 ? parts[1].trimmingCharacters(in: .whitespaces) : "")
            }, uniquingKeysWith: { first, _ in first })
            let length = Int(headers["content-length"] ?? "") ?? -1
            let bodyLength = request.method == "HEAD" ? 0 : max(0, length)
            let body = rest[end.upperBound...].utf8.prefix(bodyLength)
            rest = Substring(rest[end.upperBound...].utf8.dropFirst(bodyLength))
            let what = "answer \(index) (\(request.method) HTTP/\(request.version) \(request.headers.debugDescription))"
            #expect(lines[0] == "HTTP/\(request.version) 503 Service Unavailable", "\(what): \(lines[0])")
            #expect(length == page.utf8.count && headers["content-language"] == "fr", "\(what): \(headers)")
            #expect(headers["x-request-id"] == request.requestID, "\(what): \(headers)")
            #expect(headers["connection"]?.lowercased() == request.connection, "\(what): \(headers)")
            #expect(request.method == "HEAD" ? body.isEmpty : String(Substring(body)) == page, "\(what): the body")
        }
        #expect(rest.isEmpty, "nothing after the last answer: \(rest.prefix(100))")
    }

    @Test("hostile requests get a well-formed answer and the service keeps serving")
    func hostileInput() throws {
        let build = try ErrorPagesBuild(codes: [404, 500, 503])
        defer { build.remove() }
        let service = try ServeErrors(build: build)
        defer { service.server.stop() }
        func request(_ headers: String) -> [UInt8] { Array("GET /503 HTTP/1.1\r\nHost: x\r\n\(headers)Connection: close\r\n\r\n".utf8) }
        let longLanguage = String(repeating: "x", count: 8192) + ", fr"
        let manyTypes = Array(repeating: "text/plain;q=0.9", count: 3000).joined(separator: ",") + ",application/json"
        var cases: [(name: String, bytes: [UInt8], status: Int, contains: String)] = [
            ("an 8 KB Accept-Language", request("Accept-Language: \(longLanguage)\r\n"), 503, "<html lang=\"fr\">"),
            ("3,000 Accept items", request("Accept: \(manyTypes)\r\n"), 503, "\"status\":503"),
            ("malformed q-values", request("Accept: application/json;q=x, text/html;q=1.5, application/problem+json;q=0.5\r\n"),
             503, "\"type\":\"about:blank\""),
            ("X-Code 99999", request("X-Code: 99999\r\n"), 500, "<html lang=\"en\">"),
            ("X-Code abc", request("X-Code: abc\r\n"), 500, "<html lang=\"en\">"),
            ("a NUL in a path", Array("GET /50%003 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".utf8), 404, "<html lang=\"en\">"),
        ]
        // `Accept-Language: fr<E9><FF>, de`: the first item is no language range, the second counts.
        let latin1 = Array("GET /503 HTTP/1.1\r\nHost: x\r\nAccept-Language: fr".utf8) + [0xE9, 0xFF]
            + Array(", de\r\nConnection: close\r\n\r\n".utf8)
        cases.append(("non-UTF-8 bytes in a header", latin1, 503, "<html lang=\"de\">"))
        for (name, bytes, status, contains) in cases {
            let (text, closed) = try HTTPClient.sendRaw(bytes: bytes, port: service.port)
            let response = try? HTTPClient.parse(Data(text.utf8), method: "GET")
            #expect(response?.status == status && closed, "\(name): \(text.prefix(200))")
            #expect(text.replacingOccurrences(of: " ", with: "").contains(contains.replacingOccurrences(of: " ", with: "")),
                    "\(name): \(text.prefix(300))")
        }
        // What NIO cannot parse gets 400 and a closed connection.
        let garbage = try HTTPClient.sendRaw("GARBAGE\u{1}\r\n\r\n", port: service.port)
        #expect(garbage.text.hasPrefix("HTTP/1.1 400") && garbage.closed)
        #expect(try HTTPClient.send("GET", port: service.port, path: "/healthz").status == 200, "still serving")
    }

    @Test("SIGTERM stops accepting, finishes the request under way, then exits 0; a port in use is exit 1")
    func drainAndPort() throws {
        let build = try ErrorPagesBuild(codes: [404, 500, 503])
        defer { build.remove() }
        let service = try ServeErrors(build: build)
        let busy = try Command.run(ServeProcess.binary, ["serve-errors", "--port", String(service.port), "--errors", build.output + "/errors"],
                                   in: build.folder, environment: ["PATH": "/usr/bin:/bin"])
        #expect(busy.status == 1 && busy.output.contains("error: cannot listen on 127.0.0.1:\(service.port): address already in use [serve]"),
                "\(busy.output)")
        // A request whose body is still coming when the signal arrives.
        let socket = try HTTPClient.connection(port: service.port)
        defer { close(socket) }
        let head = Array("POST /503 HTTP/1.1\r\nHost: x\r\nAccept: application/json\r\nContent-Length: 10\r\n\r\nabc".utf8)
        _ = head.withUnsafeBytes { write(socket, $0.baseAddress, $0.count) }
        Thread.sleep(forTimeInterval: 0.3)
        let pid = try #require(service.server.processID)
        kill(pid, SIGTERM)
        var refused = false
        for _ in 0..<100 where !refused {
            refused = (try? HTTPClient.send("GET", port: service.port, path: "/healthz")) == nil
            Thread.sleep(forTimeInterval: 0.02)
        }
        #expect(refused, "new connections are refused once draining")
        #expect(service.server.isRunning, "the request under way keeps it running")
        let rest = Array("defghij".utf8)
        _ = rest.withUnsafeBytes { write(socket, $0.baseAddress, $0.count) }
        var received = Data()
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = read(socket, &buffer, buffer.count)
            if count <= 0 { break }
            received.append(contentsOf: buffer[0..<count])
        }
        let response = try HTTPClient.parse(received, method: "POST")
        #expect(response.status == 503 && response.text.contains("\"status\":503"), "\(String(decoding: received, as: UTF8.self))")
        let deadline = ContinuousClock.now + .seconds(10)
        while service.server.isRunning, ContinuousClock.now < deadline { Thread.sleep(forTimeInterval: 0.02) }
        #expect(!service.server.isRunning && service.server.exitStatus == 0, "\(service.server.log)")
        #expect(service.server.log.contains("stopped by SIGTERM"))
    }
}

/// nginx set up as ingress-nginx sets itself up with a custom default backend: an upstream's
/// error, or nginx's own, goes to a named location that proxies to `erratum serve-errors` with
/// `X-Code`, `X-Format` (the client's `Accept`) and the other `X-` headers, and `error_page …
/// =` passes the backend's status on.
struct NginxIngress: LoopbackServer {
    let nginx: ServerProcess
    let service: ServeErrors
    let port: Int
    var server: ServerProcess { nginx }

    init(build: ErrorPagesBuild) throws {
        let service = try ServeErrors(build: build)
        self.service = service
        let prefix = build.folder + "/ingress"
        port = try HTTPClient.freePort()
        let application = try HTTPClient.freePort()
        let codes = [404, 410, 429, 500, 503, 507]
        let locations = codes.map { code in
            """
                    location @custom_default_backend_\(code) {
                        internal;
                        proxy_intercept_errors off;
                        proxy_set_header X-Code \(code);
                        proxy_set_header X-Format $http_accept;
                        proxy_set_header X-Original-URI $request_uri;
                        proxy_set_header X-Namespace shop;
                        proxy_set_header X-Ingress-Name web;
                        proxy_set_header X-Service-Name cart;
                        proxy_set_header X-Service-Port 8080;
                        proxy_set_header X-Request-ID $request_id;
                        rewrite (.*) / break;
                        proxy_pass http://127.0.0.1:\(service.port);
                    }
                    error_page \(code) = @custom_default_backend_\(code);
            """
        }.joined(separator: "\n")
        nginx = try Nginx.start(prefix: prefix, ports: [port, application], http: """
            server {
                listen 127.0.0.1:\(application);
                location = /upstream/503 { return 503 "the application's own body\\n"; }
                location = /upstream/429 { return 429 "the application's own body\\n"; }
            }
            server {
                listen 127.0.0.1:\(port);
                root \(prefix)/www;
            \(locations)
                location = /status/404 { return 404; }
                location = /status/503 { return 503; }
                location = /status/507 { return 507; }
                location /upstream/ {
                    proxy_pass http://127.0.0.1:\(application);
                    proxy_intercept_errors on;
                }
            }
            """)
    }
}

@Suite("erratum serve-errors behind nginx as a custom default backend", .serialized)
struct ServeErrorsBehindNginxTests {
    @Test("nginx's own errors and an application's go to serve-errors with X-Code and X-Format; status, language and format hold")
    func negotiationMatrix() throws {
        try Negotiation.check(NginxIngress.self, cases: Negotiation.localErrors + [("/upstream/503", 503), ("/upstream/429", 429)])
    }
}
