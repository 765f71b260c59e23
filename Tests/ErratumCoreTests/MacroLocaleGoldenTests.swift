import Foundation
import Testing
@testable import ErratumCore

/// Every macro of MDN's HTTP section in one page, rendered in each locale against the corpus
/// (its pages as link targets, its `jsondata` for MDN's localized words), compared element by
/// element with a golden file per locale.
@Suite("Every HTTP-section macro, per locale")
struct MacroLocaleGoldenTests {
    static let page = """
        {{SeeCompatTable}}

        {{SecureContext_Header}}

        {{Non-standard_Header}}

        {{Deprecated_Header}}

        {{HTTPSidebar}}

        Links: {{HTTPStatus("404")}}, {{httpstatus(418, "418 I'm a teapot")}}, {{HTTPHeader("Retry-After")}},
        {{HTTPHeader("Link", "", "", 1)}}, {{HTTPMethod("GET")}}, {{Glossary("WebDAV")}},
        {{Glossary("Reverse proxy", "proxy")}}, {{RFC(9110)}}, {{RFC(9110, "Semantics", 15)}}, {{HTMLElement("link")}},
        {{SVGElement("svg")}}, {{CSP("default-src")}}, {{jsxref("Promise")}}, {{cssxref("color")}}.

        Badges: {{Experimental_Inline}} {{Deprecated_Inline}} {{Non-standard_Inline}} {{Optional_Inline}}

        ## Subpages

        {{SubpagesWithSummaries}}

        ## Specifications

        {{Specifications}}

        ## Browser compatibility

        {{Compat}}
        """

    @Test("renders as MDN does in en-US, fr and de", arguments: ["en-US", "fr", "de"])
    func locale(tag: String) throws {
        let (catalog, strings) = try StatusPageGoldenTests.section.get()
        let locale = ContentLocale(tag: tag)
        var frontMatter = FrontMatter(title: "Macros", slug: "Web/HTTP")
        frontMatter.specURLs = ["https://httpwg.org/specs/rfc9110.html#status.codes"]
        frontMatter.browserCompat = ["http.status"]
        let document = TestSupport.document(Self.page, locale: locale, slug: "Web/HTTP", frontMatter: frontMatter)
        let rendered = DocumentRenderer(catalog: catalog, strings: strings, style: .mdn).render(document)
        #expect(rendered.diagnostics.isEmpty, "\(rendered.diagnostics)")
        #expect(!rendered.html.contains("{{") && !rendered.html.contains("<s>"))
        let name = "macros/\(tag).body.html"
        if ProcessInfo.processInfo.environment["ERRATUM_RECORD_GOLDENS"] == "1" {
            try TestSupport.expectGolden(rendered.html, name)
            return
        }
        let expected = try #require(FileManager.default.contents(atPath: TestSupport.fixtures + "/golden/" + name),
                                    "golden \(name) is missing")
        if let difference = HTMLElements.firstDifference(expected: String(decoding: expected, as: UTF8.self), actual: rendered.html) {
            Issue.record("\(tag) differs from \(name): \(difference)")
        }
    }
}
