import Foundation
import Testing

/// A real Apache httpd serving the generated configuration, included unchanged.
struct Apache: LoopbackServer {
    let server: ServerProcess
    let port: Int
    let prefix: String

    static let modules = [
        ("mpm_event_module", "mod_mpm_event.so"), ("authz_core_module", "mod_authz_core.so"),
        ("alias_module", "mod_alias.so"), ("mime_module", "mod_mime.so"),
        ("negotiation_module", "mod_negotiation.so"), ("headers_module", "mod_headers.so"),
        ("rewrite_module", "mod_rewrite.so"), ("proxy_module", "mod_proxy.so"), ("proxy_http_module", "mod_proxy_http.so"),
    ]

    init(build: ErrorPagesBuild) throws {
        prefix = build.folder + "/apache"
        try FileManager.default.createDirectory(atPath: prefix + "/www", withIntermediateDirectories: true)
        port = try HTTPClient.freePort()
        let backend = try HTTPClient.freePort()
        let config = """
        ServerRoot /usr/lib/apache2
        DefaultRuntimeDir \(prefix)
        PidFile \(prefix)/httpd.pid
        ErrorLog \(prefix)/error.log
        LogLevel warn
        \(Self.modules.map { "LoadModule \($0.0) modules/\($0.1)" }.joined(separator: "\n"))
        TypesConfig /etc/mime.types
        ServerName localhost
        \(getuid() == 0 ? "User www-data\nGroup www-data" : "")
        Listen 127.0.0.1:\(port)
        Listen 127.0.0.1:\(backend)

        <VirtualHost 127.0.0.1:\(backend)>
            RewriteEngine On
            RewriteRule ^ - [R=503]
            ErrorDocument 503 "the backend's own body"
        </VirtualHost>

        <VirtualHost 127.0.0.1:\(port)>
            DocumentRoot \(prefix)/www
            <Directory \(prefix)/www>
                Require all granted
            </Directory>
            Include \(build.output)/apache/erratum.conf
            RewriteEngine On
            RewriteRule ^/status/404$ - [R=404]
            RewriteRule ^/status/410$ - [R=410]
            RewriteRule ^/status/429$ - [R=429]
            RewriteRule ^/status/500$ - [R=500]
            RewriteRule ^/status/503$ - [R=503]
            RewriteRule ^/status/507$ - [R=507]
            ProxyPass /upstream/ http://127.0.0.1:\(backend)/
            ProxyErrorOverride On
        </VirtualHost>
        """
        try config.write(toFile: prefix + "/httpd.conf", atomically: true, encoding: .utf8)
        server = try ServerProcess(name: "apache2", executable: "/usr/sbin/apache2",
                                   arguments: ["-f", prefix + "/httpd.conf", "-DFOREGROUND"],
                                   ports: [port, backend], logPath: prefix + "/error.log")
    }
}

@Suite("Apache httpd serves the error pages", .serialized)
struct ApacheTests {
    @Test("404, 503 and 507 keep their status, in the asked language and format, for GET, HEAD and POST")
    func negotiationMatrix() throws {
        try Negotiation.check(Apache.self, cases: Negotiation.localErrors)
    }

    @Test("an upstream error is replaced by our page through ProxyErrorOverride, with the upstream's status")
    func upstreamError() throws {
        try Negotiation.check(Apache.self, cases: [("/upstream/api", 503)])
    }
}
