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
        prefix = build.folder + "/nginx"
        for folder in ["www", "tmp", "logs"] {
            try FileManager.default.createDirectory(atPath: prefix + "/" + folder, withIntermediateDirectories: true)
        }
        port = try HTTPClient.freePort()
        let backend = try HTTPClient.freePort()
        let config = """
        daemon off;
        worker_processes 1;
        pid \(prefix)/nginx.pid;
        error_log \(prefix)/logs/error.log warn;
        events { worker_connections 64; }
        http {
            access_log off;
            client_body_temp_path \(prefix)/tmp/body;
            proxy_temp_path \(prefix)/tmp/proxy;
            include \(build.output)/nginx/erratum-http.conf;

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
        }
        """
        try config.write(toFile: prefix + "/nginx.conf", atomically: true, encoding: .utf8)
        server = try ServerProcess(name: "nginx", executable: "/usr/sbin/nginx",
                                   arguments: ["-p", prefix, "-c", prefix + "/nginx.conf"],
                                   ports: [port, backend], logPath: prefix + "/logs/error.log")
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
