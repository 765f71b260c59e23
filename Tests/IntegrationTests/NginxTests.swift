import Foundation
import Testing

/// A real nginx serving the generated configuration, included unchanged.
struct Nginx: LoopbackServer {
    let server: ServerProcess
    let port: Int
    let prefix: String

    /// Starts nginx with a front server that includes Erratum's files and a backend that
    /// fails on its own (for the upstream case).
    init(build: ErrorPagesBuild) throws {
        try self.init(build: build, njs: false)
    }

    /// With `njs`, the njs module is loaded and erratum-http-njs.conf included instead of the
    /// map-based erratum-http.conf.
    init(build: ErrorPagesBuild, njs: Bool) throws {
        prefix = build.folder + (njs ? "/nginx-njs" : "/nginx")
        port = try HTTPClient.freePort()
        let backend = try HTTPClient.freePort()
        if njs, !FileManager.default.fileExists(atPath: Self.njsModule) {
            throw ServerProcess.Missing(description: "\(Self.njsModule) is not installed: scripts/test installs libnginx-mod-http-js")
        }
        server = try Self.start(prefix: prefix, ports: [port, backend], main: njs ? "load_module \(Self.njsModule);" : "", http: """
            include \(build.output)/nginx/\(njs ? "erratum-http-njs.conf" : "erratum-http.conf");

            server {
                listen 127.0.0.1:\(backend);
                location / { return 503 "the backend's own body\\n"; }
            }

            server {
                listen 127.0.0.1:\(port);
                root \(prefix)/www;
                include \(build.output)/nginx/erratum-server.conf;
                location = /status/404 { return 404; }
                location = /status/410 { return 410; }
                location = /status/429 { return 429; }
                location = /status/500 { return 500; }
                location = /status/503 { return 503; }
                location = /status/507 { return 507; }
                location /upstream/ {
                    proxy_pass http://127.0.0.1:\(backend);
                    proxy_intercept_errors on;
                }
            }
            """)
    }

    /// Starts nginx in the foreground in `prefix` (its folders made there), with `main` in the
    /// main context and `http` inside `http {}`, and waits for `ports`.
    static func start(prefix: String, ports: [Int], main: String = "", http: String) throws -> ServerProcess {
        for folder in ["www", "tmp", "logs"] {
            try FileManager.default.createDirectory(atPath: prefix + "/" + folder, withIntermediateDirectories: true)
        }
        let config = """
        \(main)
        daemon off;
        worker_processes 1;
        pid \(prefix)/nginx.pid;
        error_log \(prefix)/logs/error.log warn;
        events { worker_connections 64; }
        http {
            access_log off;
            client_body_temp_path \(prefix)/tmp/body;
            proxy_temp_path \(prefix)/tmp/proxy;
        \(http)
        }

        """
        try config.write(toFile: prefix + "/nginx.conf", atomically: true, encoding: .utf8)
        return try ServerProcess(name: "nginx", executable: "/usr/sbin/nginx", arguments: ["-p", prefix, "-c", prefix + "/nginx.conf"],
                                 ports: ports, logPath: prefix + "/logs/error.log")
    }
}

extension Nginx {
    /// Debian's njs module (libnginx-mod-http-js).
    static let njsModule = "/usr/lib/nginx/modules/ngx_http_js_module.so"
}

/// nginx with njs: erratum-http-njs.conf instead of the maps.
struct NginxNjs: LoopbackServer {
    let nginx: Nginx
    var server: ServerProcess { nginx.server }
    var port: Int { nginx.port }

    init(build: ErrorPagesBuild) throws {
        nginx = try Nginx(build: build, njs: true)
    }
}

@Suite("nginx with njs negotiates exactly", .serialized)
struct NginxNjsTests {
    @Test("the njs configuration passes nginx -t")
    func configTest() throws {
        let build = try ErrorPagesBuild()
        defer { build.remove() }
        let nginx = try NginxNjs(build: build)
        nginx.server.stop()
        let check = try Command.run("/usr/sbin/nginx", ["-t", "-q", "-p", nginx.nginx.prefix, "-c", nginx.nginx.prefix + "/nginx.conf"],
                                    in: nginx.nginx.prefix, environment: ["PATH": "/usr/bin:/bin"])
        #expect(check.status == 0, "\(check.output)")
    }

    @Test("404, 503 and 507 keep their status, in the asked language and format, for GET, HEAD and POST; an upstream's too")
    func negotiationMatrix() throws {
        try Negotiation.check(NginxNjs.self, cases: Negotiation.localErrors + [("/upstream/api", 503)])
    }

    @Test("where q-values decide, njs answers as erratum serve-errors does, not as the maps")
    func weighs() throws {
        let build = try ErrorPagesBuild(codes: [404])
        defer { build.remove() }
        let nginx = try NginxNjs(build: build)
        defer { nginx.server.stop() }
        for (language, accept, expected) in [("en;q=0.1, fr", "text/html;q=0.1, application/json", "fr .json"),
                                             ("fr, de", "application/*", "fr .json"),
                                             ("*;q=0.5, de;q=0", "*/*;q=0.1, text/html;q=0", "en .json"),
                                             ("de;q=0.8, fr;q=0.8", "application/json;q=0.5, application/problem+json;q=0.9", "de .problem.json"),
                                             ("x" + String(repeating: "-abcdefgh", count: 500) + ", fr;q=0.3", "application/json;q=abc", "fr .html")] {
            let response = try HTTPClient.send("GET", port: nginx.port, path: "/status/404",
                                               headers: [("Accept-Language", language), ("Accept", accept)])
            let suffix = response.header("Content-Type") == "application/json" ? ".json"
                : response.header("Content-Type") == "application/problem+json" ? ".problem.json" : ".html"
            #expect("\(response.header("Content-Language") ?? "-") \(suffix)" == expected && response.status == 404,
                    "\(language) | \(accept): \(response.status) \(response.header("Content-Language") ?? "-") \(suffix)")
        }
    }
}

@Suite("nginx serves the error pages", .serialized)
struct NginxTests {
    @Test("the generated config passes nginx -t")
    func configTest() throws {
        let build = try ErrorPagesBuild()
        defer { build.remove() }
        let nginx = try Nginx(build: build)
        nginx.server.stop()
        let check = Process()
        check.executableURL = URL(fileURLWithPath: "/usr/sbin/nginx")
        check.arguments = ["-t", "-q", "-p", nginx.prefix, "-c", nginx.prefix + "/nginx.conf"]
        try check.run()
        check.waitUntilExit()
        #expect(check.terminationStatus == 0)
    }

    @Test("404, 503 and 507 keep their status, in the asked language and format, for GET, HEAD and POST")
    func negotiationMatrix() throws {
        try Negotiation.check(Nginx.self, cases: Negotiation.localErrors)
    }

    @Test("an upstream error is replaced by our page, with the upstream's status")
    func upstreamError() throws {
        try Negotiation.check(Nginx.self, cases: [("/upstream/api", 503)])
    }
}
