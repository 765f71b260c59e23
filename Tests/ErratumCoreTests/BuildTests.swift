import Synchronization
import Foundation
import Testing
@testable import ErratumCommands
@testable import ErratumCore

@Suite("Building the built-in content")
struct BuildTests {
    func build(into output: String, content: [String] = [TestSupport.contentRoot],
               templates: String = TestSupport.templatesRoot) throws(DiagnosticError) -> BuildReport {
        try Builder(options: BuildOptions(contentRoots: content, templatesRoot: templates, outputPath: output)).build()
    }

    @Test("makes 3 pages, 3 bodies per code and language for every IANA error code, and the server configs")
    func products() throws {
        let folder = try TestSupport.temporaryFolder()
        defer { TestSupport.cleanUp(folder) }
        let report = try build(into: folder + "/Output")
        let codes = HTTPStatusRegistry.errors.map(\.code)
        #expect(codes.count == 39)
        #expect(report.documents == 3)
        #expect(report.pages == 3)
        #expect(report.errorBodies == codes.count * 3 * 3)
        #expect(report.warnings == 0)

        let files = TestSupport.snapshot(folder + "/Output")
        let expected = ["en-US", "fr", "de"].map { "docs/\($0)/docs/Web/HTTP/Reference/Status/507/index.html" }
            + ["en", "fr", "de"].flatMap { lang in
                codes.flatMap { code in ["html", "json", "problem.json"].map { "errors/\(lang)/\(code).\($0)" } }
            }
            + codes.map { "errors/\($0).var" }
            + ["en-US", "fr", "de"].flatMap { locale in
                ["docs/\(locale)/index.html", "docs/\(locale)/search/index.html", "docs/static/search-\(locale).js"]
                    + ["Web", "Web/HTTP", "Web/HTTP/Reference", "Web/HTTP/Reference/Status"].map { "docs/\(locale)/docs/\($0)/index.html" }
            }
            + ["docs/index.html", "docs/static/erratum.js",
               "docs/en-US/docs/Web/HTTP/Status/507/index.html", "docs/de/docs/Web/HTTP/Status/507/index.html"]
            + ["coverage.json", "coverage/index.html", "docs/static/erratum.css"]
        let configs = ["nginx/erratum-http.conf", "nginx/erratum-server.conf", "nginx/erratum-http-njs.conf", "nginx/erratum-negotiation.js",
                       "apache/erratum.conf", "caddy/erratum.caddy", "caddy/erratum-upstream.caddy", "haproxy/erratum.cfg", "haproxy/erratum.lua"]
        let haproxyCodes: [Int] = codes.filter(ServerConfigs.haproxyErrorfileCodes.contains)
        var errorfiles: [String] = []
        for lang in ["en", "fr", "de"] {
            for code in haproxyCodes {
                for suffix in ["html", "json", "problem.json"] { errorfiles.append("haproxy/\(lang)/\(code).\(suffix).http") }
            }
        }
        #expect(Set(files.keys) == Set(expected + configs + errorfiles))
        for (path, data) in files where path.hasSuffix(".html") {
            let html = String(decoding: data, as: UTF8.self)
            #expect(!html.contains("{{"), "\(path) still holds a macro")
            #expect(!html.contains("unsupported templ"), "\(path) has an unsupported macro")
        }
    }

    @Test("pages carry lang, a language switcher between the three, and relative links only")
    func sitePages() throws {
        let folder = try TestSupport.temporaryFolder()
        defer { TestSupport.cleanUp(folder) }
        _ = try build(into: folder + "/Output")
        let page = try String(contentsOfFile: folder + "/Output/docs/de/docs/Web/HTTP/Reference/Status/507/index.html", encoding: .utf8)
        #expect(page.contains(#"<html lang="de">"#))
        #expect(page.contains(#"<a href="../../../../../../../en-US/docs/Web/HTTP/Reference/Status/507/index.html" hreflang="en-US" lang="en-US">English</a>"#))
        #expect(page.contains(#"<a href="../../../../../../../fr/docs/Web/HTTP/Reference/Status/507/index.html" hreflang="fr" lang="fr">Français</a>"#))
        #expect(page.contains(#"<link rel="stylesheet" href="../../../../../../../static/erratum.css">"#))
        // Every href and src that is not external or a fragment must point at a file of the build.
        let pagePath = "docs/de/docs/Web/HTTP/Reference/Status/507/"
        for target in Self.attributeValues(in: page, names: ["href", "src"])
        where !target.hasPrefix("https://") && !target.hasPrefix("#") {
            #expect(!target.hasPrefix("/"), "absolute link \(target)")
            let resolved = URL(fileURLWithPath: folder + "/Output/" + pagePath + target).standardized.path
            #expect(FileManager.default.fileExists(atPath: resolved), "\(target) resolves to no file")
        }
    }

    static func attributeValues(in html: String, names: [String]) -> [String] {
        var values: [String] = []
        for name in names {
            var rest = html[...]
            while let range = rest.range(of: " \(name)=\"") {
                let after = rest[range.upperBound...]
                guard let end = after.firstIndex(of: "\"") else { break }
                values.append(String(after[..<end]))
                rest = after[end...]
            }
        }
        return values
    }

    @Test("the en-US page body matches its golden file")
    func englishGolden() throws {
        let catalog = try TestSupport.builtInCatalog()
        let document = try #require(catalog.document(.english, "Web/HTTP/Reference/Status/507"))
        let rendered = DocumentRenderer(catalog: catalog, strings: try TestSupport.builtInStrings(), style: .mdn).render(document)
        #expect(rendered.diagnostics.isEmpty)
        try TestSupport.expectGolden(rendered.html, "en-US-507.body.html")
    }

    @Test("the French seed's link to 'réponses_derreur_côté_serveur' names an id MDN's rule makes")
    func frenchAnchor() throws {
        let catalog = try TestSupport.builtInCatalog()
        let french = try #require(catalog.document(ContentLocale(tag: "fr"), "Web/HTTP/Reference/Status/507"))
        #expect(french.body.contains("#réponses_derreur_côté_serveur"))
        #expect(HeadingIDs.slug("Réponses d'erreur côté serveur") == "réponses_derreur_côté_serveur")
    }

    @Test("translations inherit page-type and spec-urls from English; old slugs redirect")
    func inheritanceAndRedirects() throws {
        let catalog = try TestSupport.builtInCatalog()
        let german = try #require(catalog.document(ContentLocale(tag: "de"), "web/http/reference/status/507"))
        #expect(german.frontMatter.pageType == "http-status-code")
        #expect(german.frontMatter.specURLs == ["https://www.rfc-editor.org/rfc/rfc4918#section-11.5"])
        #expect(german.frontMatter.title == "507 Unzureichender Speicher")
        guard case let .found(moved, fragment) = catalog.resolve("/de/docs/Web/HTTP/Status/507#beispiele") else {
            Issue.record("the old German slug does not redirect")
            return
        }
        #expect(moved.locale.tag == "de")
        #expect(fragment == "beispiele")
    }

    @Test("a translation's original_slug resolves links to where it was")
    func originalSlug() throws {
        let folder = try TestSupport.temporaryFolder()
        defer { TestSupport.cleanUp(folder) }
        try TestSupport.write([
            "fr/web/new/index.md": "---\ntitle: N\nslug: Web/New\noriginal_slug: Web/Old\n---\n",
        ], under: folder)
        let (content, diagnostics) = try ContentLoader(roots: [folder]).load()
        #expect(diagnostics.isEmpty)
        let catalog = Catalog(content)
        guard case let .found(document, _) = catalog.resolve("/fr/docs/Web/Old") else {
            Issue.record("the old slug does not resolve")
            return
        }
        #expect(document.slug == "Web/New")
    }

    @Test("JSON and problem+json bodies parse and hold the seeds' wording", arguments: [
        ("en", "Insufficient Storage", "The server is unable to store the included resource to complete the request."),
        ("fr", "Espace de stockage insuffisant", "Le serveur est incapable de stocker la ressource incluse pour compléter la requête."),
        ("de", "Unzureichender Speicher", "Der Server kann die enthaltene Ressource nicht speichern, um die Anfrage abzuschließen."),
    ])
    func jsonBodies(language: String, title: String, message: String) throws {
        let folder = try TestSupport.temporaryFolder(language)
        defer { TestSupport.cleanUp(folder) }
        _ = try build(into: folder + "/Output")
        let errors = folder + "/Output/errors/\(language)/"
        let json = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: errors + "507.json"))) as? [String: Any])
        #expect(json["status"] as? Int == 507)
        #expect(json["error"] as? String == title)
        #expect(json["message"] as? String == message)
        #expect(json.count == 3)
        let problem = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: errors + "507.problem.json"))) as? [String: Any])
        #expect(problem["type"] as? String == "about:blank")
        #expect(problem["title"] as? String == title)
        #expect(problem["status"] as? Int == 507)
        #expect(problem["detail"] as? String == message)
        let html = try String(contentsOfFile: errors + "507.html", encoding: .utf8)
        #expect(html.contains("<html lang=\"\(language)\">"))
        #expect(html.contains("<h1>\(title)</h1>"))
        #expect(!html.contains("<script"))
        #expect(!html.contains("http://") && !html.contains("src="))
    }

    @Test("two builds of the same input are byte-identical, with a cache or without, and count the same files")
    func deterministic() throws {
        let folder = try TestSupport.temporaryFolder()
        defer { TestSupport.cleanUp(folder) }
        let cached = try build(into: folder + "/A")
        var options = BuildOptions(contentRoots: [TestSupport.contentRoot], templatesRoot: TestSupport.templatesRoot,
                                   outputPath: folder + "/B")
        options.cache = false
        let uncached = try Builder(options: options).build()
        let cachedCounts: [Int] = [cached.pages, cached.errorBodies, cached.serverConfigs, cached.files]
        let uncachedCounts: [Int] = [uncached.pages, uncached.errorBodies, uncached.serverConfigs, uncached.files]
        #expect(cachedCounts == uncachedCounts)
        #expect(uncached.errorBodies > 0 && uncached.files > uncached.pages + uncached.errorBodies)
        let first = TestSupport.snapshot(folder + "/A")
        let second = TestSupport.snapshot(folder + "/B")
        #expect(first.keys.sorted() == second.keys.sorted())
        // The server configs name the absolute errors folder, which differs between A and B.
        for (path, data) in first {
            let a = String(decoding: data, as: UTF8.self).replacingOccurrences(of: folder + "/A", with: "X")
            let b = String(decoding: second[path] ?? Data(), as: UTF8.self).replacingOccurrences(of: folder + "/B", with: "X")
            #expect(a == b, "\(path) differs between builds")
        }
    }
}

@Suite("A failed build leaves the previous output untouched")
struct FailedBuildTests {
    /// Copies the built-in content to a folder where a test may break it.
    func contentCopy(in folder: String) throws -> String {
        let copy = folder + "/content"
        try FileManager.default.copyItem(atPath: TestSupport.contentRoot, toPath: copy)
        return copy
    }

    func expectUntouched(_ output: String, _ before: [String: Data], sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(TestSupport.snapshot(output) == before, "the previous output changed", sourceLocation: sourceLocation)
        let parent = (output as NSString).deletingLastPathComponent
        let leftovers = ((try? FileManager.default.contentsOfDirectory(atPath: parent)) ?? []).filter { $0.contains(".staging-") }
        #expect(leftovers.isEmpty, "staging folders left: \(leftovers)", sourceLocation: sourceLocation)
    }

    @Test("bad front matter: errors with positions, output unchanged")
    func badFrontMatter() throws {
        let folder = try TestSupport.temporaryFolder()
        defer { TestSupport.cleanUp(folder) }
        let content = try contentCopy(in: folder)
        let output = folder + "/Output"
        _ = try Builder(options: BuildOptions(contentRoots: [content], templatesRoot: TestSupport.templatesRoot, outputPath: output)).build()
        let before = TestSupport.snapshot(output)
        #expect(before.count > 300)

        let broken = content + "/fr/web/http/reference/status/507/index.md"
        try Data("---\ntitle: [oops\nslug: x\n---\nBody\n".utf8).write(to: URL(fileURLWithPath: broken))
        #expect {
            try Builder(options: BuildOptions(contentRoots: [content], templatesRoot: TestSupport.templatesRoot, outputPath: output)).build()
        } throws: { error in
            guard let error = error as? DiagnosticError, let first = error.diagnostics.first else { return false }
            return first.code == .frontMatter && first.location?.file == broken && first.location?.line == 3
        }
        expectUntouched(output, before)
    }

    @Test("a missing template fails before anything is written")
    func missingTemplate() throws {
        let folder = try TestSupport.temporaryFolder()
        defer { TestSupport.cleanUp(folder) }
        let templates = folder + "/templates"
        try FileManager.default.copyItem(atPath: TestSupport.templatesRoot, toPath: templates)
        let output = folder + "/Output"
        var options = BuildOptions(contentRoots: [TestSupport.contentRoot], templatesRoot: templates, outputPath: output)
        options.builtInTemplates = false
        _ = try Builder(options: options).build()
        let before = TestSupport.snapshot(output)
        try FileManager.default.removeItem(atPath: templates + "/errors/problem.mustache")
        let error = #expect(throws: DiagnosticError.self) { try Builder(options: options).build() }
        #expect(error?.diagnostics.first?.message.contains("errors/problem.mustache") == true)
        expectUntouched(output, before)
    }

    @Test("a template that does not parse is reported at its own line, HTML and JSON alike",
          arguments: [("site/page.html.mustache", "page.html"), ("errors/json.mustache", "json")])
    func templateParseErrorPosition(file: String, name: String) throws {
        let folder = try TestSupport.temporaryFolder()
        defer { TestSupport.cleanUp(folder) }
        let templates = folder + "/templates"
        try FileManager.default.copyItem(atPath: TestSupport.templatesRoot, toPath: templates)
        // Line 3 closes a section that never opened: the parser stops there, not at the prefix
        // the library puts before HTML templates.
        try Data("first line\nsecond line\n{{/close}}\nfourth line\n".utf8).write(to: URL(fileURLWithPath: templates + "/" + file))
        let error = #expect(throws: DiagnosticError.self) { try TemplateLibrary(overrides: templates) }
        let diagnostic = try #require(error?.diagnostics.first)
        #expect(diagnostic.code == .template)
        #expect(diagnostic.location?.file == templates + "/" + file)
        #expect(diagnostic.location?.line == 3, "\(name): reported at \(String(describing: diagnostic.location))")
    }

    @Test("HTML templates escape the five characters Mustache escapes; unescaped values pass as they are")
    func templateEscaping() throws {
        let folder = try TestSupport.temporaryFolder()
        defer { TestSupport.cleanUp(folder) }
        try FileManager.default.createDirectory(atPath: folder + "/t", withIntermediateDirectories: true)
        let text = "{{value}}|{{{value}}}\n"
        try Data(text.utf8).write(to: URL(fileURLWithPath: folder + "/t/a.html.mustache"))
        try Data(text.utf8).write(to: URL(fileURLWithPath: folder + "/t/a.txt.mustache"))
        let library = try TemplateLibrary(files: TemplateFiles(overrides: folder + "/t", builtIn: false))
        let value = "<a href=\"x\">Tom & Jerry's — café</a>"
        let escaped = "&lt;a href=&quot;x&quot;&gt;Tom &amp; Jerry&#39;s — café&lt;/a&gt;"
        // The HTML template, given Erratum's escaper, and the other, left with Mustache's, agree.
        #expect(try library.render("a.html", ["value": value]) == "\(escaped)|\(value)\n")
        #expect(try library.render("a.txt", ["value": value]) == "\(escaped)|\(value)\n")
        #expect(try library.render("a.html", ["value": "plain — text"]) == "plain — text|plain — text\n")
    }

    @Test("a write that fails half-way leaves the previous output and no staging folder")
    func failedWrite() throws {
        let folder = try TestSupport.temporaryFolder()
        defer { TestSupport.cleanUp(folder) }
        let output = folder + "/Output"
        let writer = OutputWriter(destination: output)
        try writer.write([OutputFile(path: "a/old.txt", text: "old")])
        let before = TestSupport.snapshot(output)
        // "x" is written as a file, so the folder "x/" that "x/y" needs cannot be made.
        #expect {
            try writer.write([OutputFile(path: "a/new.txt", text: "new"), OutputFile(path: "x", text: "file"),
                              OutputFile(path: "x/y", text: "under a file")])
        } throws: { error in
            (error as? DiagnosticError)?.diagnostics.first?.code == .outputIO
        }
        expectUntouched(output, before)
    }

    @Test("an output folder that cannot be created is an output-io error")
    func unwritableOutput() throws {
        let folder = try TestSupport.temporaryFolder()
        defer { TestSupport.cleanUp(folder) }
        try Data("not a folder".utf8).write(to: URL(fileURLWithPath: folder + "/blocker"))
        #expect {
            try Builder(options: BuildOptions(contentRoots: [TestSupport.contentRoot], templatesRoot: TestSupport.templatesRoot,
                                              outputPath: folder + "/blocker/Output")).build()
        } throws: { error in
            (error as? DiagnosticError)?.diagnostics.contains { $0.code == .outputIO } == true
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder) == ["blocker"])
    }

    @Test("output paths: every component named, none '.' or '..', no NUL; dots elsewhere are names")
    func pathValidation() {
        for bad in ["", "/", "a/", "./a", "a/./b", "..", "a/..", "a\u{0}b", "//a"] {
            #expect(throws: DiagnosticError.self, "\(bad.debugDescription)") { try OutputWriter.validate(bad) }
        }
        for good in ["a", "a/b.html", ".well-known/x", "a/.../b", "a/..b/c", "docs/de/docs/Web/CSS/:hover/index.html"] {
            #expect(throws: Never.self, "\(good.debugDescription)") { try OutputWriter.validate(good) }
        }
    }

    @Test("paths that would leave the output folder are refused", arguments: ["../escape", "/etc/passwd", "a/../../b", "a//b"])
    func pathEscape(path: String) throws {
        let folder = try TestSupport.temporaryFolder()
        defer { TestSupport.cleanUp(folder) }
        #expect(throws: DiagnosticError.self) {
            try OutputWriter(destination: folder + "/Output").write([OutputFile(path: path, text: "x")])
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder).isEmpty)
    }

    @Test("a staging folder left by a killed build is removed by the next build")
    func abandonedStaging() throws {
        let folder = try TestSupport.temporaryFolder()
        defer { TestSupport.cleanUp(folder) }
        // A pid far above pid_max cannot be alive.
        let stale = folder + "/.Output.staging-99999999-1"
        try FileManager.default.createDirectory(atPath: stale + "/docs", withIntermediateDirectories: true)
        try OutputWriter(destination: folder + "/Output").write([OutputFile(path: "f", text: "x")])
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder).sorted() == ["Output"])
    }
}

@Suite("The command line")
struct CommandLineTests {
    @Test("erratum build exits 1 on errors and leaves the output")
    func failingBuildExitCode() throws {
        let folder = try TestSupport.temporaryFolder()
        defer { TestSupport.cleanUp(folder) }
        try TestSupport.write(["fr/web/x/index.md": "no front matter\n"], under: folder + "/content")
        var command = try ErratumCommand.parseAsRoot([
            "build", "--content", folder + "/content", "--templates", TestSupport.templatesRoot, "--output", folder + "/Output",
        ])
        #expect {
            try command.run()
        } throws: { error in
            ErratumCommand.exitCode(for: error).rawValue == 1
        }
        #expect(!FileManager.default.fileExists(atPath: folder + "/Output"))
    }

    @Test("--codes accepts codes and classes, and rejects the rest")
    func codesOption() throws {
        let command = try #require(try ErratumCommand.parseAsRoot(["build", "--codes", "404,5xx"]) as? BuildCommand)
        let codes = try command.parseCodes("404,5xx")
        #expect(codes.first == 404)
        #expect(codes.contains(507) && codes.contains(511) && !codes.contains(403))
        #expect(throws: (any Error).self) { try ErratumCommand.parseAsRoot(["build", "--codes", "200"]) }
    }

    @Test("the summary line names documents, pages, bodies, warnings and time")
    func summaryLine() {
        var report = BuildReport(documents: 3, locales: 3, pages: 3, errorBodies: 9, serverConfigs: 4, files: 18,
                                 diagnostics: [], seconds: 0.123, rendered: 3)
        #expect(BuildSummary.line(report, output: "Output")
            == "built 3 documents in 3 locales: 3 pages, 9 error bodies, 4 server config files, 18 files in Output/; 0 warnings; 0.12 s")
        report.rendered = 1
        #expect(BuildSummary.line(report, output: "Output")
            == "built 3 documents in 3 locales: 3 pages (1 rendered, 2 unchanged), 9 error bodies, 4 server config files, 18 files in Output/; 0 warnings; 0.12 s")
    }

    @Test("each phase reports its time and the process's memory: resident, and a peak that never falls")
    func phaseMemory() throws {
        let folder = try TestSupport.temporaryFolder()
        defer { TestSupport.cleanUp(folder) }
        let report = try Builder(options: BuildOptions(contentRoots: [TestSupport.contentRoot], templatesRoot: TestSupport.templatesRoot, outputPath: folder + "/Output")).build()
        #expect(report.phases.map(\.name).starts(with: ["load", "catalog", "pages", "site"]))
        var lastPeak = 0
        for phase in report.phases {
            let resident = try #require(phase.residentBytes, "\(phase.name)")
            let peak = try #require(phase.peakResidentBytes, "\(phase.name)")
            #expect(resident > 1 << 20 && peak >= resident && peak >= lastPeak, "\(phase.name): \(resident) of \(peak)")
            lastPeak = peak
        }
    }

    @Test("--codes and --languages choose what is built")
    func chosenCodesAndLanguages() throws {
        let folder = try TestSupport.temporaryFolder()
        defer { TestSupport.cleanUp(folder) }
        var command = try ErratumCommand.parseAsRoot([
            "build", "--content", TestSupport.contentRoot, "--templates", TestSupport.templatesRoot,
            "--output", folder + "/Output", "--codes", "404,507", "--languages", "fr,en", "--quiet",
        ])
        try command.run()
        let files = TestSupport.snapshot(folder + "/Output").keys.filter { $0.hasPrefix("errors/") }.sorted()
        #expect(files == ["errors/404.var", "errors/507.var"]
            + ["en", "fr"].flatMap { lang in [404, 507].flatMap { code in
                ["html", "json", "problem.json"].map { "errors/\(lang)/\(code).\($0)" } } }.sorted())
        let apache = try String(contentsOfFile: folder + "/Output/apache/erratum.conf", encoding: .utf8)
        #expect(apache.contains("LanguagePriority fr en"))
    }
}

@Suite("Build progress")
struct ProgressTests {
    @Test("a terminal sees the count once the build is a second old, then a cleared line; a pipe sees nothing")
    func meter() {
        let written = Mutex<[String]>([])
        let record: @Sendable (String) -> Void = { text in written.withLock { $0.append(text) } }
        let young = ProgressMeter(isTerminal: true, write: record)
        young.update(rendered: 1, of: 10)
        young.finish()
        #expect(written.withLock { $0 }.isEmpty, "nothing in the first second")

        let old = ProgressMeter(isTerminal: true, started: .now - .seconds(2), write: record)
        old.update(rendered: 5, of: 10)
        old.update(rendered: 6, of: 10)  // within 100 ms of the last: skipped
        old.update(rendered: 10, of: 10) // the last count always shows
        old.finish()
        #expect(written.withLock { $0 } == ["\rrendered 5 of 10 documents", "\rrendered 10 of 10 documents", "\r\u{1B}[K"])

        written.withLock { $0 = [] }
        let pipe = ProgressMeter(isTerminal: false, started: .now - .seconds(2), write: record)
        pipe.update(rendered: 5, of: 10)
        pipe.finish()
        #expect(written.withLock { $0 }.isEmpty)
    }

    @Test("the builder reports every document rendered")
    func counts() throws {
        let folder = try TestSupport.temporaryFolder()
        defer { TestSupport.cleanUp(folder) }
        let seen = Mutex<[Int]>([])
        var options = BuildOptions(contentRoots: [TestSupport.contentRoot], templatesRoot: TestSupport.templatesRoot,
                                   outputPath: folder + "/Output")
        options.progress = { rendered, total in seen.withLock { $0.append(rendered * 100 + total) } }
        _ = try Builder(options: options).build()
        #expect(seen.withLock { $0.max() } == 303, "3 of 3 at the end")
    }
}

@Suite("Build helpers")
struct BuildHelperTests {
    @Test("a background value is made once, on another thread, and every reader gets it")
    func background() {
        let caller = pthread_self()
        let runs = Atomic<Int>(0)
        let value = Background { () -> Bool in
            runs.add(1, ordering: .relaxed)
            Thread.sleep(forTimeInterval: 0.05)
            return pthread_equal(pthread_self(), caller) == 0
        }
        let readers = Mutex<[Bool]>([])
        DispatchQueue.concurrentPerform(iterations: 3) { _ in
            let read = value.value
            readers.withLock { $0.append(read) }
        }
        #expect(readers.withLock { $0 } == [true, true, true], "made on a thread of its own, read by all three")
        #expect(value.value)
        #expect(runs.load(ordering: .relaxed) == 1)
    }

    @Test("a message table makes each message once and shares it")
    func messageTable() {
        let made = Atomic<Int>(0)
        let table = MessageTable { word in
            made.add(1, ordering: .relaxed)
            return "unknown macro '\(word)'"
        }
        #expect(table.message(for: "APIRef") == "unknown macro 'APIRef'")
        #expect(table.message(for: "APIRef") == "unknown macro 'APIRef'")
        #expect(table.message(for: "SVGAttr") == "unknown macro 'SVGAttr'")
        #expect(made.load(ordering: .relaxed) == 2)
    }
}
