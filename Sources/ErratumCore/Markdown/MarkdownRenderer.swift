import CMark
import Foundation

/// Renders CommonMark with libcmark and applies MDN's forms on cmark's tree: heading ids,
/// code-example wrappers, and links rewritten by the caller.
///
/// This file is the only one that imports `CMark`. Every cmark object is freed in the
/// function that creates it, and no C pointer leaves this type.
public struct MarkdownRenderer: Sendable {
    /// How one link destination should be written.
    public struct LinkMarkup: Sendable, Hashable {
        /// The new `href`; nil drops the attribute (MDN's `page-not-created` links).
        public var href: String?
        /// Attributes after `href`, in order (`class`, `data-href`, `title`…), unescaped.
        public var attributes: [Attribute]

        /// Creates link markup.
        public init(href: String?, attributes: [Attribute] = []) {
            self.href = href
            self.attributes = attributes
        }
    }

    /// One HTML attribute; the value is escaped when written.
    public struct Attribute: Sendable, Hashable {
        /// The attribute name.
        public var name: String
        /// The raw value.
        public var value: String
        /// Creates an attribute.
        public init(_ name: String, _ value: String) {
            self.name = name
            self.value = value
        }
    }

    /// A heading as rendered, for the page's table of contents.
    public struct Heading: Sendable, Hashable {
        /// 1 to 6.
        public var level: Int
        /// The unique id given to it.
        public var id: String
        /// The heading's inner HTML.
        public var html: String
    }

    /// The result of rendering one body.
    public struct Output: Sendable {
        /// The HTML.
        public var html: String
        /// Every heading, in order.
        public var headings: [Heading]
        /// Every link destination as written in the Markdown, in order.
        public var links: [String] = []
        /// Raw HTML and link destinations that would have run code, and were made inert.
        var unsafe: [UnsafeHTML.Finding] = []
    }

    /// Creates a renderer.
    public init() {}

    /// Renders Markdown to HTML with raw HTML kept.
    ///
    /// - Parameters:
    ///   - markdown: the body, with macro calls already replaced by placeholders.
    ///   - plainText: turns a heading's text (placeholders included) into the text its id is
    ///     made from.
    ///   - expand: turns a heading's inner HTML (placeholders included) into its final HTML.
    ///   - ids: the page's id set; headings claim their ids from it in document order.
    ///   - labels: the words callouts start with, in the page's language.
    ///   - link: how to write each link destination; nil leaves the link as written.
    ///   - image: where each image's source is; nil leaves it as written.
    public func render(
        _ markdown: String,
        plainText: (String) -> String = { $0 },
        expand: (String) -> String = { $0 },
        ids: inout HeadingIDs,
        labels: CalloutLabels = .english,
        link: (String) -> LinkMarkup? = { _ in nil },
        image: (String) -> String? = { _ in nil }
    ) -> Output {
        let options = CMARK_OPT_UNSAFE
        let (source, tables) = PipeTable.extract(from: markdown) { Self.tableMarker($0) }
        guard let root = source.withCString({ cmark_parse_document($0, source.utf8.count, options) }) else {
            return Output(html: "", headings: [])
        }
        defer { cmark_node_free(root) }

        var links: [OpaquePointer] = []
        var codeBlocks: [OpaquePointer] = []
        var headingNodes: [OpaquePointer] = []
        var paragraphs: [OpaquePointer] = []
        var lists: [OpaquePointer] = []
        var quotes: [OpaquePointer] = []
        var rawHTML: [OpaquePointer] = []
        var unsafe: [UnsafeHTML.Finding] = []
        if let iterator = cmark_iter_new(root) {
            defer { cmark_iter_free(iterator) }
            while case let event = cmark_iter_next(iterator), event != CMARK_EVENT_DONE {
                guard event == CMARK_EVENT_ENTER, let node = cmark_iter_get_node(iterator) else { continue }
                switch cmark_node_get_type(node) {
                case CMARK_NODE_LINK:
                    // Made inert here, in document order, so warnings come in source order.
                    if let finding = neutraliseScriptURL(node) { unsafe.append(finding) }
                    links.append(node)
                case CMARK_NODE_IMAGE:
                    if let finding = neutraliseScriptURL(node) {
                        unsafe.append(finding)
                    } else if let source = image(string(cmark_node_get_url(node))) {
                        _ = source.withCString { cmark_node_set_url(node, $0) }
                    }
                case CMARK_NODE_CODE_BLOCK: codeBlocks.append(node)
                case CMARK_NODE_HEADING: headingNodes.append(node)
                case CMARK_NODE_PARAGRAPH where !tables.isEmpty: paragraphs.append(node)
                case CMARK_NODE_LIST: lists.append(node)
                case CMARK_NODE_BLOCK_QUOTE: quotes.append(node)
                case CMARK_NODE_HTML_BLOCK, CMARK_NODE_HTML_INLINE:
                    let original = string(cmark_node_get_literal(node))
                    let (literal, findings) = UnsafeHTML.neutralise(original)
                    let line = Int(cmark_node_get_start_line(node))
                    unsafe += findings.map { var finding = $0; finding.line = line; return finding }
                    if literal != original { _ = literal.withCString { cmark_node_set_literal(node, $0) } }
                    rawHTML.append(node)
                default: break
                }
            }
        }

        let destinations = links.map { string(cmark_node_get_url($0)) }
        for node in links {
            rewriteLink(node, link)
        }
        // Links written as raw HTML (`<a href="/de/docs/…">` in HTML tables) resolve the same way.
        // Tables written as raw HTML sit in MDN's scrolling container like pipe tables.
        for node in rawHTML {
            let literal = string(cmark_node_get_literal(node))
            var rewritten = literal.contains("href") ? RawHTMLLinks.rewrite(literal) { link($0)?.href } : literal
            if cmark_node_get_type(node) == CMARK_NODE_HTML_BLOCK { rewritten = TableContainer.wrapTables(in: rewritten) }
            if rewritten != literal { _ = rewritten.withCString { cmark_node_set_literal(node, $0) } }
        }
        // Each table's placeholder stands alone in a paragraph; the table takes its place.
        for node in paragraphs {
            guard let child = cmark_node_first_child(node), cmark_node_next(child) == nil,
                  cmark_node_get_type(child) == CMARK_NODE_TEXT,
                  let index = Self.tableIndex(string(cmark_node_get_literal(child))), index < tables.count else { continue }
            let html = tables[index].html { cell in
                var cellIDs = HeadingIDs()
                let rendered = render(PipeTable.inlineSource(cell), ids: &cellIDs, link: link)
                // A cell's lines count from its own start; the table's paragraph is the hint.
                unsafe += rendered.unsafe.map { var finding = $0; finding.line = Int(cmark_node_get_start_line(node)); return finding }
                return Self.unwrapParagraph(rendered.html)
            }
            replace(node, withBlockHTML: TableContainer.open + html + TableContainer.close)
        }
        for node in codeBlocks {
            let info = string(cmark_node_get_fence_info(node))
            let code = string(cmark_node_get_literal(node))
            replace(node, withBlockHTML: CodeExample.html(info: info, code: code))
        }
        var headings: [Heading] = []
        for node in headingNodes {
            let level = Int(cmark_node_get_heading_level(node))
            let inner = expand(innerHTML(of: node, level: level))
            let id = ids.claim(plainText(text(of: node)))
            headings.append(Heading(level: level, id: id, html: inner))
            replace(node, withBlockHTML: HeadingMarkup.html(level: level, id: id, inner: inner))
        }

        // Callouts before definition lists: rewriting a list frees the nodes inside it, and a
        // callout's own rewrite only moves its children.
        for quote in quotes {
            rewriteCallout(quote, labels: labels)
        }
        // Terms claim their ids after every heading, in document order, as in MDN; the lists are
        // then rewritten innermost first, so a list nested in a definition is already HTML.
        let definitionLists = lists.filter(isDefinitionList)
        var termIDs: [[String]] = []
        for list in definitionLists {
            termIDs.append(items(of: list).map { item in
                ids.claim(plainText(termText(cmark_node_first_child(item))))
            })
        }
        for (list, listIDs) in zip(definitionLists, termIDs).reversed() {
            replace(list, withBlockHTML: definitionListHTML(list, ids: listIDs, expand: expand))
        }

        guard let rendered = cmark_render_html(root, options) else { return Output(html: "", headings: headings) }
        defer { free(rendered) }
        return Output(html: String(cString: rendered), headings: headings, links: destinations, unsafe: unsafe)
    }

    /// Empties a link's or image's destination when following or loading it would run script
    /// (`[x](javascript:…)`); cmark's own safe mode does the same.
    private func neutraliseScriptURL(_ node: OpaquePointer) -> UnsafeHTML.Finding? {
        let url = string(cmark_node_get_url(node))
        guard let scheme = UnsafeHTML.scriptSchemes.first(where: UnsafeHTML.normalisedURL(url).hasPrefix) else { return nil }
        _ = "".withCString { cmark_node_set_url(node, $0) }
        let what = cmark_node_get_type(node) == CMARK_NODE_IMAGE ? "image source" : "link destination"
        return UnsafeHTML.Finding(message: "the \(what) '\(scheme)…' would run code when followed; it is left empty",
                                  tag: url, token: url, line: Int(cmark_node_get_start_line(node)))
    }

    // MARK: Tables

    /// The line that stands for table `index` until cmark has parsed the rest.
    static func tableMarker(_ index: Int) -> String { "\u{E002}\(index)\u{E003}" }

    static func tableIndex(_ text: String) -> Int? {
        guard text.first == "\u{E002}", text.last == "\u{E003}" else { return nil }
        return Int(text.dropFirst().dropLast())
    }

    /// The inside of `<p>…</p>\n`, for content rendered as one paragraph.
    static func unwrapParagraph(_ html: String) -> String {
        guard html.hasPrefix("<p>"), html.hasSuffix("</p>\n") else {
            return html.hasSuffix("\n") ? String(html.dropLast()) : html
        }
        return String(html.dropFirst(3).dropLast(5))
    }

    // MARK: Definition lists

    /// MDN's definition list: a bullet list whose every item is a term paragraph followed by
    /// one nested bullet list whose items each start with `: `.
    private func isDefinitionList(_ list: OpaquePointer) -> Bool {
        guard cmark_node_get_list_type(list) == CMARK_BULLET_LIST else { return false }
        let entries = items(of: list)
        return !entries.isEmpty && entries.allSatisfy { item in
            guard let term = cmark_node_first_child(item), cmark_node_get_type(term) == CMARK_NODE_PARAGRAPH,
                  let definitions = cmark_node_next(term), cmark_node_get_type(definitions) == CMARK_NODE_LIST,
                  cmark_node_next(definitions) == nil,
                  cmark_node_get_list_type(definitions) == CMARK_BULLET_LIST else { return false }
            let definitionItems = items(of: definitions)
            return !definitionItems.isEmpty && definitionItems.allSatisfy { definition in
                guard let paragraph = cmark_node_first_child(definition),
                      cmark_node_get_type(paragraph) == CMARK_NODE_PARAGRAPH,
                      let text = cmark_node_first_child(paragraph), cmark_node_get_type(text) == CMARK_NODE_TEXT else {
                    return false
                }
                let literal = string(cmark_node_get_literal(text))
                return literal == ":" || literal.hasPrefix(": ")
            }
        }
    }

    private func items(of list: OpaquePointer) -> [OpaquePointer] {
        var result: [OpaquePointer] = []
        var item = cmark_node_first_child(list)
        while let current = item {
            result.append(current)
            item = cmark_node_next(current)
        }
        return result
    }

    /// The text a term's id is made from: MDN uses only the first element when the term
    /// starts with one (`<code>accept</code> header` → `accept`).
    private func termText(_ paragraph: OpaquePointer?) -> String {
        guard let paragraph, let first = cmark_node_first_child(paragraph) else { return "" }
        return cmark_node_get_type(first) == CMARK_NODE_TEXT ? text(of: paragraph) : text(of: first)
    }

    private func definitionListHTML(_ list: OpaquePointer, ids: [String], expand: (String) -> String) -> String {
        var html = "<dl>\n"
        for (item, id) in zip(items(of: list), ids) {
            guard let term = cmark_node_first_child(item), let definitions = cmark_node_next(term) else { continue }
            // MDN wraps every definition's text in <p>, however tight the source list is.
            cmark_node_set_list_tight(definitions, 0)
            let inner = expand(Self.unwrapParagraph(renderHTML(term)))
            let escapedID = HTMLText.escapeAttribute(id)
            // A term that already holds a link gets no self-link: nested <a> is invalid.
            html += inner.contains("<a ")
                ? "<dt id=\"\(escapedID)\">\(inner)</dt>\n"
                : "<dt id=\"\(escapedID)\"><a href=\"#\(escapedID)\">\(inner)</a></dt>\n"
            for definition in items(of: definitions) {
                if let paragraph = cmark_node_first_child(definition), let marker = cmark_node_first_child(paragraph) {
                    let literal = string(cmark_node_get_literal(marker))
                    let rest = String(literal.dropFirst(literal.hasPrefix(": ") ? 2 : 1))
                    if rest.isEmpty, cmark_node_next(marker) != nil {
                        cmark_node_unlink(marker)
                        cmark_node_free(marker)
                    } else {
                        _ = rest.withCString { cmark_node_set_literal(marker, $0) }
                    }
                }
                var content = ""
                var child = cmark_node_first_child(definition)
                while let block = child {
                    content += renderHTML(block)
                    child = cmark_node_next(block)
                }
                html += "<dd>\n\(content)</dd>\n"
            }
        }
        return html + "</dl>"
    }

    private func renderHTML(_ node: OpaquePointer) -> String {
        guard let rendered = cmark_render_html(node, CMARK_OPT_UNSAFE) else { return "" }
        defer { free(rendered) }
        return String(cString: rendered)
    }

    // MARK: Callouts

    /// Turns a block quote that starts with `[!NOTE]`, `[!WARNING]` or `[!CALLOUT]` (GFM
    /// alerts), or with a bold `Note:`/`Warning:` (MDN's older form), into MDN's notecard.
    private func rewriteCallout(_ quote: OpaquePointer, labels: CalloutLabels) {
        guard let paragraph = cmark_node_first_child(quote), cmark_node_get_type(paragraph) == CMARK_NODE_PARAGRAPH,
              let first = cmark_node_first_child(paragraph) else { return }
        let kind: CalloutLabels.Kind
        switch cmark_node_get_type(first) {
        case CMARK_NODE_TEXT:
            let literal = string(cmark_node_get_literal(first))
            guard let found = CalloutLabels.Kind.allCases.first(where: { literal.hasPrefix($0.marker) }) else { return }
            kind = found
            let rest = String(literal.dropFirst(kind.marker.count))
            if rest.isEmpty {
                cmark_node_unlink(first)
                cmark_node_free(first)
            } else {
                _ = rest.withCString { cmark_node_set_literal(first, $0) }
            }
            if labels.label(for: kind) == nil, let head = cmark_node_first_child(paragraph),
               cmark_node_get_type(head) == CMARK_NODE_SOFTBREAK {
                // No label to stand before it: the marker's line end goes with the marker.
                cmark_node_unlink(head)
                cmark_node_free(head)
            }
            if let label = labels.label(for: kind),
               let strong = rawNode(CMARK_NODE_HTML_INLINE, "<strong>\(HTMLText.escapeText(label))</strong>") {
                if let head = cmark_node_first_child(paragraph) {
                    cmark_node_insert_before(head, strong)
                } else {
                    cmark_node_append_child(paragraph, strong)
                }
            }
        case CMARK_NODE_STRONG:
            let label = text(of: first).trimmingCharacters(in: .whitespaces)
            guard let found = labels.kind(ofLegacyLabel: label) else { return }
            kind = found
        default:
            return
        }
        replace(quote, withChildrenBetween: rawNode(CMARK_NODE_HTML_BLOCK, "<div class=\"\(kind.classes)\">\n"),
                and: rawNode(CMARK_NODE_HTML_BLOCK, "</div>\n"))
    }

    // MARK: Tree surgery

    /// Rewrites one link: a new URL in place, or, when attributes change, raw `<a …>` and `</a>`
    /// around the link's children.
    private func rewriteLink(_ node: OpaquePointer, _ link: (String) -> LinkMarkup?) {
        let url = string(cmark_node_get_url(node))
        guard let markup = link(url) else { return }
        let title = string(cmark_node_get_title(node))
        if markup.attributes.isEmpty, let href = markup.href {
            _ = href.withCString { cmark_node_set_url(node, $0) }
            return
        }
        var attributes = markup.attributes
        if !title.isEmpty, !attributes.contains(where: { $0.name == "title" }) { attributes.append(Attribute("title", title)) }
        let open = HTMLText.startTag("a", href: markup.href, attributes: attributes)
        replace(node, withChildrenBetween: rawNode(CMARK_NODE_HTML_INLINE, open), and: rawNode(CMARK_NODE_HTML_INLINE, "</a>"))
    }

    /// A raw HTML node (inline or block) holding `html`.
    private func rawNode(_ type: cmark_node_type, _ html: String) -> OpaquePointer? {
        guard let node = cmark_node_new(type) else { return nil }
        _ = html.withCString { cmark_node_set_literal(node, $0) }
        return node
    }

    /// Replaces a container by its own children between two raw HTML nodes, and frees it.
    private func replace(_ node: OpaquePointer, withChildrenBetween open: OpaquePointer?, and close: OpaquePointer?) {
        guard let open, let close else {
            open.map(cmark_node_free)
            close.map(cmark_node_free)
            return
        }
        cmark_node_insert_before(node, open)
        while let child = cmark_node_first_child(node) {
            cmark_node_unlink(child)
            cmark_node_insert_before(node, child)
        }
        cmark_node_insert_before(node, close)
        cmark_node_unlink(node)
        cmark_node_free(node)
    }

    /// Replaces a block node by a raw HTML block holding `html`.
    private func replace(_ node: OpaquePointer, withBlockHTML html: String) {
        guard let block = cmark_node_new(CMARK_NODE_HTML_BLOCK) else { return }
        _ = (html + "\n").withCString { cmark_node_set_literal(block, $0) }
        cmark_node_replace(node, block)
        cmark_node_free(node)
    }

    /// The HTML cmark gives a heading's content, without the `<hN>` tags around it.
    private func innerHTML(of node: OpaquePointer, level: Int) -> String {
        guard let rendered = cmark_render_html(node, CMARK_OPT_UNSAFE) else { return "" }
        defer { free(rendered) }
        var html = String(cString: rendered)
        let open = "<h\(level)>", close = "</h\(level)>\n"
        if html.hasPrefix(open) { html.removeFirst(open.count) }
        if html.hasSuffix(close) { html.removeLast(close.count) }
        return html
    }

    /// The text of a node as MDN collects it for ids: text and inline code, breaks as spaces.
    private func text(of node: OpaquePointer) -> String {
        var result = ""
        guard let iterator = cmark_iter_new(node) else { return result }
        defer { cmark_iter_free(iterator) }
        while case let event = cmark_iter_next(iterator), event != CMARK_EVENT_DONE {
            guard event == CMARK_EVENT_ENTER, let child = cmark_iter_get_node(iterator) else { continue }
            switch cmark_node_get_type(child) {
            case CMARK_NODE_TEXT, CMARK_NODE_CODE: result += string(cmark_node_get_literal(child))
            case CMARK_NODE_SOFTBREAK, CMARK_NODE_LINEBREAK: result += " "
            default: break
            }
        }
        return result
    }

    private func string(_ pointer: UnsafePointer<CChar>?) -> String {
        pointer.map { String(cString: $0) } ?? ""
    }
}
