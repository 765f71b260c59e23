@testable import ErratumCore
import Foundation
import Testing

/// A real HAProxy with the generated erratum.cfg loaded first and unchanged: a frontend using
/// its three lines, an application server (another frontend) answering errors of its own.
struct HAProxy: LoopbackServer {
    let server: ServerProcess
    let port: Int
    let prefix: String

    /// The application's errors, each at `/upstream/<code>`.
    static let applicationCodes = [404, 410, 429, 500, 503, 507]

    init(build: ErrorPagesBuild) throws {
        prefix = build.folder + "/haproxy"
        try FileManager.default.createDirectory(atPath: prefix, withIntermediateDirectories: true)
        port = try HTTPClient.freePort()
        let application = try HTTPClient.freePort()
        let answers = Self.applicationCodes.map {
            "    http-request return status \($0) content-type text/plain string \"the application's own body\" if { path /upstream/\($0) }"
        }.joined(separator: "\n")
        let config = """
        defaults
            mode http
            timeout connect 2s
            timeout client 10s
            timeout server 10s

        frontend web
            bind 127.0.0.1:\(port)
            errorfiles erratum-en-html
            http-request lua.erratum-negotiate
            http-response lua.erratum-page
            http-request deny deny_status 403 if { path /status/403 }
            use_backend nowhere if { path /status/503 }
            default_backend application

        backend application
            server application 127.0.0.1:\(application)

        backend nowhere
            server down 127.0.0.1:9 disabled

        frontend application
            bind 127.0.0.1:\(application)
        \(answers)
            http-request return status 200 content-type text/plain string "ok"

        """
        try config.write(toFile: prefix + "/haproxy.cfg", atomically: true, encoding: .utf8)
        server = try ServerProcess(name: "haproxy", executable: "/usr/sbin/haproxy",
                                   arguments: ["-db", "-f", build.output + "/haproxy/erratum.cfg", "-f", prefix + "/haproxy.cfg"],
                                   ports: [port, application], logPath: prefix + "/haproxy.log")
    }
}

@Suite("HAProxy serves the error pages", .serialized)
struct HAProxyTests {
    @Test("the generated file passes haproxy -c with a frontend using it; errorfiles take exactly the codes it names")
    func configCheck() throws {
        let build = try ErrorPagesBuild()
        defer { build.remove() }
        let haproxy = try HAProxy(build: build)
        haproxy.server.stop()
        let check = try Command.run("/usr/sbin/haproxy", ["-c", "-f", build.output + "/haproxy/erratum.cfg", "-f", haproxy.prefix + "/haproxy.cfg"],
                                    in: haproxy.prefix, environment: ["PATH": "/usr/bin:/bin"])
        #expect(check.status == 0, "\(check.output)")
        // HAProxy's own list, asked of HAProxy: every code of ours it takes, and none other.
        var taken: Set<Int> = []
        for code in HTTPStatusRegistry.errors.map(\.code) {
            let file = haproxy.prefix + "/probe.cfg"
            try "http-errors probe\n    errorfile \(code) \(build.output)/haproxy/en/404.html.http\n".write(toFile: file, atomically: true, encoding: .utf8)
            let probe = try Command.run("/usr/sbin/haproxy", ["-c", "-f", file], in: haproxy.prefix, environment: ["PATH": "/usr/bin:/bin"])
            if !probe.output.contains("not handled") { taken.insert(code) }
        }
        #expect(taken == ServerConfigs.haproxyErrorfileCodes, "\(taken.sorted())")
        let sizes = try FileManager.default.subpathsOfDirectory(atPath: build.output + "/haproxy").filter { $0.hasSuffix(".http") }
            .map { try FileManager.default.attributesOfItem(atPath: build.output + "/haproxy/" + $0)[.size] as? Int ?? 0 }
        #expect(sizes.count == 3 * 3 * 18 && sizes.allSatisfy { $0 < 16_384 - 1_024 }, "each fits tune.bufsize less its reserve")
    }

    @Test("an application's 404, 503 and 507 keep their status, in the asked language and format, for GET, HEAD and POST")
    func negotiationMatrix() throws {
        try Negotiation.check(HAProxy.self, cases: [("/upstream/404", 404), ("/upstream/503", 503), ("/upstream/507", 507)])
    }

    @Test("HAProxy's own errors come from the errorfiles section named: status, its language and format, whole")
    func ownErrors() throws {
        let build = try ErrorPagesBuild()
        defer { build.remove() }
        let haproxy = try HAProxy(build: build)
        defer { haproxy.server.stop() }
        for (path, code) in [("/status/403", 403), ("/status/503", 503)] {
            let response = try HTTPClient.send("GET", port: haproxy.port, path: path, headers: [("Accept-Language", "fr")])
            #expect(response.status == code && response.header("Content-Language") == "en", "\(path): \(response.status)")
            #expect(response.header("Content-Type") == "text/html; charset=utf-8" && response.text.contains("<h1>\(build.title(code, "en"))</h1>"))
            #expect(response.header("Cache-Control") == "no-store")
        }
    }
}
