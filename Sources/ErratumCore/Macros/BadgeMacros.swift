/// `{{Experimental_Inline}}`, `{{Deprecated_Inline}}`, `{{Non-standard_Inline}}`: MDN's
/// inline status icons, named by their title and accessible label.
struct BadgeMacro: Macro {
    let names: [String]
    var parameters: [MacroParameter] { [] }
    let icon: String
    let key: String
    let title: String
    let label: String

    static let experimental = BadgeMacro(names: ["experimental_inline", "experimentalbadge"], icon: "experimental",
                                         key: "experimental", title: "Experimental: its behaviour may change.",
                                         label: "Experimental")
    static let deprecated = BadgeMacro(names: ["deprecated_inline"], icon: "deprecated", key: "deprecated",
                                       title: "Deprecated: do not use it in new work.", label: "Deprecated")
    static let nonStandard = BadgeMacro(names: ["non_standard_inline"], icon: "nonstandard", key: "non_standard",
                                        title: "Non-standard: check browser support first.", label: "Non-standard")

    func expand(_ call: MacroCall, in context: MacroContext) throws(MacroError) -> MacroOutput {
        let title = context.word(mdn: "Template.\(key)_badge_title", "badges.\(key).title", self.title)
        let label = context.word(mdn: "Template.\(key)_badge_abbreviation", "badges.\(key).label", self.label)
        return MacroOutput(html: "<span role=\"img\" class=\"icon icon-\(icon)\" title=\"\(HTMLText.escapeAttribute(title))\" aria-label=\"\(HTMLText.escapeAttribute(label))\"></span>")
    }
}

/// `{{Optional_Inline}}`: the "Optional" badge.
struct OptionalMacro: Macro {
    let names = ["optional_inline"]
    let parameters: [MacroParameter] = []

    func expand(_ call: MacroCall, in context: MacroContext) throws(MacroError) -> MacroOutput {
        let label = context.word(mdn: "Template.optional", "badges.optional", "Optional")
        return MacroOutput(html: "<span class=\"badge inline optional\">\(HTMLText.escapeText(label))</span>")
    }
}

/// The header banners (`{{Deprecated_Header}}`, `{{Non-standard_Header}}`,
/// `{{SecureContext_Header}}`, `{{SeeCompatTable}}`): a notecard with a label and a sentence.
/// MDN's sentences hold links, so the copy is HTML, from the content's L10n or our strings.
struct BannerMacro: Macro {
    let names: [String]
    /// Only `deprecated_header(version)` takes an argument, which MDN no longer shows.
    var parameters: [MacroParameter] { names == ["deprecated_header"] ? [.optional("a version", .any)] : [] }
    let kind: String
    let labelKey: String
    let copyKey: String
    let ours: String
    let fallbackLabel: String

    static let deprecated = BannerMacro(names: ["deprecated_header"], kind: "deprecated",
                                        labelKey: "deprecated_badge_abbreviation", copyKey: "deprecated_header_copy", ours: "deprecated", fallbackLabel: "Deprecated")
    static let nonStandard = BannerMacro(names: ["non_standard_header"], kind: "nonstandard",
                                         labelKey: "non_standard_badge_abbreviation", copyKey: "non_standard_header_copy", ours: "non_standard", fallbackLabel: "Non-standard")
    static let secureContext = BannerMacro(names: ["securecontext_header"], kind: "secure",
                                           labelKey: "secure_context_label", copyKey: "secure_context_header_copy", ours: "secure_context", fallbackLabel: "Secure context")
    static let seeCompatTable = BannerMacro(names: ["seecompattable"], kind: "experimental",
                                            labelKey: "experimental_badge_abbreviation", copyKey: "see_compat_table_copy", ours: "experimental", fallbackLabel: "Experimental")

    func expand(_ call: MacroCall, in context: MacroContext) throws(MacroError) -> MacroOutput {
        let label = context.word(mdn: "Template.\(labelKey)", "banners.\(ours).label", fallbackLabel)
        // The copy is HTML with MDN links (`/de/docs/MDN/…`), resolved like the page's own.
        let copy = RawHTMLLinks.rewrite(context.word(mdn: "Template.\(copyKey)", "banners.\(ours).copy", "")) {
            context.links.markup(for: $0)?.href
        }
        return MacroOutput(html: "<div class=\"notecard \(kind)\"><p><strong>\(HTMLText.escapeText(label)):</strong> \(copy)</p></div>",
                           isBlock: true)
    }
}

/// `{{Compat}}`: where MDN draws the browser-compatibility table. Erratum ships no
/// compatibility data, so the block names the query and links to the live table.
struct CompatMacro: Macro {
    let names = ["compat"]
    /// MDN's `compat()` takes none; older pages still pass the query, which MDN ignores.
    let parameters: [MacroParameter] = []

    func expand(_ call: MacroCall, in context: MacroContext) throws(MacroError) -> MacroOutput {
        let queries = context.document.frontMatter.browserCompat
        guard !queries.isEmpty else { return MacroOutput(html: "", isBlock: true) }
        let text = context.word("macros.compat-live", "See the browser compatibility table on MDN:")
        let link = context.word("macros.compat-link", "browser compatibility")
        let href = context.links.livePage(fragment: "browser_compatibility")
        let html = queries.map { query in
            "<div class=\"bc-data\" data-query=\"\(HTMLText.escapeAttribute(query))\" data-depth=\"1\" data-multiple=\"\(queries.count > 1)\">"
                + "<p>\(HTMLText.escapeText(text)) <a class=\"external\" href=\"\(HTMLText.escapeAttribute(href))\">\(HTMLText.escapeText(link))</a> (<code>\(HTMLText.escapeText(query))</code>)</p></div>"
        }.joined(separator: "\n")
        return MacroOutput(html: html, isBlock: true)
    }
}

/// `{{SubpagesWithSummaries}}`: the page's children, by title, each with its first paragraph.
struct SubpagesWithSummariesMacro: Macro {
    let names = ["subpageswithsummaries"]
    let parameters: [MacroParameter] = []

    func expand(_ call: MacroCall, in context: MacroContext) throws(MacroError) -> MacroOutput {
        let children = context.catalog.children(of: context.document.slug, locale: context.document.locale)
        // With no children MDN still writes the (empty) list.
        var html = "<dl>"
        for child in children {
            let summary = child.summary
                ?? context.word("macros.no-summary", "No summary found.")
            html += "<dt class=\"landingPageList\">\(context.links.anchor(child.url, innerHTML: HTMLText.escapeText(child.frontMatter.title)))</dt>"
            html += "<dd class=\"landingPageList\"><p>\(summary)</p></dd>"
        }
        return MacroOutput(html: html + "</dl>", isBlock: true)
    }
}

/// A page's summary as MDN takes it: the first paragraph of prose, macros reduced to text.
enum Summary {
    /// The HTML of the first paragraph: skips blank lines, headings and lines that hold only
    /// macros; a macro becomes `<code>` with its first argument (`Glossary`, plain text).
    static func firstParagraph(of body: String) -> String? {
        var lines: [Substring] = []
        // Line by line from the top, stopping at the paragraph's end: bodies run to thousands
        // of lines, and every landing page and search index asks for this.
        var rest = body[...]
        while !rest.isEmpty {
            // "\n" is one byte and never inside another character's bytes (`\r\n` was made `\n`
            // when the file was read).
            let end = rest.utf8.firstIndex(of: UInt8(ascii: "\n")) ?? rest.endIndex
            let line = rest[..<end]
            rest = end == rest.endIndex ? rest[end...] : rest[rest.utf8.index(after: end)...]
            let trimmed = line.trimmingSpaces
            if trimmed.isEmpty {
                if lines.isEmpty { continue } else { break }
            }
            if lines.isEmpty, trimmed.hasPrefix("#") || trimmed.hasPrefix(">") || trimmed.hasPrefix("```") || isOnlyMacros(trimmed) { continue }
            lines.append(trimmed)
        }
        guard !lines.isEmpty else { return nil }
        let text = lines.joined(separator: " ")
        let calls = MacroParser().parse(text).calls
        var html = ""
        var cursor = text.utf8.startIndex
        for call in calls {
            let start = text.utf8.index(text.utf8.startIndex, offsetBy: call.range.lowerBound)
            html += HTMLText.escapeText(String(text[cursor..<start]))
            let argument = HTMLText.escapeText(call.argument(1) ?? call.argument(0) ?? "")
            html += call.normalizedName == "glossary" ? argument : (argument.isEmpty ? "" : "<code>\(argument)</code>")
            cursor = text.utf8.index(text.utf8.startIndex, offsetBy: call.range.upperBound)
        }
        html += HTMLText.escapeText(String(text[cursor...]))
        return stripMarkdown(html)
    }

    /// Whether nothing but macro calls and spaces is on the line.
    static func isOnlyMacros(_ line: Substring) -> Bool {
        let text = String(line)
        let calls = MacroParser().parse(text).calls
        guard !calls.isEmpty else { return false }
        var bytes = Array(text.utf8)
        for call in calls.reversed() { bytes.removeSubrange(call.range) }
        return bytes.allSatisfy { $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") }
    }

    /// Drops the emphasis and code markers and link syntax of plain Markdown prose.
    static func stripMarkdown(_ text: String) -> String {
        // Byte by byte: every mark is ASCII, and a summary is taken of every document at load.
        var text = text
        return text.withUTF8 { bytes in
            func first(_ byte: UInt8, from start: Int) -> Int? {
                var index = start
                while index < bytes.count {
                    if bytes[index] == byte { return index }
                    index += 1
                }
                return nil
            }
            var result: [UInt8] = []
            result.reserveCapacity(bytes.count)
            var index = 0
            while index < bytes.count {
                let byte = bytes[index]
                if byte == UInt8(ascii: "["), let close = first(UInt8(ascii: "]"), from: index + 1),
                   close + 1 < bytes.count, bytes[close + 1] == UInt8(ascii: "("),
                   let end = first(UInt8(ascii: ")"), from: close + 1) {
                    result += bytes[(index + 1)..<close]
                    index = end + 1
                    continue
                }
                if byte != UInt8(ascii: "*") && byte != UInt8(ascii: "`") { result.append(byte) }
                index += 1
            }
            return String(decoding: result, as: UTF8.self)
        }
    }
}
