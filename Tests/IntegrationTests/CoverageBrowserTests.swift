import ErratumCore
import Foundation
import Testing

/// The coverage report's English changes as a translator opens them: a real git history, the
/// erratum binary writing the HTML report, and Chromium expanding a diff.
@Suite("The coverage report's diffs in Chromium", .serialized)
struct CoverageBrowserTests {
    /// Runs git in `folder` at a fixed date (day `day` of 2024), failing loudly.
    static func git(_ arguments: [String], in folder: String, day: Int) throws {
        var environment = ProcessInfo.processInfo.environment
        for name in ["GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE"] { environment[name] = nil }
        environment["GIT_CONFIG_NOSYSTEM"] = "1"
        environment["GIT_CONFIG_GLOBAL"] = "/dev/null"
        environment["GIT_AUTHOR_DATE"] = "2024-01-\(String(format: "%02d", day))T12:00:00Z"
        environment["GIT_COMMITTER_DATE"] = environment["GIT_AUTHOR_DATE"]
        let run = try Command.run("/usr/bin/git", ["-c", "user.name=Erratum Tests", "-c", "user.email=tests@erratum.invalid"] + arguments,
                                  in: folder, environment: environment)
        guard run.status == 0 else { throw HTTPClient.Failure(description: "git \(arguments.joined(separator: " ")): \(run.output)") }
    }

    static func write(_ text: String, to path: String) throws {
        try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
    }

    static func page(_ title: String, sourceCommit: String? = nil, example: String) -> String {
        var text = "---\ntitle: \(title)\nslug: Web/Guide\n"
        if let sourceCommit { text += "l10n:\n  sourceCommit: \(sourceCommit)\n" }
        return text + "---\n\nA guide.\n\n## Examples\n\n\(example)\n\nMore text.\n"
    }

    @Test("opening a page's English changes draws the diff with the changed words marked, unified and side by side")
    func expandDiff() throws {
        let folder = NSTemporaryDirectory() + "erratum-coverage-browser-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let english = folder + "/content", translated = folder + "/translated"
        let guide = english + "/files/en-us/web/guide/index.md"
        try Self.write(Self.page("Guide", example: "The server could not find the requested resource."), to: guide)
        try Self.git(["init", "-q", "-b", "main"], in: english, day: 1)
        try Self.git(["add", "-A"], in: english, day: 1)
        try Self.git(["commit", "-qm", "Add the guide"], in: english, day: 1)
        let first = try Command.run("/usr/bin/git", ["rev-parse", "HEAD"], in: english).output.trimmingCharacters(in: .whitespacesAndNewlines)
        try Self.write(Self.page("Guide", example: "The server cannot find the resource you asked for.\nA new line."), to: guide)
        try Self.git(["commit", "-qam", "Reword the example"], in: english, day: 2)
        try Self.write(Self.page("Guide", sourceCommit: first, example: "Le serveur n'a pas trouvé la ressource."),
                  to: translated + "/files/fr/web/guide/index.md")

        let report = folder + "/report/index.html"
        let run = try Command.run(ServeProcess.binary, ["coverage", "--content", english + "/files", "--content", translated + "/files",
                                                        "--format", "html", "--output", report], in: folder)
        #expect(run.status == 0, "\(run.output)")

        #expect(FileManager.default.fileExists(atPath: folder + "/report/index-changes/fr-0.js"), "the diffs beside the report")
        // The same report with the changes inside it, as written to a pipe.
        let inline = folder + "/inline.html"
        let survey = try CoverageReport.survey(contentRoots: [english + "/files", translated + "/files"], changes: .all)
        try Self.write(try survey.html(templates: TemplateLibrary(overrides: ErrorPagesBuild.repoRoot + "/templates"),
                                       links: .sourceFiles(reportFolder: folder)), to: inline)
        #expect(try String(contentsOfFile: inline, encoding: .utf8).contains("<script type=\"application/json\">"))

        let browser = try ChromiumBrowser.launch()
        defer { browser.close() }
        for file in [inline, report] {
            try Self.expand(file, in: browser, screenshot: file == report)
        }
    }

    /// Opens a report, expands its one page's changes and checks what is drawn.
    static func expand(_ file: String, in browser: ChromiumBrowser, screenshot: Bool) throws {
        let page = try browser.openPage(URL(fileURLWithPath: file), width: 1280, height: 900)
        defer { page.close() }
        #expect(try page.evaluate("document.querySelectorAll('details.changes').length", as: Int.self) == 1)
        #expect(try page.evaluate("document.querySelectorAll('table.diff').length", as: Int.self) == 0, "nothing drawn before it is opened")
        // The view chosen last is remembered (the other report, opened before, chose it).
        let remembered = try page.evaluate("localStorage.getItem('erratum-diff-view') || 'unified'", as: String.self)
        _ = try page.evaluate("document.querySelector('details.changes > summary').click()")
        try page.waitFor("document.querySelector('table.diff.\(remembered) mark') !== null")
        _ = try page.evaluate("document.querySelector('.diff-views button[data-view=unified]').click()")
        try page.waitFor("document.querySelector('table.diff.unified mark') !== null")
        let marked = try page.evaluate("Array.from(document.querySelectorAll('table.diff mark')).map(m => m.textContent).join('|')",
                                       as: String.self)
        #expect(marked == "could not| requested|cannot| you asked for", "\(marked)")
        let header = try page.evaluate("document.querySelector('table.diff tr.hunk th').textContent", as: String.self)
        #expect(header.hasSuffix("Examples → Examples (line 10 of fr/web/guide/index.md)"), "\(header)")
        let marks = try page.evaluate("""
            Array.from(document.querySelectorAll('table.diff mark')).map(m => getComputedStyle(m).backgroundColor).join(' ')
            """, as: String.self)
        #expect(!marks.contains("rgba(0, 0, 0, 0)"), "a marked word has a background: \(marks)")

        _ = try page.evaluate("document.querySelector('.diff-views button[data-view=split]').click()")
        try page.waitFor("document.querySelector('table.diff.split') !== null")
        let facing = try page.evaluate("""
            Array.from(document.querySelectorAll('table.diff.split tr.change')).map(r => r.querySelectorAll('mark').length).join(',')
            """, as: String.self)
        #expect(facing == "4,0", "the reworded line faces its new form (two marks a side), the new line faces nothing: \(facing)")
        #expect(page.consoleErrors.isEmpty, "\(page.consoleErrors)")
        // The report with a diff drawn, side by side, for axe-core too.
        let serious = try Axe.violations(in: page).filter(\.isSerious)
        #expect(serious.isEmpty, "\(serious)")
        guard screenshot else {
            // Closed, the changes' row hides; opened again, it shows, drawn once.
            _ = try page.evaluate("document.querySelector('details.changes > summary').click()")
            try page.waitFor("document.querySelector('tr.changes-row').hidden === true")
            _ = try page.evaluate("document.querySelector('details.changes > summary').click()")
            try page.waitFor("document.querySelector('tr.changes-row').hidden === false")
            #expect(try page.evaluate("document.querySelectorAll('tr.changes-row').length", as: Int.self) == 1)
            return
        }
        let folderForShots = SiteBrowserTests.screenshotFolder
        try FileManager.default.createDirectory(atPath: folderForShots, withIntermediateDirectories: true)
        let shot = folderForShots + "/coverage-diff-split.png"
        try page.screenshot(to: shot)
        #expect((FileManager.default.contents(atPath: shot)?.count ?? 0) > 10_000, "\(shot)")
    }
}
