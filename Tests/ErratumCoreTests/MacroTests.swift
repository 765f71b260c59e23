import Testing
@testable import ErratumCore

/// A small catalog: English pages for 413, WebDAV and a status index; a French 413 only.
private func fixtureCatalog() -> Catalog {
    func doc(_ locale: ContentLocale, _ slug: String, specs: [String] = [], pageType: String? = nil) -> Document {
        Document(locale: locale, frontMatter: FrontMatter(title: slug, slug: slug, pageType: pageType, specURLs: specs),
                 body: "", bodyLine: 5, path: "content/\(locale.folder)/\(slug.lowercased())/index.md")
    }
    var english = Redirects()
    english.add(from: "/en-US/docs/Glossary/DAV", to: "/en-US/docs/Glossary/WebDAV")
    english.add(from: "/en-US/docs/Web/HTTP/Status/413", to: "/en-US/docs/Web/HTTP/Reference/Status/413")
    let content = ContentSet(documents: [
        doc(.english, "Web/HTTP/Reference/Status/413"),
        doc(.english, "Web/HTTP/Reference/Status/507", specs: ["https://www.rfc-editor.org/rfc/rfc4918#section-11.5"],
            pageType: "http-status-code"),
        doc(.english, "Glossary/WebDAV"),
        doc(.english, "Web/HTTP/Reference/Headers/Retry-After"),
        doc(.english, "Web/HTTP/Reference/Methods/POST"),
        doc(.english, "Web/HTML/Reference/Elements/input"),
        doc(.english, "Web/JavaScript/Reference/Global_Objects/Array/map"),
        doc(.english, "Web/JavaScript/Reference/Statements/for"),
        doc(.english, "Web/CSS/Reference/Values/color_value"),
        doc(.english, "Web/CSS/Reference/Properties/color"),
        doc(.english, "Web/CSS/Reference/Selectors/:hover"),
        doc(.english, "Glossary/Reverse_proxy"),
        doc(ContentLocale(tag: "fr"), "Web/HTTP/Reference/Status/413"),
        doc(ContentLocale(tag: "fr"), "Web/HTTP/Reference/Status/507"),
    ], redirects: [.english: english])
    return Catalog(content)
}

private let strings = StringsCatalog(languages: [
    "en": UIStrings(language: "en", values: [
        "macros.page-not-created": "Not written yet.",
        "macros.specification": "Specification",
        "macros.unknown-specification": "Unknown specification",
    ]),
    "fr": UIStrings(language: "fr", values: ["macros.specification": "Spécification"]),
])

/// Renders one Markdown paragraph on a page and returns the HTML inside `<p>…</p>`.
private func render(_ markdown: String, locale: String = "en-US", slug: String = "Web/HTTP/Reference/Status/507",
                    style: LinkStyle = .mdn) -> RenderedDocument {
    let catalog = fixtureCatalog()
    let page = catalog.document(ContentLocale(tag: locale), slug)
        ?? TestSupport.document("", locale: ContentLocale(tag: locale), slug: slug)
    var document = page
    document.body = markdown
    return DocumentRenderer(catalog: catalog, strings: strings, style: style).render(document)
}

private func paragraph(_ markdown: String, locale: String = "en-US", style: LinkStyle = .mdn) -> String {
    let html = render(markdown, locale: locale, style: style).html
    guard html.hasPrefix("<p>"), html.hasSuffix("</p>\n") else { return html }
    return String(html.dropFirst(3).dropLast(5))
}

@Suite("Macro HTML, as MDN writes it")
struct MacroTests {
    @Test("HTTPStatus links the status page with the text in <code>", arguments: [
        (#"{{HTTPStatus("413", "413 Content Too Large")}}"#,
         #"<a href="/en-US/docs/Web/HTTP/Reference/Status/413"><code>413 Content Too Large</code></a>"#),
        (#"{{HTTPStatus(413)}}"#,
         #"<a href="/en-US/docs/Web/HTTP/Reference/Status/413"><code>413</code></a>"#),
        (#"{{httpstatus("413", "", "", true)}}"#,
         #"<a href="/en-US/docs/Web/HTTP/Reference/Status/413">413</a>"#),
        (#"{{HTTPStatus("404")}}"#,
         #"<a class="page-not-created" data-href="/en-US/docs/Web/HTTP/Reference/Status/404" title="Not written yet."><code>404</code></a>"#),
    ])
    func httpStatus(source: String, html: String) {
        #expect(paragraph(source) == html)
    }

    @Test("Glossary links without <code>, spaces to underscores, through redirects", arguments: [
        (#"{{Glossary("WebDAV")}}"#, #"<a href="/en-US/docs/Glossary/WebDAV">WebDAV</a>"#),
        (#"{{Glossary("reverse  proxy", "proxies")}}"#, #"<a href="/en-US/docs/Glossary/Reverse_proxy">proxies</a>"#),
        (#"{{Glossary("DAV")}}"#, #"<a href="/en-US/docs/Glossary/WebDAV">DAV</a>"#),
        (#"{{Glossary("Nothing here")}}"#,
         #"<a class="page-not-created" data-href="/en-US/docs/Glossary/Nothing_here" title="Not written yet.">Nothing here</a>"#),
    ])
    func glossary(source: String, html: String) {
        #expect(paragraph(source) == html)
    }

    @Test("a translation links its own page, or the English one marked only-in-en-us")
    func translationFallback() {
        #expect(paragraph(#"{{HTTPStatus("413")}} {{Glossary("WebDAV")}}"#, locale: "fr")
            == #"<a href="/fr/docs/Web/HTTP/Reference/Status/413"><code>413</code></a> "#
            + #"<a href="/en-US/docs/Glossary/WebDAV" class="only-in-en-us">WebDAV</a>"#)
    }

    @Test("the offline site links relatively, and to live MDN for pages it does not have")
    func offlineLinks() {
        let style = LinkStyle.offline(liveBase: "https://developer.mozilla.org")
        #expect(paragraph(#"{{HTTPStatus("413")}} {{HTTPStatus("404")}}"#, style: style)
            == #"<a href="../413/index.html"><code>413</code></a> "#
            + #"<a href="https://developer.mozilla.org/en-US/docs/Web/HTTP/Reference/Status/404" class="external"><code>404</code></a>"#)
        #expect(paragraph(#"{{Glossary("WebDAV")}}"#, locale: "fr", style: style)
            == #"<a href="../../../../../../../en-US/docs/Glossary/WebDAV/index.html" class="only-in-en-us">WebDAV</a>"#)
    }

    @Test("Specifications is a table of the page's spec-urls, inherited by translations")
    func specifications() {
        let english = render("## Specifications\n\n{{Specifications}}\n").html
        let expected = #"<table class="standard-table"><thead><tr><th scope="col">Specification</th></tr></thead><tbody>"#
            + #"<tr><td><a class="external" href="https://www.rfc-editor.org/rfc/rfc4918#section-11.5" rel="noopener" target="_blank">"#
            + #"HTTP Extensions for Web Distributed Authoring and Versioning (WebDAV)<br /><small># section-11.5</small></a></td></tr></tbody></table>"#
        #expect(english.hasSuffix("</h2>\n" + #"<div class="bc-specs" data-bcd-query="" data-spec-urls="https://www.rfc-editor.org/rfc/rfc4918#section-11.5">"#
            + expected + "</div>\n"))
        let french = render("{{Specifications}}", locale: "fr").html
        #expect(french.contains(#"<th scope="col">Spécification</th>"#))
        #expect(french.contains("rfc4918#section-11.5"))
    }

    @Test("Specifications without spec-urls says so; an unknown spec is named as such")
    func specificationsEdgeCases() {
        #expect(render("{{Specifications}}", slug: "Glossary/WebDAV").html
            == #"<div class="bc-specs" data-bcd-query="" data-spec-urls=""><p>No specification is listed for this feature.</p></div>"# + "\n")
        // Only the compatibility data knows the specifications: the live page shows them.
        var withCompat = TestSupport.document("{{Specifications}}", slug: "Web/HTTP/Reference/Status/103")
        withCompat.frontMatter.browserCompat = ["http.status.103"]
        let html = DocumentRenderer(catalog: fixtureCatalog(), strings: strings, style: .mdn).render(withCompat).html
        #expect(html == #"<div class="bc-specs" data-bcd-query="http.status.103" data-spec-urls=""><p>The specifications are listed with the compatibility data, on MDN: "#
            + #"<a class="external" href="https://developer.mozilla.org/en-US/docs/Web/HTTP/Reference/Status/103#specifications">specifications</a></p></div>"# + "\n")
    }

    @Test("HTTPSidebar writes nothing in the body and selects the http sidebar")
    func httpSidebar() {
        let rendered = render("{{HTTPSidebar}}\n\nText.")
        #expect(rendered.html == "<p>Text.</p>\n")
        #expect(rendered.sidebar == "http")
        #expect(rendered.diagnostics.isEmpty)
    }

    @Test("an unknown macro is a warning at its file position and stays visible")
    func unknownMacro() throws {
        let rendered = render("Intro.\n\nSee {{NoSuchMacro(1)}} here.")
        #expect(rendered.html == "<p>Intro.</p>\n<p>See <s>unsupported templ: nosuchmacro</s> here.</p>\n")
        let warning = try #require(rendered.diagnostics.first)
        #expect(warning.severity == .warning)
        #expect(warning.code == .unknownMacro)
        // The fixture's body starts on file line 5; the call is on body line 2, column 5.
        #expect(warning.location?.line == 7)
        #expect(warning.location?.column == 5)
    }

    @Test("a missing or mistyped argument fails the call visibly; extra arguments are ignored, as MDN does, with a warning")
    func badArguments() throws {
        let rendered = render(#"{{Glossary()}} {{Glossary("")}} {{HTTPStatus(413, 2)}} {{CSP(5)}} {{HTTPStatus("413", "", "", 1, 5)}}"#)
        #expect(rendered.diagnostics.allSatisfy { $0.code == .macroArguments && $0.severity == .warning })
        #expect(rendered.diagnostics.map(\.message) == [
            "Glossary needs a glossary term as argument 1",
            "Glossary needs a glossary term as argument 1",
            "HTTPStatus argument 2 (the link text) must be a string, found 2",
            "CSP argument 1 (a directive) must be a string, found 5",
            "HTTPStatus takes at most 4 arguments, found 5; MDN ignores the rest",
        ])
        #expect(rendered.html.contains("<s>Glossary needs a glossary term as argument 1</s>"))
        #expect(rendered.html.contains("<s>CSP argument 1 (a directive) must be a string, found 5</s>"))
        // The last call still renders, its fifth argument dropped (and a number counts for no_code).
        #expect(rendered.html.hasSuffix(#"<a href="/en-US/docs/Web/HTTP/Reference/Status/413">413</a></p>"# + "\n"))
        // Numbers are fine where MDN takes any value.
        #expect(render(#"{{HTTPStatus(413)}} {{RFC(9110, "", 15)}}"#).diagnostics.isEmpty)
        #expect(render("{{Compat(\"http.status.413\")}}").diagnostics.map(\.message)
            == ["Compat takes no arguments, found 1; MDN ignores the rest"])
    }

    @Test("macro HTML is never escaped by cmark, and macro arguments are escaped by us")
    func escaping() {
        #expect(paragraph(#"{{Glossary("WebDAV", "<script>alert(1)</script>")}}"#)
            == #"<a href="/en-US/docs/Glossary/WebDAV">&lt;script&gt;alert(1)&lt;/script&gt;</a>"#)
    }
}

@Suite("More of MDN's macros")
struct MoreMacroTests {
    @Test("link macros build MDN's URLs and text", arguments: [
        (#"{{HTTPHeader("Retry-After")}}"#, #"<a href="/en-US/docs/Web/HTTP/Reference/Headers/Retry-After"><code>Retry-After</code></a>"#),
        (#"{{HTTPMethod("POST")}}"#, #"<a href="/en-US/docs/Web/HTTP/Reference/Methods/POST"><code>POST</code></a>"#),
        (#"{{RFC(9110, "", 15)}}"#, #"<a href="https://datatracker.ietf.org/doc/html/rfc9110#section-15" class="external" target="_blank">RFC 9110, section 15</a>"#),
        (#"{{RFC(7231, "Accept", "5.3.2")}}"#, #"<a href="https://datatracker.ietf.org/doc/html/rfc7231#section-5.3.2" class="external" target="_blank">RFC 7231, section 5.3.2: Accept</a>"#),
        (#"{{HTMLElement("input")}}"#, #"<a href="/en-US/docs/Web/HTML/Reference/Elements/input"><code>&lt;input&gt;</code></a>"#),
        (#"{{HTMLElement("input", "an input")}}"#, #"<a href="/en-US/docs/Web/HTML/Reference/Elements/input">an input</a>"#),
        (#"{{jsxref("Array.prototype.map()")}}"#, #"<a href="/en-US/docs/Web/JavaScript/Reference/Global_Objects/Array/map"><code>Array.prototype.map()</code></a>"#),
        (#"{{jsxref("for")}}"#, #"<a href="/en-US/docs/Web/JavaScript/Reference/Statements/for"><code>for</code></a>"#),
        (#"{{cssxref("color")}}"#, #"<a href="/en-US/docs/Web/CSS/Reference/Properties/color"><code>color</code></a>"#),
        (#"{{cssxref(":hover")}}"#, #"<a href="/en-US/docs/Web/CSS/Reference/Selectors/:hover"><code>:hover</code></a>"#),
        (#"{{cssxref("&lt;color&gt;")}}"#, #"<a href="/en-US/docs/Web/CSS/Reference/Values/color_value"><code>&lt;color&gt;</code></a>"#),
    ])
    func links(source: String, html: String) {
        #expect(paragraph(source) == html)
    }

    @Test("CSP links the directive's page, which may not exist")
    func csp() {
        #expect(paragraph(#"{{CSP("default-src")}}"#)
            == #"<a class="page-not-created" data-href="/en-US/docs/Web/HTTP/Reference/Headers/Content-Security-Policy/default-src" title="Not written yet."><code>default-src</code></a>"#)
    }

    @Test("inline badges are labelled icons; Optional is a text badge")
    func badges() {
        #expect(paragraph("x {{Experimental_Inline}}")
            == #"x <span role="img" class="icon icon-experimental" title="Experimental: its behaviour may change." aria-label="Experimental"></span>"#)
        #expect(paragraph("{{Non-standard_Inline}}").contains(#"class="icon icon-nonstandard""#))
        #expect(paragraph("{{deprecated_inline}}").contains(#"class="icon icon-deprecated""#))
        #expect(paragraph("{{optional_inline}}") == #"<span class="badge inline optional">Optional</span>"#)
    }

    @Test("header banners are notecards that replace their paragraph")
    func banners() {
        let html = render("{{SeeCompatTable}}\n\nText.").html
        #expect(html.hasPrefix(#"<div class="notecard experimental"><p><strong>Experimental:</strong> </p></div>"#))
        #expect(html.hasSuffix("<p>Text.</p>\n"))
        #expect(render("{{SecureContext_Header}}").html.hasPrefix(#"<div class="notecard secure">"#))
    }
}

@Suite("Markdown rendering")
struct MarkdownTests {
    @Test("raw HTML is kept")
    func rawHTML() {
        #expect(paragraph(#"<i lang="en">Web</i> text"#) == #"<i lang="en">Web</i> text"#)
    }

    @Test("headings get MDN ids, self-links and de-duplication; macros count in the id")
    func headings() {
        let html = render("## Examples\n\n### Examples\n\n#### Deep one\n\n## {{HTTPStatus(413)}} handling\n\n## Using {{HTTPStatus(413)}}\n").html
        #expect(html == """
        <h2 id="examples"><a class="heading-anchor" href="#examples">Examples</a></h2>
        <h3 id="examples_2"><a class="heading-anchor" href="#examples_2">Examples</a></h3>
        <h4 id="deep_one">Deep one</h4>
        <h2 id="413"><a href="/en-US/docs/Web/HTTP/Reference/Status/413"><code>413</code></a> handling</h2>
        <h2 id="using_413">Using <a href="/en-US/docs/Web/HTTP/Reference/Status/413"><code>413</code></a></h2>

        """)
    }

    @Test("fenced code gets MDN's wrapper; plain and untagged blocks do not", arguments: [
        ("```http\nGET / HTTP/1.1\n```",
         #"<div class="code-example"><div class="example-header"><span class="language-name">http</span></div><pre class="brush: http notranslate"><code>GET / HTTP/1.1"# + "\n</code></pre></div>\n"),
        ("```plain\n<b>\n```", #"<pre class="brush: plain notranslate">&lt;b&gt;"# + "\n</pre>\n"),
        ("```\nx\n```", #"<pre class="notranslate">x"# + "\n</pre>\n"),
        ("```js example-good\nf()\n```",
         #"<div class="code-example"><div class="example-header"><span class="language-name">js</span></div><pre class="brush: js example-good notranslate"><code>f()"# + "\n</code></pre></div>\n"),
    ])
    func codeBlocks(markdown: String, html: String) {
        #expect(render(markdown).html == html)
    }

    @Test("Markdown links resolve through redirects and the catalog")
    func markdownLinks() {
        #expect(paragraph("[old](/en-US/docs/Web/HTTP/Status/413#x) [gone](/en-US/docs/Nope \"t\") [ext](https://example.com/)")
            == #"<a href="/en-US/docs/Web/HTTP/Reference/Status/413#x">old</a> "#
            + #"<a class="page-not-created" data-href="/en-US/docs/Nope" title="Not written yet.">gone</a> "#
            + #"<a href="https://example.com/" class="external" target="_blank">ext</a>"#)
    }

    @Test("MDN's own absolute URLs, locale-less /docs/ links and links to the page itself, as rari writes them")
    func internalLinkForms() {
        #expect(paragraph("[a](https://developer.mozilla.org/en-US/docs/Web/HTTP/Status/413)")
            == #"<a href="/en-US/docs/Web/HTTP/Reference/Status/413">a</a>"#)
        #expect(paragraph("[b](/docs/Web/HTTP/Status/413#x)") == #"<a href="/docs/Web/HTTP/Reference/Status/413#x">b</a>"#)
        #expect(paragraph("[b](/docs/Web/HTTP/Reference/Status/413)", locale: "fr")
            == #"<a href="/docs/Web/HTTP/Reference/Status/413">b</a>"#)
        #expect(paragraph("[c](/en-US/docs/Web/HTTP/Reference/Status/507#status)")
            == #"<a href="/en-US/docs/Web/HTTP/Reference/Status/507#status" aria-current="page">c</a>"#)
        let offline = paragraph("[b](/docs/Web/HTTP/Status/413) [c](/en-US/docs/Web/HTTP/Reference/Status/507)",
                                style: .offline(liveBase: "https://developer.mozilla.org"))
        #expect(offline == #"<a href="../413/index.html">b</a> <a href="./index.html" aria-current="page">c</a>"#)
    }

    @Test("unwritten pages carry MDN's Common.summary title in the page's language, decoded for the attribute")
    func notCreatedTitle() throws {
        var content = ContentSet(documents: [TestSupport.document("[x](/fr/docs/Nope)", locale: ContentLocale(tag: "fr"), slug: "Web/A")],
                                 redirects: [:])
        content.l10n = try L10nStrings.parse(json: #"{"summary": {"en-US": "Unwritten.", "fr": "Pas encore rédigée&nbsp;!"}}"#, file: "Common")
        let catalog = Catalog(content)
        let page = try #require(catalog.document(ContentLocale(tag: "fr"), "Web/A"))
        let html = DocumentRenderer(catalog: catalog, strings: strings, style: .mdn).render(page).html
        #expect(html == "<p><a class=\"page-not-created\" data-href=\"/fr/docs/Nope\" title=\"Pas encore rédigée\u{A0}!\">x</a></p>\n")
    }
}
