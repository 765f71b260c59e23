import ErratumCore
import Foundation
import Testing
@testable import ErratumServer

@Suite("erratum serve-errors' answers")
struct ErrorServiceTests {
    /// Bodies for 404, 500 and 503 in en and fr, each naming itself.
    static let service: ErrorService = {
        var files: [OutputFile] = []
        for language in ["fr", "en"] {
            for code in [404, 500, 503] {
                for format in ErrorPages.Format.allCases {
                    files.append(OutputFile(path: "errors/\(language)/\(code)\(format.suffix)", text: "\(language) \(code) \(format.rawValue)"))
                }
            }
        }
        // Incomplete: no body in fr, so 410 is no code of the service.
        files.append(OutputFile(path: "errors/en/410.html", text: "en 410"))
        return ErrorService(bodies: ErrorBodies(files: files), retryAfter: 120)
    }()

    static func answer(_ target: String, _ headers: [(String, String)] = [], method: String = "GET") -> PreviewResponse {
        service.respond(method: method, target: target, headers: headers.map { (name: $0.0, value: $0.1) })
    }

    static func text(_ response: PreviewResponse) -> String { String(decoding: response.body, as: UTF8.self) }

    @Test("the code comes from X-Code, else the path's last segment, else it is 404; the real status always")
    func codes() {
        #expect(Self.service.bodies.codes == [404, 500, 503] && Self.service.bodies.languages == ["en", "fr"])
        #expect(Self.text(Self.answer("/503")) == "en 503 html" && Self.answer("/503").status == 503)
        #expect(Self.text(Self.answer("/errors/503")) == "en 503 html")
        #expect(Self.text(Self.answer("/anything", [("X-Code", "503")])) == "en 503 html")
        #expect(Self.text(Self.answer("/404", [("X-Code", " 503 ")])) == "en 503 html", "X-Code wins over the path")
        #expect(Self.text(Self.answer("/")) == "en 404 html" && Self.answer("/").status == 404)
        #expect(Self.text(Self.answer("/users/123")) == "en 404 html", "a path segment that is no error status")
        #expect(Self.text(Self.answer("/index.php?page=503")) == "en 404 html")
        for code in ["99999", "abc", "", "5O3", "-503", "410", "٥٠٣"] {
            let response = Self.answer("/", [("X-Code", code)])
            #expect(response.status == 500 && Self.text(response) == "en 500 html", "X-Code '\(code)'")
        }
        #expect(Self.answer("/418").status == 500, "an error status without a page gets 500's")
    }

    @Test("the format comes from the path's suffix, else X-Format, else Accept; the language from Accept-Language")
    func formats() {
        #expect(Self.text(Self.answer("/503.json")) == "en 503 json")
        #expect(Self.text(Self.answer("/503.problem.json", [("Accept", "text/html")])) == "en 503 problem")
        #expect(Self.text(Self.answer("/503.html", [("Accept", "application/json")])) == "en 503 html")
        #expect(Self.answer("/503.json").header("Vary") == "Accept-Language", "the path fixed the format")
        #expect(Self.text(Self.answer("/", [("X-Code", "404"), ("X-Format", "application/json"), ("Accept", "text/html")])) == "en 404 json")
        #expect(Self.text(Self.answer("/", [("X-Code", "404"), ("X-Format", ""), ("Accept", "application/json")])) == "en 404 json")
        let french = Self.answer("/503", [("Accept", "application/problem+json"), ("Accept-Language", "fr-CA, en;q=0.5")])
        #expect(Self.text(french) == "fr 503 problem")
        #expect(french.header("Content-Type") == "application/problem+json" && french.header("Content-Language") == "fr")
        #expect(french.header("Vary") == "Accept, Accept-Language" && french.header("Cache-Control") == "no-store")
        #expect(french.header("Content-Length") == String(french.body.count))
    }

    @Test("Retry-After with 429 and 503 only; HEAD has no body; any method gets the page; /healthz; X-Request-ID echoed")
    func headers() {
        #expect(Self.answer("/503").header("Retry-After") == "120")
        #expect(Self.answer("/404").header("Retry-After") == nil)
        let head = Self.answer("/503", method: "HEAD")
        #expect(head.status == 503 && head.body.isEmpty && head.header("Content-Length") == String("en 503 html".utf8.count))
        #expect(Self.answer("/503", method: "POST").status == 503 && Self.text(Self.answer("/404", method: "DELETE")) == "en 404 html")
        let health = Self.answer("/healthz")
        #expect(health.status == 200 && Self.text(health) == "ok\n" && health.header("Cache-Control") == "no-store")
        #expect(Self.answer("/503", [("X-Request-ID", "f1e2d3")]).header("X-Request-ID") == "f1e2d3")
        #expect(Self.answer("/503", [("X-Request-ID", "a b")]).header("X-Request-ID") == nil)
        #expect(Self.answer("/503", [("X-Request-ID", String(repeating: "x", count: 201))]).header("X-Request-ID") == nil)
    }

    @Test("an errors folder is read as erratum build wrote it; one without pages is a clear error")
    func folder() throws {
        let folder = NSTemporaryDirectory() + "erratum-errors-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: folder) }
        for format in ErrorPages.Format.allCases {
            try FileManager.default.createDirectory(atPath: folder + "/de", withIntermediateDirectories: true)
            try Data("de 502 \(format.rawValue)".utf8).write(to: URL(fileURLWithPath: folder + "/de/502\(format.suffix)"))
        }
        try Data("type map".utf8).write(to: URL(fileURLWithPath: folder + "/502.var"))
        let bodies = try ErrorBodies(folder: folder)
        #expect(bodies.codes == [502] && bodies.languages == ["de"])
        #expect(bodies.body(502, language: "de", format: .problem) == Data("de 502 problem".utf8))
        try FileManager.default.removeItem(atPath: folder + "/de")
        #expect(throws: DiagnosticError.self) { try ErrorBodies(folder: folder) }
        #expect(throws: DiagnosticError.self) { try ErrorBodies(folder: folder + "/none") }
    }
}
