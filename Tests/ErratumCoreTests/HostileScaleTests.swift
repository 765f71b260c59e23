import Foundation
import Testing
@testable import ErratumCore

/// Documents built to exhaust the machine: 10 MB of Markdown, and lists, quotes and markup
/// nested ten thousand deep. Each builds in a child `erratum` process under a watchdog, so a
/// stack overflow, a quadratic pass or a memory blow-up fails the test (and only the child).
@Suite("Hostile docs: size and depth", .serialized)
struct HostileScaleTests {
    /// A root with `content/en-us/web/<name>/index.md` for each body given.
    static func content(_ bodies: [String: String], in root: String) throws {
        for (name, body) in bodies {
            try TestSupport.write(["content/en-us/web/\(name.lowercased())/index.md": "---\ntitle: \(name)\nslug: Web/\(name)\n---\n\n\(body)"],
                                  under: root)
        }
    }

    static func build(_ root: String, timeLimit: Duration, memoryLimit: Int) throws -> ErratumRun {
        try ErratumRun.run(["build", "--content", root + "/content", "--templates", TestSupport.templatesRoot, "--output", root + "/Output",
                            "--codes", "404"], in: root, timeLimit: timeLimit, memoryLimit: memoryLimit)
    }

    /// About `megabytes` MB of MDN-like Markdown: headings (many alike), prose with macros and
    /// links, code, tables, definition lists, callouts and raw HTML.
    static func largeBody(megabytes: Int) -> String {
        let prose = String(repeating: "The server cannot store the representation needed to complete the request, and says so. ", count: 12)
        var body = ""
        var section = 0
        while body.utf8.count < megabytes << 20 {
            body += "## \(section % 10 == 0 ? "Examples" : "Section \(section)")\n\n"
            body += "\(prose){{HTTPStatus(\(400 + section % 100))}} and {{Glossary(\"Term \(section % 50)\")}}, see [the page](/en-US/docs/Web/X\(section)).\n\n"
            body += "```http\nHTTP/1.1 507 Insufficient Storage\nContent-Length: \(section)\n```\n\n"
            if section % 5 == 0 {
                body += "| code | name |\n| ---- | ---- |\n| \(section) | <b>bold</b> `x` |\n\n- `term`\n  - : definition \(section)\n\n> [!NOTE]\n> note \(section)\n\n"
            }
            section += 1
        }
        return body
    }

    @Test("a 10 MB document builds in bounded memory")
    func largeDocument() throws {
        let root = try TestSupport.temporaryFolder()
        defer { TestSupport.cleanUp(root) }
        let body = Self.largeBody(megabytes: 10)
        try Self.content(["Large": body], in: root)
        let run = try Self.build(root, timeLimit: .seconds(600), memoryLimit: 2 << 30)
        print("10 MB document: exit \(run.status.map(String.init) ?? "killed"), \(String(format: "%.1f", run.seconds)) s, peak RSS \(run.peakRSS >> 20) MiB")
        #expect(run.killedBecause == nil, "\(run.killedBecause ?? "")")
        #expect(run.status == 0, "\(run.output.suffix(2000))")
        #expect(run.peakRSS < 1 << 30, "peak RSS \(run.peakRSS >> 20) MiB")
        let page = root + "/Output/docs/en-US/docs/Web/Large/index.html"
        let size = (try? FileManager.default.attributesOfItem(atPath: page)[.size] as? Int) ?? 0
        #expect(size > 10 << 20)
        #expect(try TestSupport.entries(root).sorted() == ["Output", "content", "erratum-output.txt"])
    }

    static let depth = 10_000

    @Test("lists, quotes and markup nested 10,000 deep build without overflowing the stack")
    func deepNesting() throws {
        let root = try TestSupport.temporaryFolder()
        defer { TestSupport.cleanUp(root) }
        let depth = Self.depth
        try Self.content([
            "Lists": String(repeating: "- ", count: depth) + "deep\n",
            "Ordered": String(repeating: "1. ", count: depth) + "deep\n",
            "Quotes": String(repeating: "> ", count: depth) + "deep\n",
            "Mixed": String(repeating: "> - ", count: depth / 2) + "deep\n",
            "Callouts": String(repeating: "> [!NOTE]\n", count: 1) + String(repeating: "> ", count: depth) + "**Note:** deep\n",
            "Indented": (0..<1000).map { String(repeating: "  ", count: $0) + "- item\n" }.joined(),
            "Definitions": (0..<500).map { String(repeating: "    ", count: $0) + "- term\n" + String(repeating: "    ", count: $0) + "  - : definition\n" }.joined(),
            "Inline": String(repeating: "*", count: depth) + "x" + String(repeating: "*", count: depth) + "\n\n"
                + String(repeating: "[", count: depth) + "x" + String(repeating: "](/y)", count: depth) + "\n\n"
                + String(repeating: "`", count: depth) + "\n\n" + String(repeating: "<", count: depth) + "\n",
            "Markup": String(repeating: "<div>", count: depth) + "x" + String(repeating: "</div>", count: depth) + "\n\n"
                + "<p>" + String(repeating: "<b title=\"a\">", count: depth) + "\n",
            "Headings": String(repeating: "## Same\n\n- Same\n  - : Same\n\n", count: depth),
        ], in: root)
        let run = try Self.build(root, timeLimit: .seconds(300), memoryLimit: 1 << 30)
        print("10,000-deep nesting: exit \(run.status.map(String.init) ?? "killed"), \(String(format: "%.1f", run.seconds)) s, peak RSS \(run.peakRSS >> 20) MiB")
        #expect(run.killedBecause == nil, "\(run.killedBecause ?? "")")
        #expect(run.status == 0, "\(run.output.suffix(3000))")
        #expect(run.peakRSS < 512 << 20, "peak RSS \(run.peakRSS >> 20) MiB")
        for name in ["Lists", "Quotes", "Mixed", "Markup"] {
            let html = try String(contentsOfFile: root + "/Output/docs/en-US/docs/Web/\(name)/index.html", encoding: .utf8)
            #expect(html.contains("deep") || html.contains(">x<"), "\(name) lost its content")
        }
        #expect(HostileHTML.scriptProblems(under: root + "/Output/docs") == [:])
    }
}
