import Testing
@testable import ErratumCore

/// Inputs found by the libFuzzer targets in Tests/Fuzz (`scripts/fuzz`), minimised; each
/// once stopped a build. They are written out here, never copied from the corpus.
@Suite("Fuzz regressions")
struct FuzzRegressionTests {
    private func render(_ body: String) throws -> RenderedDocument {
        let renderer = DocumentRenderer(catalog: try TestSupport.builtInCatalog(), strings: try TestSupport.builtInStrings(),
                                        style: .mdn)
        return renderer.render(TestSupport.document(body))
    }

    // The renderer stands macro output in as U+E000 index U+E001 and took every such run in
    // cmark's output for one of its own: an index past the last macro trapped.
    @Test("Placeholder characters written in a document stay text", arguments: [
        "Text \u{E000}7\u{E001} here.\n",
        "Text \u{E000}0\u{E001} here.\n",
        "## \u{E000}3\u{E001} heading\n",
        "- \u{E000}1\u{E001}\n  - : definition\n",
    ])
    func placeholderCharactersInText(_ body: String) throws {
        let page = try render(body)
        let written = body[try #require(body.firstRange(of: /\x{E000}\d\x{E001}/))]
        #expect(page.html.contains(written), "\(page.html)")
        #expect(page.diagnostics.isEmpty)
    }

    @Test("Placeholder characters beside a real macro call: the call renders, the written text stays")
    func placeholderCharactersBesideMacro() throws {
        let page = try render("{{HTTPStatus(404)}} and \u{E000}1\u{E001}.\n")
        #expect(page.html.contains("\u{E000}1\u{E001}"))
        #expect(page.html.contains("<code>404</code>"), "\(page.html)")
        #expect(!page.html.contains("\u{E000}0\u{E001}"))
    }

    // A run of digits too long for an Int overflowed while it was read.
    @Test("A placeholder with an index too large for an Int stays text")
    func placeholderIndexOverflow() throws {
        let digits = String(repeating: "9", count: 40)
        let page = try render("{{HTTPStatus(404)}} \u{E000}\(digits)\u{E001}\n")
        #expect(page.html.contains("\u{E000}\(digits)\u{E001}"))
        #expect(page.html.contains("<code>404</code>"), "\(page.html)")
    }

    // A backslash before a line end inside a quoted argument let the call run on to the next
    // line without the scanner counting it: every later call and diagnostic was a line too high.
    @Test("A backslash at a line end does not carry a quoted argument over; later calls keep their lines")
    func escapedLineEndInQuotedArgument() throws {
        let result = MacroParser().parse("- {{HTMLElement(\"pre\\\nline\")}}\n- {{HTTPStatus(404)}}\n")
        #expect(result.problems == [MacroParser.Problem(message: "a quoted macro argument is not closed with \"",
                                                        line: 0, column: 3)])
        let call = try #require(result.calls.first)
        #expect(result.calls.count == 1)
        #expect(call.name == "HTTPStatus")
        #expect((call.line, call.column) == (2, 3))
    }
}
