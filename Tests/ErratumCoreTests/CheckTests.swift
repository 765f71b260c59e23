import Foundation
import Testing
@testable import ErratumCommands
@testable import ErratumCore

@Suite("erratum check")
struct CheckTests {
    func check(_ files: [String: String]) throws -> CheckReport {
        let folder = try TestSupport.temporaryFolder()
        defer { TestSupport.cleanUp(folder) }
        try TestSupport.write(files, under: folder + "/content")
        return try Checker(contentRoots: [folder + "/content"], templatesRoot: TestSupport.templatesRoot).run()
    }

    static let page = "---\ntitle: A\nslug: Web/A\n---\n\n## Usage\n\nText.\n"

    @Test("broken links and anchors are found at their position")
    func links() throws {
        let report = try check([
            "en-us/web/a/index.md": Self.page,
            "en-us/web/b/index.md": "---\ntitle: B\nslug: Web/B\n---\n\nSee [a](/en-US/docs/Web/A#usage), [a2](/en-US/docs/Web/A#nope)\nand [c](/en-US/docs/Web/C) and [here](#local).\n",
        ])
        #expect(report.diagnostics.map(\.description).map { $0.replacingOccurrences(of: #"^.*/content/"#, with: "", options: .regularExpression) } == [
            "en-us/web/b/index.md:6:40: warning: '#nope' names no heading or id on /en-US/docs/Web/A [broken-anchor]",
            "en-us/web/b/index.md:7:9: warning: link to '/en-US/docs/Web/C' leads to no page in the content [broken-link]",
            "en-us/web/b/index.md:7:39: warning: '#local' names no heading or id on /en-US/docs/Web/B [broken-anchor]",
        ])
    }

    @Test("redirect chains are warnings and loops errors, at their line in _redirects.txt")
    func redirects() throws {
        let report = try check([
            "en-us/web/a/index.md": Self.page,
            "en-us/_redirects.txt": "# comment\n/en-US/docs/Old\t/en-US/docs/Older\n/en-US/docs/Older\t/en-US/docs/Web/A\n/en-US/docs/X\t/en-US/docs/Y\n/en-US/docs/Y\t/en-US/docs/X\n",
        ])
        let found = report.diagnostics.map { "\($0.code) \($0.location?.line ?? 0)" }
        #expect(found == ["redirect-chain 2", "redirect-loop 4", "redirect-loop 5"])
        #expect(report.count(.error) == 2)
    }

    @Test("script elements, event handlers and javascript: URLs are errors; code samples are not", arguments: [
        "<script>alert(1)</script>",
        "<img src=x onerror=\"alert(1)\">",
        "[click](javascript:alert(1))",
    ])
    func unsafe(source: String) throws {
        let report = try check(["en-us/web/a/index.md": "---\ntitle: A\nslug: Web/A\n---\n\nFine.\n\n" + source + "\n\n```html\n<script>ok()</script>\n```\n"])
        let unsafe = report.diagnostics.filter { $0.code == .unsafeHTML }
        #expect(unsafe.count == 1)
        #expect(unsafe.first?.location?.line == 8)
    }

    @Test("the command prints findings, a summary by code, and exits 1 on errors; JSON on request")
    func command() throws {
        let folder = try TestSupport.temporaryFolder()
        defer { TestSupport.cleanUp(folder) }
        try TestSupport.write(["en-us/web/a/index.md": "---\ntitle: A\nslug: Web/A\n---\n\n{{Nope}} <script>x</script>\n"], under: folder + "/content")
        let report = try Checker(contentRoots: [folder + "/content"], templatesRoot: TestSupport.templatesRoot).run()
        #expect(CheckSummary.lines(report) == [
            "checked 1 document: 1 error, 1 warning",
            "  unknown-macro  1",
            "  unsafe-html    1",
        ])
        let json = try #require(try JSONSerialization.jsonObject(with: Data(CheckSummary.json(report).utf8)) as? [String: Any])
        #expect(json["errors"] as? Int == 1)
        #expect((json["byCode"] as? [String: Int])?["unsafe-html"] == 1)
        var command = try ErratumCommand.parseAsRoot(["check", "--content", folder + "/content", "--templates", TestSupport.templatesRoot, "--format", "json"])
        #expect { try command.run() } throws: { ErratumCommand.exitCode(for: $0).rawValue == 1 }
    }
}
