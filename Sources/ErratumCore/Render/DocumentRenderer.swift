import Foundation

/// One document rendered to HTML, with what the page around it needs.
public struct RenderedDocument: Sendable {
    /// The document (with inherited front matter).
    public var document: Document
    /// The body HTML.
    public var html: String
    /// The headings, in order, for the page's contents list.
    public var headings: [MarkdownRenderer.Heading]
    /// The sidebar the page asks for (front matter `sidebar:` or a sidebar macro).
    public var sidebar: String?
    /// Warnings found while rendering (unknown macros, bad arguments).
    public var diagnostics: [Diagnostic]
    /// The Markdown link destinations, as written.
    public var links: [String] = []
    /// Files the page shows (images beside its `index.md`, or beside its English source's),
    /// to be copied next to the page.
    public var assets: [Asset] = []

    /// A file the page refers to by a path relative to itself.
    public struct Asset: Sendable, Hashable {
        /// Where the file is in the content.
        public var source: String
        /// Its path relative to the page's folder, as the page names it.
        public var path: String
    }
}

/// Turns one document into HTML: macros out, cmark, macro HTML back in, MDN's ids and wrappers.
///
/// Documents render independently of each other, so this can run on many at once.
public struct DocumentRenderer: Sendable {
    /// Every document, for links and inheritance.
    public let catalog: Catalog
    /// Localized words for macros.
    public let strings: StringsCatalog
    /// The macros known.
    public let macros: MacroRegistry
    /// How links are written.
    public let style: LinkStyle

    /// Creates a renderer.
    public init(catalog: Catalog, strings: StringsCatalog, macros: MacroRegistry = .standard, style: LinkStyle) {
        self.catalog = catalog
        self.strings = strings
        self.macros = macros
        self.style = style
    }

    /// Private-use characters bracket placeholders: cmark passes them through untouched, and
    /// no real document contains them next to digits.
    static let placeholderOpen: Character = "\u{E000}"
    static let placeholderClose: Character = "\u{E001}"

    /// Renders a document.
    public func render(_ document: Document) -> RenderedDocument {
        render(document, catalog: catalog)
    }

    /// Renders a document, noting in `log` every question asked of the catalog and the disk.
    func render(_ document: Document, recordingInto log: DependencyLog) -> RenderedDocument {
        render(document, catalog: catalog.recording(into: log))
    }

    private func render(_ document: Document, catalog: Catalog) -> RenderedDocument {
        var diagnostics: [Diagnostic] = []
        // MDN titles a link to an unwritten page with its `Common.summary` words.
        let notCreated = HTMLText.decodingEntities(strings.word(
            mdn: "Common.summary", "macros.page-not-created", "This page has not been written yet.",
            locale: document.locale, l10n: catalog.l10n))
        let links = LinkWriter(catalog: catalog, page: document, style: style, notCreatedTitle: notCreated)
        let context = MacroContext(document: document, catalog: catalog, links: links, strings: strings)

        let body: String
        do throws(DiagnosticError) {
            body = try document.readBody()
        } catch {
            return RenderedDocument(document: document, html: "", headings: [], sidebar: document.frontMatter.sidebar,
                                    diagnostics: error.diagnostics)
        }
        let parsed = MacroParser().parse(body)
        for problem in parsed.problems {
            diagnostics.append(Diagnostic(.warning, .macroSyntax, problem.message,
                                          at: document.location(bodyLine: problem.line, column: problem.column)))
        }

        var outputs: [MacroOutput] = []
        var sidebar = document.frontMatter.sidebar
        for call in parsed.calls {
            let location = document.location(bodyLine: call.line, column: call.column)
            guard let macro = macros.macro(for: call) else {
                diagnostics.append(Diagnostic(.warning, .unknownMacro, Self.unknownMacroMessages.message(for: call.name), at: location))
                outputs.append(MacroRegistry.unsupported(call))
                continue
            }
            if call.normalizedName == "httpsidebar", sidebar == nil { sidebar = "http" }
            let (argumentError, ignored) = call.check(against: macro.parameters)
            if let ignored { diagnostics.append(Diagnostic(.warning, .macroArguments, ignored, at: location)) }
            do throws(MacroError) {
                if let argumentError { throw argumentError }
                outputs.append(try macro.expand(call, in: context))
            } catch {
                diagnostics.append(Diagnostic(.warning, .macroArguments, error.message, at: location))
                outputs.append(MacroOutput(html: "<s>\(HTMLText.escapeText(error.message))</s>"))
            }
        }

        let markdown = Self.replacingCalls(in: body, calls: parsed.calls)
        var assets: [RenderedDocument.Asset] = []
        var ids = HeadingIDs()
        let rendered = MarkdownRenderer().render(
            markdown,
            plainText: { Self.idText($0, outputs: outputs) },
            expand: { Self.substitute(in: $0, count: outputs.count, blocks: []) { outputs[$0].html } },
            ids: &ids,
            labels: CalloutLabels(
                note: strings.text("callouts.note", locale: document.locale) ?? CalloutLabels.english.note,
                warning: strings.text("callouts.warning", locale: document.locale) ?? CalloutLabels.english.warning),
            link: { links.markup(for: $0) },
            image: { source in
                let (resolved, asset) = imageSource(source, of: document, catalog: catalog)
                if let asset { assets.append(asset) }
                return resolved
            }
        )
        diagnostics += Self.unsafeHTMLDiagnostics(rendered.unsafe, in: document, body: body)
        let html = Self.substituteBlocks(in: rendered.html, outputs: outputs)
        return RenderedDocument(document: document, html: html, headings: rendered.headings, sidebar: sidebar,
                                diagnostics: diagnostics, links: rendered.links, assets: assets)
    }

    /// Where an image of `document` is: a file beside the page's source (or beside its
    /// English source's, where MDN keeps the images of translations) is copied next to the
    /// page and keeps its relative path; in the offline site, any other relative image, and
    /// any site path, is MDN's copy on the live site. Other URLs stay as written.
    func imageSource(_ source: String, of document: Document, catalog: Catalog) -> (String?, RenderedDocument.Asset?) {
        guard case let .offline(liveBase) = style else { return (nil, nil) }
        // MDN's site-wide images (`/shared-assets/…`) live on MDN.
        if source.hasPrefix("/"), !source.hasPrefix("//") { return (liveBase + source, nil) }
        guard !source.isEmpty, !source.hasPrefix("#"),
              !source.contains(":"), let decoded = source.removingPercentEncoding,
              !decoded.split(separator: "/").contains(where: { $0 == ".." || $0 == "." }) else { return (nil, nil) }
        let path = decoded.split(separator: "?").first.map(String.init) ?? decoded
        var folders = [(document.path as NSString).deletingLastPathComponent]
        if document.locale != .english, let english = catalog.englishSource(of: document) {
            folders.append((english.path as NSString).deletingLastPathComponent)
        }
        for folder in folders {
            let candidate = folder + "/" + path
            if catalog.isFile(candidate) {
                return (nil, RenderedDocument.Asset(source: candidate, path: path))
            }
        }
        return (liveBase + document.url + "/" + source, nil)
    }

    /// The text a heading's id is made from. As in MDN, a heading that starts with a macro's
    /// element takes its id from that element alone (`## {{HTTPStatus(413)}} x` → `413`).
    static func idText(_ text: String, outputs: [MacroOutput]) -> String {
        if text.first == placeholderOpen, let close = text.firstIndex(of: placeholderClose),
           let index = Int(text[text.index(after: text.startIndex)..<close]), outputs.indices.contains(index),
           outputs[index].html.hasPrefix("<") {
            return PlainText.of(html: outputs[index].html)
        }
        return substitute(in: text, outputs: outputs) { PlainText.of(html: $0.html) }
    }

    /// The body with each call's source replaced by its placeholder.
    static func replacingCalls(in body: String, calls: [MacroCall]) -> String {
        guard !calls.isEmpty else { return body }
        let bytes = Array(body.utf8)
        var result: [UInt8] = []
        result.reserveCapacity(bytes.count)
        var cursor = 0
        for (index, call) in calls.enumerated() {
            result += bytes[cursor..<call.range.lowerBound]
            result += Array("\(placeholderOpen)\(index)\(placeholderClose)".utf8)
            cursor = call.range.upperBound
        }
        result += bytes[cursor...]
        return String(decoding: result, as: UTF8.self)
    }

    /// Replaces the placeholders of `outputs` in plain text with `replacement(output)`.
    static func substitute(in text: String, outputs: [MacroOutput], _ replacement: (MacroOutput) -> String) -> String {
        substitute(in: text, count: outputs.count, blocks: [], isHTML: false) { replacement(outputs[$0]) }
    }

    /// Warnings for the raw HTML and link destinations the renderer made inert, each at the
    /// place in the source it came from: the tag as written, else the token alone. A tag that
    /// occurs several times takes its occurrences in order.
    static func unsafeHTMLDiagnostics(_ findings: [UnsafeHTML.Finding], in document: Document, body text: String) -> [Diagnostic] {
        guard !findings.isEmpty else { return [] }
        func folded(_ scalars: some Sequence<Unicode.Scalar>) -> [Unicode.Scalar] {
            scalars.map { (0x41...0x5A).contains($0.value) ? Unicode.Scalar(UInt8($0.value) + 32) : $0 }
        }
        let body = Array(text.unicodeScalars)
        let lowered = folded(body)
        var taken: [String: Int] = [:]
        func find(_ needle: String, from start: Int) -> Int? {
            let target = folded(needle.unicodeScalars)
            guard !target.isEmpty, target.count <= body.count else { return nil }
            var index = start
            while index + target.count <= lowered.count {
                if lowered[index] == target[0], lowered[index..<index + target.count].elementsEqual(target) { return index }
                index += 1
            }
            return nil
        }
        let lineStarts = [0] + body.indices.filter { body[$0] == "\n" }.map { $0 + 1 }
        return findings.map { finding in
            var offset: Int?
            let key = finding.tag + "\u{0}" + finding.token
            let lineStart = finding.line > 0 && finding.line <= lineStarts.count ? lineStarts[finding.line - 1] : 0
            if let tagStart = find(finding.tag, from: max(taken[key] ?? 0, lineStart)) {
                taken[key] = tagStart + 1
                let within = folded(finding.tag.unicodeScalars)
                let token = folded(finding.token.unicodeScalars)
                let relative = (0...max(0, within.count - token.count)).first { within[$0...].starts(with: token) } ?? 0
                offset = tagStart + relative
            } else {
                offset = find(finding.token, from: lineStart)
            }
            let line = offset.map { offset in lineStarts.partitioningIndex(where: { $0 > offset }) - 1 } ?? 0
            let column = offset.map { $0 - lineStarts[line] + 1 } ?? 1
            return Diagnostic(.warning, .unsafeHTML, finding.message, at: document.location(bodyLine: line, column: column))
        }
    }

    /// The warning for each unknown macro, made once per name: MDN's German tree alone calls
    /// unknown macros 28,000 times, and a build holds every warning until it ends.
    static let unknownMacroMessages = MessageTable { "unknown macro '\($0)'" }

    /// Swaps placeholders for macro HTML; a block macro alone in a paragraph replaces the
    /// paragraph (an empty one removes it).
    static func substituteBlocks(in html: String, outputs: [MacroOutput]) -> String {
        substitute(in: html, count: outputs.count, blocks: outputs.map(\.isBlock)) { outputs[$0].html }
    }

    /// What a macro is inside a tag (`![{{Glossary("x")}}](a.png)` puts it in `alt="…"`): its
    /// text, escaped for an attribute. Its HTML there would close the attribute it stands in.
    static func attributeText(_ html: String) -> String {
        HTMLText.escapeAttribute(PlainText.of(html: html)).replacingOccurrences(of: "'", with: "&#39;")
    }

    /// One pass over the UTF-8 bytes: each placeholder of an index below `count` is replaced;
    /// where `blocks[index]` is true and the placeholder fills a whole `<p>…</p>\n`, the
    /// paragraph goes with it. In HTML, a placeholder inside a tag (an attribute value) is
    /// replaced by its text, escaped. Anything else that looks like a placeholder stays as
    /// written: a document may hold the private-use characters itself.
    private static func substitute(in text: String, count: Int, blocks: [Bool], isHTML: Bool = true,
                                   _ replacement: (Int) -> String) -> String {
        let open = Array(String(placeholderOpen).utf8), close = Array(String(placeholderClose).utf8)
        let paragraphOpen = Array("<p>".utf8), paragraphClose = Array("</p>\n".utf8)
        var source = text
        let substituted: String? = source.withUTF8 { bytes in
            guard let base = bytes.baseAddress else { return nil }
            func starts(_ pattern: [UInt8], at index: Int) -> Bool {
                index + pattern.count <= bytes.count && pattern.indices.allSatisfy { bytes[index + $0] == pattern[$0] }
            }
            /// Where the next placeholder opening is at or after `index` (the byte count if none):
            /// `memchr` finds its first byte, which is rare in HTML.
            func nextOpening(from index: Int) -> Int {
                var index = index
                while index < bytes.count, let found = memchr(base + index, Int32(open[0]), bytes.count - index) {
                    index = base.distance(to: found.assumingMemoryBound(to: UInt8.self))
                    if starts(open, at: index) { return index }
                    index += 1
                }
                return bytes.count
            }
            var cursor = nextOpening(from: 0)
            guard cursor < bytes.count else { return nil }
            var result: [UInt8] = []
            result.reserveCapacity(bytes.count + 1024)
            var tag = TagState()
            /// Copies `start..<end`; in HTML, reads the tags on the way.
            func copy(_ start: Int, _ end: Int) {
                if isHTML {
                    for index in start..<end { tag.read(bytes[index], next: index + 1 < bytes.count ? bytes[index + 1] : 0) }
                }
                result += UnsafeBufferPointer(rebasing: bytes[start..<end])
            }
            copy(0, cursor)
            while cursor < bytes.count {
                var digitsEnd = cursor + open.count
                var number = 0
                // Stops once the number is past `count`, before it can overflow.
                while digitsEnd < bytes.count, number < count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[digitsEnd]) {
                    number = number * 10 + Int(bytes[digitsEnd] - UInt8(ascii: "0"))
                    digitsEnd += 1
                }
                var after = cursor + open.count
                if digitsEnd > cursor + open.count, number < count, starts(close, at: digitsEnd) {
                    after = digitsEnd + close.count
                    let isBlock = number < blocks.count && blocks[number]
                    if tag.isInside {
                        result += Array(attributeText(replacement(number)).utf8)
                    } else if isBlock, result.count >= paragraphOpen.count, result.suffix(paragraphOpen.count).elementsEqual(paragraphOpen),
                              starts(paragraphClose, at: after) {
                        result.removeLast(paragraphOpen.count)
                        let html = replacement(number)
                        if !html.isEmpty { result += Array(html.utf8) + [UInt8(ascii: "\n")] }
                        after += paragraphClose.count
                    } else {
                        result += Array(replacement(number).utf8)
                    }
                } else {
                    // Not one of ours: the characters stay as written.
                    result += open
                }
                cursor = nextOpening(from: after)
                copy(after, cursor)
            }
            return String(decoding: result, as: UTF8.self)
        }
        return substituted ?? text
    }
}

extension Array where Element: Comparable {
    /// The first index whose element satisfies `belongs`, for a predicate false then true.
    func partitioningIndex(where belongs: (Element) -> Bool) -> Int {
        var low = 0, high = count
        while low < high {
            let middle = (low + high) / 2
            if belongs(self[middle]) { high = middle } else { low = middle + 1 }
        }
        return low
    }
}

/// Whether a byte of HTML is inside a tag (between `<name` and its `>`, quotes respected).
/// The raw HTML that reaches here has been through `UnsafeHTML`, which drops the attributes
/// whose quotes a browser would read differently, so this simple reading agrees with one.
private struct TagState {
    private(set) var isInside = false
    private var quote: UInt8 = 0

    mutating func read(_ byte: UInt8, next: UInt8 = 0) {
        if !isInside {
            let isLetter = (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(next | 0x20)
            if byte == UInt8(ascii: "<"), isLetter || next == UInt8(ascii: "/") { isInside = true }
        } else if quote != 0 {
            if byte == quote { quote = 0 }
        } else if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "'") {
            quote = byte
        } else if byte == UInt8(ascii: ">") {
            isInside = false
        }
    }
}

/// Text content of a small piece of HTML: tags dropped, the basic entities decoded.
enum PlainText {
    /// The text of some HTML: tags dropped, the five entities MDN's HTML escapes decoded.
    static func of(html: String) -> String {
        var text: [UInt8] = []
        text.reserveCapacity(html.utf8.count)
        var inTag = false
        for byte in html.utf8 {
            if byte == UInt8(ascii: "<") { inTag = true; continue }
            if byte == UInt8(ascii: ">"), inTag { inTag = false; continue }
            if !inTag { text.append(byte) }
        }
        guard text.contains(UInt8(ascii: "&")) else { return String(decoding: text, as: UTF8.self) }
        // One pass: what an entity decodes to is never read again.
        let entities: [(name: [UInt8], value: UInt8)] = [
            (Array("&lt;".utf8), UInt8(ascii: "<")), (Array("&gt;".utf8), UInt8(ascii: ">")),
            (Array("&quot;".utf8), UInt8(ascii: "\"")), (Array("&#39;".utf8), UInt8(ascii: "'")),
            (Array("&amp;".utf8), UInt8(ascii: "&")),
        ]
        var decoded: [UInt8] = []
        decoded.reserveCapacity(text.count)
        var index = 0
        scan: while index < text.count {
            if text[index] == UInt8(ascii: "&") {
                for entity in entities where text[index...].starts(with: entity.name) {
                    decoded.append(entity.value)
                    index += entity.name.count
                    continue scan
                }
            }
            decoded.append(text[index])
            index += 1
        }
        return String(decoding: decoded, as: UTF8.self)
    }
}
