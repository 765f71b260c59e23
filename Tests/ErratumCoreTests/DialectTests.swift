import Testing
@testable import ErratumCore

@Suite("MDN's Markdown dialect: definition lists and callouts")
struct DialectTests {
    func render(_ markdown: String, labels: CalloutLabels = .english) -> String {
        var ids = HeadingIDs()
        return MarkdownRenderer().render(markdown, ids: &ids, labels: labels).html
    }

    @Test("a term list with '- : ' items becomes <dl> with self-linked, id'd terms and <p> in every <dd>")
    func definitionList() {
        #expect(render("- `accept`\n  - : The first.\n- Plain term\n  - : One.\n  - : Two.\n") == """
        <dl>
        <dt id="accept"><a href="#accept"><code>accept</code></a></dt>
        <dd>
        <p>The first.</p>
        </dd>
        <dt id="plain_term"><a href="#plain_term">Plain term</a></dt>
        <dd>
        <p>One.</p>
        </dd>
        <dd>
        <p>Two.</p>
        </dd>
        </dl>

        """)
    }

    @Test("a term starting with an element takes its id from that element alone; linked terms get no self-link")
    func termIDs() {
        let html = render("- `Content-Type` header\n  - : a\n- [Link](https://example.com/) term\n  - : b\n")
        #expect(html.contains(##"<dt id="content-type"><a href="#content-type"><code>Content-Type</code> header</a></dt>"##))
        #expect(html.contains(#"<dt id="link"><a href="https://example.com/">Link</a> term</dt>"#))
    }

    @Test("term ids come after heading ids and are de-duplicated against them")
    func idOrder() {
        let html = render("- Examples\n  - : x\n\n## Examples\n")
        #expect(html.contains(#"<dt id="examples_2">"#))
        #expect(html.contains(#"<h2 id="examples">"#))
    }

    @Test("nested definition lists and multi-paragraph definitions")
    func nested() {
        #expect(render("- Outer\n  - : Text.\n\n    - Inner\n      - : Deep.\n") == """
        <dl>
        <dt id="outer"><a href="#outer">Outer</a></dt>
        <dd>
        <p>Text.</p>
        <dl>
        <dt id="inner"><a href="#inner">Inner</a></dt>
        <dd>
        <p>Deep.</p>
        </dd>
        </dl>
        </dd>
        </dl>

        """)
    }

    @Test("lists that do not fit the shape stay lists", arguments: [
        "- a\n- b\n",
        "- term\n  - not a definition\n",
        "- term\n  - : def\n- lonely\n",
        "1. term\n   - : def\n",
    ])
    func notDefinitionLists(markdown: String) {
        #expect(!render(markdown).contains("<dl>"))
    }

    @Test("GFM alerts become notecards with the localized label", arguments: [
        ("> [!NOTE]\n> Read this.\n", "<div class=\"notecard note\">\n<p><strong>Note:</strong>\nRead this.</p>\n</div>\n"),
        ("> [!WARNING]\n> Careful.\n", "<div class=\"notecard warning\">\n<p><strong>Warning:</strong>\nCareful.</p>\n</div>\n"),
        ("> [!CALLOUT]\n> Look.\n", "<div class=\"callout\">\n<p>Look.</p>\n</div>\n"),
        ("> **Note:** Old style.\n", "<div class=\"notecard note\">\n<p><strong>Note:</strong> Old style.</p>\n</div>\n"),
        ("> A plain quote.\n", "<blockquote>\n<p>A plain quote.</p>\n</blockquote>\n"),
    ])
    func callouts(markdown: String, html: String) {
        #expect(render(markdown) == html)
    }

    @Test("labels come from the page's language, and the old bold form is recognized in it")
    func localizedLabels() {
        let german = CalloutLabels(note: "Hinweis:", warning: "Warnung:")
        #expect(render("> [!NOTE]\n> Text.\n", labels: german).contains("<strong>Hinweis:</strong>"))
        #expect(render("> **Warnung:** Vorsicht.\n", labels: german).hasPrefix("<div class=\"notecard warning\">"))
    }
}

@Suite("Links in raw HTML")
struct RawHTMLLinkTests {
    @Test("the href of <a> tags in raw HTML is rewritten; other attributes and tags stay")
    func rewrite() {
        let html = #"<td><a class="x" href="/de/docs/A">A</a>, <abbr title="t">B</abbr> <a href='/de/docs/B#c' id="y">B</a> <img href="/x"></td>"#
        let rewritten = RawHTMLLinks.rewrite(html) { $0.hasPrefix("/de/docs/") ? "../" + $0.dropFirst(9) : nil }
        #expect(rewritten == #"<td><a class="x" href="../A">A</a>, <abbr title="t">B</abbr> <a href='../B#c' id="y">B</a> <img href="/x"></td>"#)
    }

    @Test("raw HTML links go through the same resolution as Markdown links")
    func resolved() {
        var ids = HeadingIDs()
        let html = MarkdownRenderer().render("<table><tr><td><a href=\"/x\">X</a></td></tr></table>\n", ids: &ids) { url in
            url == "/x" ? .init(href: "./x/index.html") : nil
        }.html
        #expect(html == "<figure class=\"table-container\"><table><tr><td><a href=\"./x/index.html\">X</a></td></tr></table></figure>\n")
    }
}
