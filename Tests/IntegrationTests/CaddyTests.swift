import Foundation
import Testing

/// A real Caddy serving the generated files, imported unchanged: a site with errors of its
/// own and a proxied backend that fails.
struct Caddy: LoopbackServer {
    let server: ServerProcess
    let port: Int
    let prefix: String

    init(build: ErrorPagesBuild) throws {
        prefix = build.folder + "/caddy"
        try FileManager.default.createDirectory(atPath: prefix + "/www", withIntermediateDirectories: true)
        port = try HTTPClient.freePort()
        let backend = try HTTPClient.freePort()
        let config = """
        {
        \tadmin off
        \tauto_https off
        \tstorage file_system \(prefix)/data
        }
        http://127.0.0.1:\(backend) {
        \trespond "the backend's own body" 503
        }
        http://127.0.0.1:\(port) {
        \timport \(build.output)/caddy/erratum.caddy
        \troot * \(prefix)/www
        \terror /status/404 404
        \terror /status/410 410
        \terror /status/429 429
        \terror /status/500 500
        \terror /status/503 503
        \terror /status/507 507
        \treverse_proxy /upstream/* 127.0.0.1:\(backend) {
        \t\timport \(build.output)/caddy/erratum-upstream.caddy
        \t}
        \tfile_server
        }

        """
        try config.write(toFile: prefix + "/Caddyfile", atomically: true, encoding: .utf8)
        // Caddy keeps state under the home and XDG folders: the test's own, never the user's.
        server = try ServerProcess(name: "caddy", executable: "/usr/bin/caddy",
                                   arguments: ["run", "--config", prefix + "/Caddyfile", "--adapter", "caddyfile"],
                                   ports: [port, backend], logPath: prefix + "/caddy.log",
                                   environment: Self.environment(prefix))
    }

    static func environment(_ prefix: String) -> [String: String] {
        ["HOME": prefix, "XDG_CONFIG_HOME": prefix + "/config", "XDG_DATA_HOME": prefix + "/data", "PATH": "/usr/bin:/bin"]
    }
}

@Suite("Caddy serves the error pages", .serialized)
struct CaddyTests {
    @Test("the generated files pass caddy validate")
    func validate() throws {
        let build = try ErrorPagesBuild()
        defer { build.remove() }
        let caddy = try Caddy(build: build)
        caddy.server.stop()
        let check = try Command.run("/usr/bin/caddy", ["validate", "--config", caddy.prefix + "/Caddyfile", "--adapter", "caddyfile"],
                                    in: caddy.prefix, environment: Caddy.environment(caddy.prefix))
        #expect(check.status == 0, "\(check.output)")
    }

    @Test("404 (a missing file and an error directive), 503 and 507 keep their status, in the asked language and format, for GET, HEAD and POST")
    func negotiationMatrix() throws {
        try Negotiation.check(Caddy.self, cases: Negotiation.localErrors)
    }

    @Test("an upstream error is replaced by our page, with the upstream's status")
    func upstreamError() throws {
        try Negotiation.check(Caddy.self, cases: [("/upstream/api", 503)])
    }

    @Test("a range or a conditional request for an error still gets the whole page and the error's status")
    func rangeAndConditional() throws {
        let build = try ErrorPagesBuild(codes: [404, 503])
        defer { build.remove() }
        let caddy = try Caddy(build: build)
        defer { caddy.server.stop() }
        for header in [("Range", "bytes=0-9"), ("If-None-Match", "*"), ("If-Modified-Since", "Sat, 01 Jan 2000 00:00:00 GMT")] {
            let response = try HTTPClient.send("GET", port: caddy.port, path: "/status/503", headers: [header])
            #expect(response.status == 503 && response.text.contains("</html>"), "\(header.0): \(response.status)")
            #expect(response.header("ETag") == nil && response.header("Accept-Ranges") == nil)
        }
    }
}
