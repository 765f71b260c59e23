import Testing
@testable import ErratumCore

@Suite("Front matter")
struct FrontMatterTests {
    let parser = FrontMatterParser(path: "content/fr/x/index.md")

    func errorLocation(_ text: String) -> (Diagnostic?, FileLocation?) {
        do {
            _ = try parser.parse(text)
            return (nil, nil)
        } catch {
            return (error.diagnostics.first, error.diagnostics.first?.location)
        }
    }

    @Test("decodes every key MDN uses, with the body's first line")
    func decodesKnownKeys() throws {
        let text = """
        ---
        title: 507 Insufficient Storage
        short-title: "507"
        slug: /Web/HTTP/Reference/Status/507/
        page-type: http-status-code
        spec-urls: https://www.rfc-editor.org/rfc/rfc4918#section-11.5
        browser-compat:
          - http.status.507
          - http.status.508
        sidebar: http
        status:
          - experimental
        l10n:
          sourceCommit: ad5b5e31f81795d692e66dadb7818ba8b220ad15
        ---

        Body text.
        """
        let parsed = try parser.parse(text)
        let matter = parsed.frontMatter
        #expect(matter.title == "507 Insufficient Storage")
        #expect(matter.shortTitle == "507")
        #expect(matter.slug == "Web/HTTP/Reference/Status/507")
        #expect(matter.pageType == "http-status-code")
        #expect(matter.specURLs == ["https://www.rfc-editor.org/rfc/rfc4918#section-11.5"])
        #expect(matter.browserCompat == ["http.status.507", "http.status.508"])
        #expect(matter.sidebar == "http")
        #expect(matter.status == ["experimental"])
        #expect(matter.sourceCommit == "ad5b5e31f81795d692e66dadb7818ba8b220ad15")
        #expect(parsed.bodyLine == 16)
        #expect(parsed.body == "\nBody text.")
        #expect(parsed.warnings.isEmpty)
    }

    @Test("a file without front matter is an error at 1:1")
    func missingFrontMatter() {
        let (diagnostic, location) = errorLocation("# Just Markdown\n")
        #expect(diagnostic?.code == .frontMatter)
        #expect(location == FileLocation(file: "content/fr/x/index.md", line: 1, column: 1))
        #expect(diagnostic?.description == "content/fr/x/index.md:1:1: error: document does not start with front matter ('---' on the first line) [front-matter]")
    }

    @Test("front matter never closed is an error naming '---'")
    func unclosedFrontMatter() {
        let (diagnostic, location) = errorLocation("---\ntitle: x\nslug: y\n\nBody\n")
        #expect(diagnostic?.message == "front matter is not closed by '---'")
        #expect(location?.line == 1)
    }

    @Test("invalid YAML is reported at the file's own line and column")
    func badYAMLPosition() {
        // Line 3 of the file, column 8: the flow sequence is never closed.
        let (diagnostic, location) = errorLocation("---\ntitle: ok\nslug: [a, b\n---\n")
        #expect(diagnostic?.code == .frontMatter)
        #expect(location?.line == 4)
        let (tabDiagnostic, tabLocation) = errorLocation("---\ntitle: ok\n\tslug: x\n---\n")
        #expect(tabDiagnostic?.code == .frontMatter)
        #expect(tabLocation?.line == 3)
        #expect(tabLocation?.column == 1)
    }

    @Test("a value of the wrong type names the key and points at the value")
    func wrongType() {
        let (diagnostic, location) = errorLocation("---\ntitle:\n  - a\n  - b\nslug: x\n---\n")
        #expect(diagnostic?.code == .frontMatterType)
        #expect(diagnostic?.message == "'title' must be a string, found a list")
        #expect(location?.line == 3)
        #expect(location?.column == 3)
    }

    @Test("l10n must be a mapping")
    func l10nType() {
        let (diagnostic, location) = errorLocation("---\ntitle: t\nslug: s\nl10n: abc\n---\n")
        #expect(diagnostic?.message == "'l10n' must be a mapping with 'sourceCommit', found a scalar")
        #expect(location == FileLocation(file: "content/fr/x/index.md", line: 4, column: 7))
    }

    @Test("title and slug are required")
    func requiredKeys() {
        #expect(errorLocation("---\nslug: s\n---\n").0?.message == "front matter has no 'title'")
        #expect(errorLocation("---\ntitle: t\n---\n").0?.message == "front matter has no 'slug'")
        #expect(errorLocation("---\n---\n").0?.code == .frontMatterType)
    }

    @Test("an unknown key is a warning at its position, with the key it was probably meant to be")
    func unknownKeyWarning() throws {
        let parsed = try parser.parse("---\ntitle: t\nslug: s\nln10:\n  sourceCommit: abc\ncolour: red\n---\n")
        #expect(parsed.frontMatter.sourceCommit == nil)
        #expect(parsed.warnings.map(\.description) == [
            "content/fr/x/index.md:4:1: warning: unknown front-matter key 'ln10'; did you mean 'l10n'? [unknown-front-matter-key]",
            "content/fr/x/index.md:6:1: warning: unknown front-matter key 'colour' [unknown-front-matter-key]",
        ])
    }

    @Test("a YAML bomb (nested aliases) is refused at its first anchor, before anything expands")
    func yamlBomb() throws {
        var yaml = "---\ntitle: t\nslug: s\nl0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n"
        for level in 1...9 {
            let previous = Array(repeating: "*l\(level - 1)", count: 10).joined(separator: ", ")
            yaml += "l\(level): &l\(level) [\(previous)]\n"
        }
        // A billion strings if expanded. Yams shares the node, but hashes an alias used as a
        // key in full (`? *l9`), which took minutes; anchors are refused instead.
        for tail in ["", "status: *l9\n", "? *l9\n: x\n"] {
            let (diagnostic, location) = errorLocation(yaml + tail + "---\n")
            #expect(diagnostic?.code == .frontMatter)
            #expect(diagnostic?.message.hasPrefix("front matter uses the YAML anchor '&l0'") == true)
            #expect(location == FileLocation(file: "content/fr/x/index.md", line: 4, column: 5))
        }
    }

    @Test("a byte-order mark and CRLF line ends are read like plain UTF-8")
    func bomAndCRLF() throws {
        let bytes: [UInt8] = [0xEF, 0xBB, 0xBF] + Array("---\r\ntitle: t\r\nslug: s\r\n---\r\nBody\r\n".utf8)
        let text = try SourceText.decode(Data(bytes), path: "x.md")
        let parsed = try parser.parse(text)
        #expect(parsed.frontMatter.slug == "s")
        #expect(parsed.body == "Body\n")
    }

    @Test("invalid UTF-8 is an error at the first bad byte")
    func invalidUTF8() {
        let bytes = Array("---\ntitle: caf".utf8) + [0xC3, 0x28] + Array("\n".utf8)
        #expect(throws: DiagnosticError.self) { try SourceText.decode(Data(bytes), path: "x.md") }
        do {
            _ = try SourceText.decode(Data(bytes), path: "x.md")
        } catch {
            #expect(error.diagnostics.first?.location == FileLocation(file: "x.md", line: 2, column: 11))
        }
    }
}

import Foundation
