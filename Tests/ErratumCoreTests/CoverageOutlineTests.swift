import Testing
@testable import ErratumCore

/// The structure coverage compares: headings, code blocks, macros and links, with their lines.
@Suite("Coverage: document outlines and drift")
struct CoverageOutlineTests {
    static func outline(_ body: String, catalog: Catalog? = nil) throws -> DocumentOutline {
        let catalog = try catalog ?? TestSupport.builtInCatalog()
        return DocumentOutline(TestSupport.document(body), normalizer: LinkNormalizer(catalog: catalog))
    }

    @Test("reads headings, fences (indented, tilde, with attributes) and macros outside code, at file lines")
    func outline() throws {
        let outline = try Self.outline("""
            {{HTTPSidebar}}
            ## Syntax
            ```http
            ## not a heading {{NotAMacro}}
            ```
            - : Inside a list:
                ```js {title="x"}
                [x](/en-US/docs/Nope)
                ```
            ~~~
            ~~~
            ### Deeper
            Text with `{{Code}}` and {{Glossary("HTTP")}}.
                #### indented four: code, not a heading
            """)
        // TestSupport.document starts the body on line 5.
        #expect(outline.headings == [.init(name: "h2", line: 6), .init(name: "h3", line: 16)])
        #expect(outline.codeBlocks == [.init(name: "http", line: 7), .init(name: "js", line: 11), .init(name: "", line: 14)])
        #expect(outline.macros == [.init(name: "httpsidebar", line: 5), .init(name: "glossary", line: 17)])
        #expect(outline.links.isEmpty)
    }

    @Test("normalizes link targets: locale, fragment and title dropped, old slugs resolved, code spans ignored")
    func links() throws {
        let outline = try Self.outline("""
            See [507](/fr/docs/Web/HTTP/Status/507#x "title") and <a href="/de/docs/Web/HTTP/Reference/Status/507">507</a>.
            Not `[this](/en-US/docs/Code)`, but [that](https://developer.mozilla.org/en-US/docs/Glossary/WebDAV) and [(p)](https://example.com/a_(b)).
            [Here](#here) only moves within the page.
            """)
        #expect(outline.links.map(\.name) == [
            "web/http/reference/status/507", "web/http/reference/status/507", "glossary/webdav", "https://example.com/a_(b)",
        ])
        #expect(outline.links.map(\.line) == [5, 5, 6, 6])
    }

    @Test("aligns sequences by their longest common subsequence")
    func align() {
        let result = OutlineComparison.align(["h2", "h3", "h2", "h2"], ["h2", "h2", "h3"])
        #expect(result.matched == 2)
        #expect(result.onlyInFirst == [1, 3])
        #expect(result.onlyInSecond == [2])
        #expect(OutlineComparison.align([], ["a"]).onlyInSecond == [0])
    }

    @Test("reports one drift per macro name and link target whose count differs, with every line on both sides")
    func drift() throws {
        let source = try Self.outline("{{Glossary(\"A\")}}\n{{Glossary(\"B\")}}\n[x](/en-US/docs/Web/X)\n")
        let translation = try Self.outline("{{glossary(\"A\")}}\n\n{{HTTPSidebar}}\n")
        let comparison = OutlineComparison(source: source, translation: translation)
        #expect(comparison.drift.map(\.kind) == [.macros, .macros, .links])
        #expect(comparison.drift.map(\.subject) == ["glossary", "httpsidebar", "web/x"])
        #expect(comparison.drift[0].sourceLines == [5, 6])
        #expect(comparison.drift[0].translationLines == [5])
        #expect(comparison.drift[1].translationLines == [7])
        #expect(comparison.drift[0].message == "macro 'glossary' is called 2 times in the source, once in the translation")
        #expect(!comparison.isPartial)
    }

    @Test("names a commit by its full hash or an unambiguous abbreviation")
    func commitNames() {
        var graph = CommitGraph()
        graph.append(hash: "abcdef1111", parents: ["abcdef2222"], date: "d2", subject: "two")
        graph.append(hash: "abcdef2222", parents: [], date: "d1", subject: "one")
        graph.finish()
        #expect(graph.isLinear)
        #expect(graph.commit(named: "abcdef2222") == 1)
        #expect(graph.commit(named: "ABCDEF1") == 0)
        #expect(graph.commit(named: "abcdef") == nil, "ambiguous")
        #expect(graph.commit(named: "abc") == nil, "too short")
        #expect(graph.ancestry(of: 0).contains(1))
        #expect(!graph.ancestry(of: 1).contains(0))
    }
}
