import Synchronization
import Foundation
import Testing
@testable import ErratumCommands
@testable import ErratumCore

/// The report's three forms, `erratum coverage` and the build's coverage files.
@Suite("Coverage reports: text, JSON, HTML")
struct CoverageOutputTests {
    @Test("the text table fits 100 columns and names the pages in priority order")
    func text() throws {
        let folder = try TestSupport.temporaryFolder()
        defer { TestSupport.cleanUp(folder) }
        let setup = try CoverageGitTests.setUp(folder)
        let text = CoverageText.render(setup.report, limit: 0)
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        for line in lines {
            #expect(line.count <= CoverageText.width, "too wide: \(line)")
        }
        #expect(lines.contains("fr                        7     6  85.7%     2  28.6%        2       2       1        1        2"))
        #expect(lines.contains("  Glossary                1     1 100.0%     1 100.0%        0       0       0        0        0"))
        #expect(lines.contains("fr: 5 of 6 translations to update"))
        #expect(lines.contains("     1 Web/Zeta                       partial 1/3 sections; no sourceCommit      ?     ?"))
        #expect(lines.contains("     3 Web/Beta                       3 commits behind                           3     6 2024-01-06"))
        #expect(lines.contains("    Web/Delta"))
        let limited = CoverageText.render(setup.report, limit: 2)
        #expect(limited.contains("fr: 5 of 6 translations to update (first 2; --limit 0 shows all)"))
    }

    @Test("the JSON follows coverage.schema.json, version 3, with each outdated page's English changes")
    func json() throws {
        let folder = try TestSupport.temporaryFolder()
        defer { TestSupport.cleanUp(folder) }
        let setup = try CoverageGitTests.setUp(folder)
        let templates = try TemplateLibrary(overrides: TestSupport.templatesRoot)
        let text = try setup.report.json(templates: templates, links: .sourceFiles(reportFolder: folder))
        let value = try JSONSerialization.jsonObject(with: Data(text.utf8))
        let schemaData = try #require(FileManager.default.contents(atPath: TestSupport.templatesRoot + "/coverage/coverage.schema.json"))
        let schema = try #require(try JSONSerialization.jsonObject(with: schemaData) as? [String: Any])
        let problems = SchemaChecker(root: schema).problems(value, against: schema)
        #expect(problems.isEmpty, "\(problems.prefix(10))")

        let object = try #require(value as? [String: Any])
        #expect(object["version"] as? Int == 3)
        let locales = try #require(object["locales"] as? [[String: Any]])
        let fr = try #require(locales.first { $0["locale"] as? String == "fr" })
        let pages = try #require(fr["pages"] as? [[String: Any]])
        let beta = try #require(pages.first { $0["slug"] as? String == "Web/Beta" })
        #expect(beta["commitsBehind"] as? Int == 3)
        #expect(beta["linesChanged"] as? Int == 6)
        #expect(beta["newestChange"] as? String == "2024-01-06T00:00:00+00:00")
        #expect((beta["commits"] as? [[String: Any]])?.map { $0["commit"] as? String } == [setup.c[4], setup.c[2], setup.c[1]])
        #expect(beta["sourceHref"] as? String == "./content/files/en-us/web/beta/index.md")
        // Translated before the move: the English text then was at the old path.
        let changes = try #require(beta["changes"] as? [String: Any])
        #expect(changes["from"] as? String == setup.c[0] && changes["to"] as? String == setup.c[4])
        #expect(changes["fromPath"] as? String == "files/en-us/web/old-beta/index.md" && changes["path"] as? String == "files/en-us/web/beta/index.md")
        #expect(changes["translationFile"] as? String == "fr/web/beta/index.md")
        let hunks = try #require(changes["hunks"] as? [[String: Any]])
        let lines = hunks.flatMap { ($0["lines"] as? [[String: Any]]) ?? [] }
        let changed = lines.filter { $0["kind"] as? String != "context" }.map { "\($0["kind"] ?? "") \($0["text"] ?? "")" }
        #expect(changed == ["removed slug: Web/Old-Beta", "added slug: Web/Beta", "added Second line.", "added A", "added B", "added C"])
        #expect((hunks.first?["section"] as? [String: Any])?["english"] as? String == "front matter")
        #expect(beta["changesUnavailable"] is NSNull)
        let eta = try #require(pages.first { $0["slug"] as? String == "Web/Eta" })
        #expect(eta["changes"] is NSNull && (eta["changesUnavailable"] as? String)?.contains("is not a commit") == true)
        let zeta = try #require(pages.first { $0["slug"] as? String == "Web/Zeta" })
        #expect(zeta["commitsBehind"] is NSNull)
        #expect(zeta["unknownReason"] as? String == "no-source-commit")
        let totals = try #require(fr["totals"] as? [String: Any])
        #expect(totals["percentTranslated"] as? Double == 85.7)

        // Two runs on the same repositories are byte-identical.
        #expect(try setup.report.json(templates: templates, links: .sourceFiles(reportFolder: folder)) == text)
    }

    @Test("the HTML page is self-contained, has a bar per locale and section, and links both files of each page")
    func html() throws {
        let folder = try TestSupport.temporaryFolder()
        defer { TestSupport.cleanUp(folder) }
        let setup = try CoverageGitTests.setUp(folder)
        let output = folder + "/report/coverage.html"
        try CoverageCommand.parse(["--content", setup.english + "/files", "--content", setup.translated + "/files",
                                   "--templates", TestSupport.templatesRoot, "--format", "html", "--output", output]).run()
        let html = try String(contentsOfFile: output, encoding: .utf8)
        for external in ["<link", " src=", "@import", "url(", "http://", "https://"] {
            #expect(!html.contains(external), "the report must need no network: found \(external)")
        }
        #expect(html.contains("prefers-color-scheme: dark"))
        #expect(html.components(separatedBy: "class=\"bar big\"").count - 1 == 2, "one bar per locale")
        #expect(html.components(separatedBy: "<div class=\"bar\" ").count - 1 == 4, "one bar per section: de and fr have 2 each")
        #expect(html.contains(#"<span class="ok" style="width: 28.57%" title="2 up to date"></span>"#))
        // fr's pages to update, pre-sorted by priority: Zeta before Eta before Beta.
        let french = try #require(html.range(of: #"<section id="locale-fr">"#))
        let zeta = try #require(html.range(of: ">Web/Zeta</a>", range: french.upperBound..<html.endIndex))
        let eta = try #require(html.range(of: ">Web/Eta</a>", range: french.upperBound..<html.endIndex))
        let beta = try #require(html.range(of: ">Web/Beta</a>", range: french.upperBound..<html.endIndex))
        #expect(zeta.lowerBound < eta.lowerBound && eta.lowerBound < beta.lowerBound)
        // Every link is relative and lands on a file.
        let links = BuildTests.attributeValues(in: html, names: ["href"]).filter { !$0.hasPrefix("#") }
        #expect(links.count > 10)
        for href in links {
            let path = URL(fileURLWithPath: folder + "/report/" + (href.removingPercentEncoding ?? href)).standardized.path
            #expect(FileManager.default.fileExists(atPath: path), "\(href) leads to no file")
        }
    }

    @Test("erratum build writes coverage/index.html and coverage.json, linking the offline site's pages")
    func build() throws {
        let folder = try TestSupport.temporaryFolder()
        defer { TestSupport.cleanUp(folder) }
        let output = folder + "/Output"
        _ = try Builder(options: BuildOptions(contentRoots: [TestSupport.contentRoot], templatesRoot: TestSupport.templatesRoot,
                                              outputPath: output, codes: [507])).build()
        let html = try String(contentsOfFile: output + "/coverage/index.html", encoding: .utf8)
        let links = BuildTests.attributeValues(in: html, names: ["href"]).filter { !$0.hasPrefix("#") }
        #expect(links.contains("../docs/fr/docs/Web/HTTP/Reference/Status/507/index.html"))
        for href in links {
            let path = URL(fileURLWithPath: output + "/coverage/" + href).standardized.path
            #expect(FileManager.default.fileExists(atPath: path), "\(href) leads to no file")
        }
        let json = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: output + "/coverage.json"))) as? [String: Any])
        #expect(json["version"] as? Int == 3)
        let hrefs = ((json["locales"] as? [[String: Any]]) ?? []).flatMap { ($0["pages"] as? [[String: Any]]) ?? [] }
            .compactMap { $0["translationHref"] as? String }
        #expect(hrefs.contains("./docs/fr/docs/Web/HTTP/Reference/Status/507/index.html"))
        for href in hrefs {
            #expect(FileManager.default.fileExists(atPath: URL(fileURLWithPath: output + "/" + href).standardized.path))
        }
    }
}

@Suite("Where --output writes")
struct ReportFileTests {
    @Test("a FIFO (like /dev/null, a device) is written through, never replaced; a regular file is replaced whole")
    func specialFiles() throws {
        let folder = try TestSupport.temporaryFolder()
        defer { TestSupport.cleanUp(folder) }
        let fifo = folder + "/pipe"
        #expect(mkfifo(fifo, 0o600) == 0)
        // A reader on the other end, as a shell redirection would have.
        let received = Mutex<Data>(Data())
        let reader = Thread {
            if let handle = FileHandle(forReadingAtPath: fifo) {
                let data = handle.readDataToEndOfFile()
                received.withLock { $0 = data }
            }
        }
        reader.start()
        try ReportFile.write(Data("report\n".utf8), to: fifo)
        var status = stat()
        #expect(lstat(fifo, &status) == 0 && status.st_mode & S_IFMT == S_IFIFO, "the FIFO is still a FIFO")
        for _ in 0..<200 where received.withLock({ $0.isEmpty }) { usleep(10_000) }
        #expect(received.withLock { $0 } == Data("report\n".utf8))

        let file = folder + "/deep/report.txt"
        try ReportFile.write(Data("one".utf8), to: file)
        try ReportFile.write(Data("two".utf8), to: file)
        #expect(FileManager.default.contents(atPath: file) == Data("two".utf8))
    }
}
