import Foundation
import Testing
@testable import ErratumCommands
@testable import ErratumCore

/// Files that are not what they claim: odd encodings and line ends, slugs and redirects that
/// point outside the output, YAML built to explode, macro calls never closed. Each gets a
/// diagnostic at its file, line and column; none writes outside the output folder, and a
/// failed build keeps the previous output.
@Suite("Hostile docs: encodings, slugs, YAML and unclosed macros")
struct HostileInputTests {
    static let file = "content/en-us/web/hostile/index.md"

    /// A temporary root with a good build in `Output/`, and the content it came from.
    struct Site {
        let root: String
        var content: String { root + "/content" }
        var output: String { root + "/Output" }
        let before: [String: Data]

        init(_ name: String = #function) throws {
            root = try TestSupport.temporaryFolder(name)
            try TestSupport.write(["en-us/web/good/index.md": "---\ntitle: Good\nslug: Web/Good\n---\n\nFine.\n"], under: root + "/content")
            _ = try Builder(options: BuildOptions(contentRoots: [root + "/content"], templatesRoot: TestSupport.templatesRoot,
                                                  outputPath: root + "/Output")).build()
            before = TestSupport.snapshot(root + "/Output")
        }

        /// Writes the hostile file as bytes, beside the good one.
        func add(_ bytes: [UInt8], at relative: String = HostileInputTests.file) throws {
            let path = root + "/" + relative
            try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try Data(bytes).write(to: URL(fileURLWithPath: path))
        }

        func build() throws(DiagnosticError) -> BuildReport {
            try Builder(options: BuildOptions(contentRoots: [content], templatesRoot: TestSupport.templatesRoot, outputPath: output)).build()
        }

        /// The build's diagnostics as `line:column severity code`, relative to the root.
        func failedBuild(sourceLocation: SourceLocation = #_sourceLocation) -> [String] {
            do {
                _ = try build()
                Issue.record("the build succeeded", sourceLocation: sourceLocation)
                return []
            } catch {
                return error.diagnostics.map(Self.short)
            }
        }

        static func short(_ diagnostic: Diagnostic) -> String {
            let location = diagnostic.location.map { "\(($0.file as NSString).lastPathComponent):\($0.line):\($0.column) " } ?? ""
            return "\(location)\(diagnostic.severity) \(diagnostic.code)"
        }

        /// The previous output is byte for byte as it was, and nothing else appeared in the root.
        func expectUntouched(sourceLocation: SourceLocation = #_sourceLocation) {
            #expect(TestSupport.snapshot(output) == before, "the previous output changed", sourceLocation: sourceLocation)
            #expect((try? TestSupport.entries(root).sorted()) == ["Output", "content"],
                    sourceLocation: sourceLocation)
        }
    }

    static func document(_ body: String, slug: String = "Web/Hostile", lineEnd: String = "\n") -> [UInt8] {
        Array("---\ntitle: Hostile\nslug: \(slug)\n---\n\n\(body)\n".replacingOccurrences(of: "\n", with: lineEnd).utf8)
    }

    @Test("a byte-order mark is dropped silently, and columns after it are right")
    func byteOrderMark() throws {
        let site = try Site()
        defer { TestSupport.cleanUp(site.root) }
        try site.add([0xEF, 0xBB, 0xBF] + Self.document("Text {{NoSuchMacro}} <b onclick=\"x()\">b</b>"))
        let report = try site.build()
        #expect(report.diagnostics.map(Site.short) == ["index.md:6:6 warning unknown-macro", "index.md:6:25 warning unsafe-html"])
        let html = try String(contentsOfFile: site.output + "/docs/en-US/docs/Web/Hostile/index.html", encoding: .utf8)
        #expect(!html.contains("\u{FEFF}"))
        #expect(report.documents == 2)
    }

    @Test("CRLF and lone CR line ends are read as line ends, with positions unchanged", arguments: ["\r\n", "\r"])
    func lineEnds(lineEnd: String) throws {
        let site = try Site(lineEnd == "\r" ? "lineEndsCR" : "lineEndsCRLF")
        defer { TestSupport.cleanUp(site.root) }
        try site.add(Array("---\ntitle: [oops\nslug: x\n---\n".replacingOccurrences(of: "\n", with: lineEnd).utf8),
                     at: "content/fr/web/broken/index.md")
        #expect(site.failedBuild() == ["index.md:3:5 error front-matter"])
        site.expectUntouched()
        try FileManager.default.removeItem(atPath: site.content + "/fr")
        try site.add(Self.document("First line.\n\nThird {{NoSuchMacro}} and <b onclick=\"x()\">b</b>\n\n```\ncode\n```", lineEnd: lineEnd))
        let report = try site.build()
        #expect(report.diagnostics.map(Site.short) == ["index.md:8:7 warning unknown-macro", "index.md:8:30 warning unsafe-html"])
        let html = try String(contentsOfFile: site.output + "/docs/en-US/docs/Web/Hostile/index.html", encoding: .utf8)
        #expect(!html.contains("\r"))
    }

    @Test("invalid UTF-8 is an error at the line and column of the first bad byte; the build keeps the old output")
    func invalidUTF8() throws {
        let site = try Site()
        defer { TestSupport.cleanUp(site.root) }
        for (bytes, column) in [([0xC3, 0x28], 9), ([0xFF], 9), ([0xED, 0xA0, 0x80], 9), ([0xF0, 0x9F, 0x98], 9)] as [([UInt8], Int)] {
            try site.add(Self.document("Text café\nText caf").dropLast() + bytes + Array(" and more\n".utf8))
            #expect(site.failedBuild() == ["index.md:7:\(column) error source-io"])
            site.expectUntouched()
        }
    }

    @Test("erratum build prints the position of a bad byte and exits 1")
    func invalidUTF8CommandLine() throws {
        let site = try Site()
        defer { TestSupport.cleanUp(site.root) }
        try site.add(Self.document("ok\n\u{1}é").dropLast() + [0xFE])
        // A folder of its own for the run's output file: test cases run side by side.
        let runFolder = try TestSupport.temporaryFolder()
        defer { TestSupport.cleanUp(runFolder) }
        let run = try ErratumRun.run(["build", "--content", site.content, "--templates", TestSupport.templatesRoot, "--output", site.output],
                                     in: runFolder, timeLimit: .seconds(120))
        #expect(run.status == 1)
        #expect(run.diagnosticLines == ["\(site.root)/\(Self.file):7:3: error: file is not valid UTF-8 [source-io]"])
        site.expectUntouched()
    }

    @Test("a slug that would leave the locale's folder is an error at its value; nothing is written anywhere", arguments: [
        "../../../../../escape", "Web/../../../../../../escape", "Web/./Hostile", "Web//Hostile", "\"Web/\\0x\"", "\"Web/\\nx\"",
    ])
    func slugs(slug: String) throws {
        let site = try Site("slug" + String(slug.hashValue, radix: 36))
        defer { TestSupport.cleanUp(site.root) }
        try site.add(Self.document("Body.", slug: slug))
        #expect(site.failedBuild() == ["index.md:3:7 error invalid-slug"])
        site.expectUntouched()
    }

    @Test("slugs MDN really has, with dots and colons, build where they belong")
    func realSlugs() throws {
        let site = try Site()
        defer { TestSupport.cleanUp(site.root) }
        try site.add(Self.document("Body.", slug: "Web/JavaScript/Reference/Statements/for...of"),
                     at: "content/en-us/web/javascript/reference/statements/for...of/index.md")
        try site.add(Self.document("Body.", slug: "/Web/CSS/:hover/"), at: "content/en-us/web/css/_colon_hover/index.md")
        let report = try site.build()
        #expect(report.diagnostics.isEmpty, "\(report.diagnostics)")
        #expect(FileManager.default.fileExists(atPath: site.output + "/docs/en-US/docs/Web/JavaScript/Reference/Statements/for...of/index.html"))
        #expect(FileManager.default.fileExists(atPath: site.output + "/docs/en-US/docs/Web/CSS/:hover/index.html"))
    }

    @Test("a redirect whose source has '..' is an error at its line, and no stub is written for it")
    func redirectEscape() throws {
        let site = try Site()
        defer { TestSupport.cleanUp(site.root) }
        try site.add(Array("# moved\n/en-US/docs/Web/Old\t/en-US/docs/Web/Good\n/en-US/docs/../../../../../escape\t/en-US/docs/Web/Good\n".utf8),
                     at: "content/en-us/_redirects.txt")
        #expect(site.failedBuild() == ["_redirects.txt:3:1 error redirects"])
        site.expectUntouched()
    }

    @Test("an output folder named by one character is written beside itself, not a crash", arguments: [
        ("o", ".", ".o.staging-"), ("a/o", "a", ".o.staging-"), ("/o", "/", ".o.staging-"), ("Output/", ".", ".Output.staging-"),
    ])
    func shortOutputPath(path: String, parent: String, staging: String) {
        // Foundation's deletingLastPathComponent trapped on "o": `erratum build --output o` crashed.
        let writer = OutputWriter(destination: path)
        #expect(writer.parent == parent)
        #expect(writer.stagingPrefix == staging)
    }

    @Test("YAML anchors and aliases are refused at the first one, fast and in little memory", arguments: [
        ("values", "", 4, 4),
        ("alias key", "? *i\n: x\n", 4, 4),
        ("known key", "spec-urls: *i\n", 4, 4),
    ])
    func yamlBomb(name: String, tail: String, line: Int, column: Int) throws {
        let site = try Site("yamlBomb" + name.filter(\.isLetter))
        defer { TestSupport.cleanUp(site.root) }
        // Nine levels of nine: 387,420,489 strings if expanded.
        var yaml = "a: &a [\"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\"]\n"
        for (previous, level) in zip("abcdefgh", "bcdefghi") {
            yaml += "\(level): &\(level) [\(Array(repeating: "*\(previous)", count: 9).joined(separator: ", "))]\n"
        }
        try site.add(Array("---\ntitle: Bomb\nslug: Web/Bomb\n\(yaml)\(tail)---\n\nBody.\n".utf8))
        // A folder of its own for the run's output file: the three cases run side by side.
        let runFolder = try TestSupport.temporaryFolder("yamlBombRun")
        defer { TestSupport.cleanUp(runFolder) }
        let run = try ErratumRun.run(["build", "--content", site.content, "--templates", TestSupport.templatesRoot, "--output", site.output],
                                     in: runFolder, timeLimit: .seconds(60), memoryLimit: 1 << 30)
        #expect(run.killedBecause == nil)
        #expect(run.status == 1)
        #expect(run.diagnosticLines.map { $0.components(separatedBy: ": error: ").first ?? "" }
            == ["\(site.root)/\(Self.file):\(line):\(column)"])
        #expect(run.output.contains("front matter uses the YAML anchor '&a'; anchors and aliases are not accepted"))
        // The whole build process, not the expansion: a few tens of MiB.
        #expect(run.peakRSS < 256 << 20, "peak RSS \(run.peakRSS >> 20) MiB")
        print("YAML bomb (\(name)): exit \(run.status.map(String.init) ?? "killed"), \(String(format: "%.2f", run.seconds)) s, peak RSS \(run.peakRSS >> 20) MiB")
        site.expectUntouched()
    }

    @Test("a sidebar file with aliases, and front matter nested past YAML's limit, are errors at their place")
    func sidebarAndNesting() throws {
        let site = try Site()
        defer { TestSupport.cleanUp(site.root) }
        try site.add(Array("sidebar:\n  - &x Web/Good\n  - *x\n".utf8), at: "content/sidebars/bomb.yaml")
        try site.add(Array("---\ntitle: Deep\nslug: Web/Hostile\nx: \(String(repeating: "[", count: 100_000))\n---\n".utf8))
        #expect(site.failedBuild() == ["index.md:4:5 error front-matter", "bomb.yaml:2:5 error sidebar"])
        site.expectUntouched()
    }

    @Test("a macro call never closed is a macro-syntax warning at its '{{', shown as written; later calls still expand")
    func unclosedMacros() throws {
        let site = try Site()
        defer { TestSupport.cleanUp(site.root) }
        try site.add(Array("---\ntitle: U\nslug: Web/Hostile\n---\n\nA status {{HTTPStatus(404 in prose.\n\nA term {{Glossary(\"term and more\n\nA header {{HTTPHeader(\"Accept\") and text\n\nFine {{HTTPStatus(500)}} here.\n\nLast {{HTTPHeader(\"A\"".utf8))
        let report = try site.build()
        #expect(report.diagnostics.map(Site.short) == [
            "index.md:6:10 warning macro-syntax", "index.md:8:8 warning macro-syntax",
            "index.md:10:10 warning macro-syntax", "index.md:14:6 warning macro-syntax",
        ])
        #expect(report.diagnostics.map(\.message) == [
            "expected ',' or ')' after a macro argument", "a quoted macro argument is not closed with \"",
            "macro 'HTTPHeader' is not closed with '}}'", "macro arguments are not closed with ')'",
        ])
        let html = try String(contentsOfFile: site.output + "/docs/en-US/docs/Web/Hostile/index.html", encoding: .utf8)
        #expect(html.contains("<p>A status {{HTTPStatus(404 in prose.</p>"))
        #expect(html.contains("<p>Last {{HTTPHeader(&quot;A&quot;</p>"))
        #expect(html.contains("<code>500</code></a> here.</p>"))
    }
}
