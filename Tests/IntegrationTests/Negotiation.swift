import Foundation
import Testing

/// A real server started on a loopback port with a build's generated config.
protocol LoopbackServer {
    var server: ServerProcess { get }
    var port: Int { get }
    init(build: ErrorPagesBuild) throws
}

/// The requests every server test sends, and what each must get back.
enum Negotiation {
    struct Format: Hashable, CustomStringConvertible {
        let name: String
        let contentType: String
        var description: String { name }

        static let html = Format(name: "html", contentType: "text/html; charset=utf-8")
        static let json = Format(name: "json", contentType: "application/json")
        static let problem = Format(name: "problem+json", contentType: "application/problem+json")
    }

    /// Accept-Language sent (nil: no header) → the language that must be served.
    static let languages: [(header: String?, expected: String)] = [
        ("en", "en"), ("fr", "fr"), ("de", "de"), ("fr-CA", "fr"),
        ("de-AT;q=0.9, en;q=0.8", "de"), ("fr;q=0, de", "de"), ("es", "en"), (nil, "en"), ("FR-ca", "fr"),
    ]

    /// Accept sent (nil: no header) → the format that must be served.
    static let formats: [(header: String?, expected: Format)] = [
        ("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", .html),
        ("application/json", .json),
        ("application/problem+json", .problem),
        ("*/*", .html),
        ("application/xml", .html),
        ("application/json;q=0, text/html", .html),
        ("application/json, text/plain, */*", .json),
        ("*/*;q=0", .html),
        (nil, .html),
    ]

    static let methods = ["GET", "HEAD", "POST"]

    /// Errors the front server makes itself: configured statuses and a missing file.
    static let localErrors = [("/status/404", 404), ("/no/such/file", 404), ("/status/503", 503), ("/status/507", 507)]

    /// Builds the pages, starts the server with them, sends the whole matrix for each case,
    /// stops the server, and records every wrong answer.
    static func check<Server: LoopbackServer>(_ type: Server.Type, cases: [(path: String, code: Int)],
                                              sourceLocation: SourceLocation = #_sourceLocation) throws {
        let build = try ErrorPagesBuild()
        defer { build.remove() }
        let server = try Server(build: build)
        defer { server.server.stop() }
        let (sent, failures) = try run(port: server.port, cases: cases, build: build)
        #expect(sent == cases.count * languages.count * formats.count * methods.count, sourceLocation: sourceLocation)
        #expect(failures.isEmpty, """
            \(failures.count) of \(sent) answers were wrong:
            \(failures.prefix(20).joined(separator: "\n"))
            server log:
            \(server.server.log)
            """, sourceLocation: sourceLocation)
    }

    /// Checks one response against what it must be; returns the problems found.
    static func problems(in response: HTTPResponse, code: Int, language: String, format: Format, method: String,
                         build: ErrorPagesBuild) -> [String] {
        var problems: [String] = []
        if response.status != code { problems.append("status \(response.status), expected \(code)") }
        if response.header("Content-Type") != format.contentType {
            problems.append("Content-Type '\(response.header("Content-Type") ?? "none")', expected '\(format.contentType)'")
        }
        if response.header("Content-Language") != language {
            problems.append("Content-Language '\(response.header("Content-Language") ?? "none")', expected '\(language)'")
        }
        let vary = Set((response.header("Vary") ?? "").lowercased().split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) })
        if !vary.isSuperset(of: ["accept", "accept-language"]) {
            problems.append("Vary '\(response.header("Vary") ?? "none")' lacks Accept and Accept-Language")
        }
        if response.header("Cache-Control")?.contains("no-store") != true {
            problems.append("Cache-Control '\(response.header("Cache-Control") ?? "none")' lacks no-store")
        }
        guard method != "HEAD" else {
            if !response.body.isEmpty { problems.append("HEAD answered with a body") }
            return problems
        }
        let title = build.title(code, language)
        switch format {
        case .html:
            if !response.text.contains("<html lang=\"\(language)\">") { problems.append("HTML body is not in '\(language)'") }
            if !response.text.contains("<h1>\(title)</h1>") { problems.append("HTML body lacks the heading '\(title)'") }
        default:
            guard let json = try? JSONSerialization.jsonObject(with: response.body) as? [String: Any] else {
                problems.append("body is not JSON: \(response.text.prefix(120))")
                return problems
            }
            if json["status"] as? Int != code { problems.append("JSON status \(json["status"] ?? "none")") }
            let key = format == .problem ? "title" : "error"
            if json[key] as? String != title { problems.append("JSON \(key) '\(json[key] ?? "none")', expected '\(title)'") }
            if format == .problem, json["type"] as? String != "about:blank" { problems.append("problem+json type is not about:blank") }
        }
        return problems
    }

    /// Sends the whole matrix for each path and code; returns one line per failed case.
    static func run(port: Int, cases: [(path: String, code: Int)], build: ErrorPagesBuild) throws -> (sent: Int, failures: [String]) {
        var sent = 0
        var failures: [String] = []
        for (path, code) in cases {
            for language in languages {
                for format in formats {
                    for method in methods {
                        var headers: [(String, String)] = []
                        if let value = language.header { headers.append(("Accept-Language", value)) }
                        if let value = format.header { headers.append(("Accept", value)) }
                        let response = try HTTPClient.send(method, port: port, path: path, headers: headers,
                                                           body: method == "POST" ? "file=data" : nil)
                        sent += 1
                        let found = problems(in: response, code: code, language: language.expected, format: format.expected,
                                             method: method, build: build)
                        if !found.isEmpty {
                            failures.append("\(method) \(path) Accept-Language: \(language.header ?? "-") Accept: \(format.header ?? "-") → "
                                            + found.joined(separator: "; "))
                        }
                    }
                }
            }
        }
        return (sent, failures)
    }
}
