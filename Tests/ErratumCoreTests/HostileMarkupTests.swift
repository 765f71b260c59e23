import Foundation
import Testing
@testable import ErratumCommands
@testable import ErratumCore

/// Content written to run code in readers' browsers: raw `<script>`, `on…=` handlers and
/// `javascript:` URLs in the Markdown, and markup in macro arguments. Every page Erratum
/// writes must be inert, and every change must be reported where the author can fix it.
@Suite("Hostile docs: script, handlers and javascript: URLs")
struct HostileMarkupTests {
    static let fixture = TestSupport.fixtures + "/hostile/unsafe-html"
    static let page = "docs/en-US/docs/Web/Hostile/index.html"

    /// Each construct of the fixture, by line and column, in source order.
    static let expected: [(line: Int, column: Int, starts: String)] = [
        (6, 8, "a <script> element"), (6, 49, "the event-handler attribute 'onerror'"),
        (8, 6, "the event-handler attribute 'onclick'"), (9, 1, "a <script> element"),
        (12, 4, "the 'href' value 'javascript:"), (12, 50, "the 'href' value 'javascript:"),
        (13, 9, "the 'srcdoc' attribute"),
        (16, 8, "the link destination 'javascript:"), (16, 42, "the image source 'vbscript:"),
        (16, 67, "the link destination 'javascript:"),
        (18, 31, "the event-handler attribute 'onerror'"),
        (20, 11, "a tag is not closed"), (20, 43, "the event-handler attribute 'onerror'"),
        (22, 9, "the 'xlink:href' value 'javascript:"), (22, 93, "the 'values' value 'javascript:"),
        (26, 6, "the event-handler attribute 'onmouseover'"),
        (36, 1, "a tag is not closed"),
    ]

    @Test("the build succeeds with an unsafe-html warning at each construct, and no page runs any of them")
    func build() throws {
        let folder = try TestSupport.temporaryFolder()
        defer { TestSupport.cleanUp(folder) }
        let report = try Builder(options: BuildOptions(contentRoots: [Self.fixture], templatesRoot: TestSupport.templatesRoot,
                                                       outputPath: folder + "/Output")).build()
        let file = Self.fixture + "/en-us/web/hostile/index.md"
        let found = report.diagnostics.map { ($0.code, $0.severity, $0.location?.file, $0.location?.line ?? 0, $0.location?.column ?? 0) }
        #expect(found.map { "\($0.0) \($0.1)" } == Array(repeating: "unsafe-html warning", count: Self.expected.count))
        #expect(found.allSatisfy { $0.2 == file })
        #expect(found.map { "\($0.3):\($0.4)" } == Self.expected.map { "\($0.line):\($0.column)" })
        for (diagnostic, expected) in zip(report.diagnostics, Self.expected) {
            #expect(diagnostic.message.hasPrefix(expected.starts), "\(diagnostic)")
        }

        #expect(HostileHTML.scriptProblems(under: folder + "/Output") == [:])
        let html = try String(contentsOfFile: folder + "/Output/" + Self.page, encoding: .utf8)
        // Readers see what was neutralised; what was harmless is left as written.
        #expect(html.contains("&lt;script&gt;alert(1)"))
        #expect(html.contains("<details open><summary>Kept as it is</summary>A <b title=\"x\">bold</b> word.</details>"))
        #expect(html.contains("<div title='kept'>"))
        #expect(html.contains("&lt;script&gt;code samples are text&lt;/script&gt;"))
        #expect(html.contains("Prose may say JavaScript: the language"))
        #expect(try TestSupport.entries(folder) == ["Output"])
    }

    @Test("--strict turns the warnings into a failed build that leaves the output alone")
    func strict() throws {
        let folder = try TestSupport.temporaryFolder()
        defer { TestSupport.cleanUp(folder) }
        var command = try ErratumCommand.parseAsRoot([
            "build", "--content", Self.fixture, "--templates", TestSupport.templatesRoot, "--output", folder + "/Output", "--strict", "--quiet",
        ])
        #expect { try command.run() } throws: { ErratumCommand.exitCode(for: $0).rawValue == 1 }
        #expect(try TestSupport.entries(folder).isEmpty)
    }

    @Test("erratum check reports each construct as an error at the same place")
    func check() throws {
        let report = try Checker(contentRoots: [Self.fixture], templatesRoot: TestSupport.templatesRoot).run()
        let unsafe = report.diagnostics.filter { $0.code == .unsafeHTML }
        #expect(unsafe.allSatisfy { $0.severity == .error })
        #expect(unsafe.map { "\($0.location?.line ?? 0):\($0.location?.column ?? 0)" } == Self.expected.map { "\($0.line):\($0.column)" })
    }

    @Test("raw HTML a browser would read differently from a simple scan is made inert", arguments: [
        // (raw HTML, what must stay in the result)
        ("<img src=x onerror=alert(1)>", "<img src=x>"),
        ("<IMG SRC=x OnError='alert(1)'>", "<IMG SRC=x>"),
        ("<a href=\"&#106;avascript&#58;alert(1)\">x</a>", "<a>x</a>"),
        ("<a href=\"&#x6A;avascript&colon;alert(1)\">x</a>", "<a>x</a>"),
        ("<a href=\"java&Tab;script:alert(1)\">x</a>", "<a>x</a>"),
        ("<a href=\"&#106avascript:alert(1)\">x</a>", "<a>x</a>"),
        ("<form><button formaction=\"javascript:alert(1)\">x</button></form>", "<button>x</button>"),
        ("<b x=\"1\"onclick=\"alert(1)\">x</b>", "<b x=\"1\">x</b>"),
        ("<b a\"b=\"c\" title=\"x\">x</b>", "<b title=\"x\">x</b>"),
        ("<!--> <img src=x onerror=alert(1)>", "<!--> <img src=x>"),
        ("<!--- x --!> <img src=x onerror=alert(1)>", "<!--- x --!> <img src=x>"),
        ("<!-- never closed <img src=x onerror=alert(1)>", "&lt;!-- never closed <img src=x>"),
        ("<svg><![CDATA[ x> <b title=\"]]><img src=x onerror=alert(1)>\"> ]]></svg>", "&lt;![CDATA["),
        ("<style><img src=x onerror=alert(1)></style>", "<style><img src=x></style>"),
        ("<noscript><p title=\"</noscript><img src=x onerror=alert(1)>\"></noscript>", "</noscript><img src=x>"),
        ("<title>never closed", "&lt;title&gt;never closed"),
        ("<script src=\"https://example.com/x.js\"></script>", "&lt;script src=\"https://example.com/x.js\"&gt;&lt;/script&gt;"),
        ("<ScRiPt>alert(1)</sCrIpT >", "&lt;ScRiPt&gt;alert(1)&lt;/sCrIpT &gt;"),
        ("<plaintext><b>x</b>", "&lt;plaintext&gt;&lt;b&gt;x&lt;/b&gt;"),
        ("<iframe srcdoc=\"&lt;script&gt;alert(1)&lt;/script&gt;\"></iframe>", "<iframe></iframe>"),
        ("<math><a href=\" javascript:alert(1)\">x</a></math>", "<math><a>x</a></math>"),
    ])
    func neutralise(html: String, kept: String) {
        let (result, findings) = UnsafeHTML.neutralise(html)
        #expect(!findings.isEmpty)
        #expect(result.contains(kept), "\(result)")
        #expect(HostileHTML.scriptProblems(in: result) == [], "\(result)")
    }

    @Test("raw HTML with nothing to run is left byte for byte", arguments: [
        "<details open><summary>x</summary></details>",
        "<a href=\"/en-US/docs/Web\" title=\"JavaScript: the language\">x</a>",
        "<table class=\"standard-table\"><tr><td>1 < 2</td></tr></table>",
        "<!-- a comment with <script> in it -->",
        "<textarea><b>text</b></textarea>",
        "<img src=\"data:image/png;base64,AAAA\" alt=\"one\">",
        "<p data-online=\"yes\" title=\"javascript: a language\">x</p>",
    ])
    func harmless(html: String) {
        let (result, findings) = UnsafeHTML.neutralise(html)
        #expect(result == html)
        #expect(findings.isEmpty)
    }
}

/// Macro arguments are text: whatever they hold, they reach a page escaped, in attributes and
/// in text, and a macro inside a tag (an image's alt text) cannot add attributes to it.
@Suite("Hostile docs: markup in macro arguments")
struct HostileMacroTests {
    static let hostile = [
        #""><script>alert(1)</script>"#,
        #"" onmouseover="alert(1)"#,
        #"' onmouseover='alert(1)"#,
        "x onmouseover=alert(1) y",
        "javascript:alert(1)",
        "</a><img src=x onerror=alert(1)>",
    ]

    /// A call of `name` with every argument position holding `argument`.
    static func calls(_ name: String, _ argument: String) -> [String] {
        let quoted = "\"" + argument.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
        return (1...4).map { count in "{{\(name)(\(Array(repeating: quoted, count: count).joined(separator: ", ")))}}" }
            + ["{{\(name)}}", "{{\(name)(\(quoted), 1, true)}}"]
    }

    @Test("every macro, called with hostile arguments in text, a heading, an alt text and a link title, writes no script, handler or script URL",
          arguments: HostileMacroTests.hostile)
    func everyMacro(argument: String) throws {
        let names = MacroRegistry.standard.names
        #expect(names.count >= 22)
        var body = ""
        for name in names {
            for call in Self.calls(name, argument) {
                body += "\(call) text\n\n## \(call) heading\n\n![\(call)](missing.png \"\(call)\")\n\n[x](/en-US/docs/Web \"\(call)\")\n\n"
                body += "<a title=\"\(call)\" href=\"/en-US/docs/Web\">raw</a>\n\n| \(call) |\n| - |\n| \(call) |\n\n"
            }
        }
        let catalog = try TestSupport.builtInCatalog()
        let strings = try TestSupport.builtInStrings()
        var frontMatter = FrontMatter(title: "T", slug: "Web/Hostile")
        frontMatter.specURLs = [argument, "https://example.com/#" + argument]
        frontMatter.browserCompat = [argument]
        let document = TestSupport.document(body, slug: "Web/Hostile", frontMatter: frontMatter)
        for style in [LinkStyle.mdn, .offline(liveBase: "https://developer.mozilla.org")] {
            let rendered = DocumentRenderer(catalog: catalog, strings: strings, style: style).render(document)
            #expect(HostileHTML.scriptProblems(in: rendered.html) == [], "\(style)")
            // A hostile argument never shows up as markup: its `<` is always escaped.
            #expect(!rendered.html.contains("<script"))
            #expect(!rendered.html.contains("<img src=x"))
        }
    }

    @Test("a macro in an image's alt text stands for its text there, escaped")
    func macroInAttribute() throws {
        let catalog = try TestSupport.builtInCatalog()
        let document = TestSupport.document(#"![{{HTTPStatus("x onerror=alert(1) y")}}](missing.png)"#)
        let rendered = DocumentRenderer(catalog: catalog, strings: try TestSupport.builtInStrings(),
                                        style: .offline(liveBase: "https://developer.mozilla.org")).render(document)
        let image = HTMLElements(rendered.html).tokens.first { if case .open("img", _) = $0 { true } else { false } }
        #expect(image == .open("img", ["src": "https://developer.mozilla.org/en-US/docs/Web/Test/missing.png", "alt": "x onerror=alert(1) y"]))
    }
}
