import Foundation

/// The structure of a document that survives translation: its headings, code blocks, macro
/// calls and link targets, each with the file line it is on.
///
/// Titles and prose change with the language; these do not, so a difference between a
/// translation's outline and its source's is work a translator has left to do.
struct DocumentOutline: Sendable {
    /// Something found on a line: a heading level (`h2`), a code block's language, a macro's
    /// name or a link's target.
    struct Mark: Sendable, Hashable {
        var name: String
        var line: Int
    }

    /// Headings, named by level (`h2`, `h3`), in order.
    var headings: [Mark] = []
    /// Fenced code blocks, named by their language (empty when none is given), in order.
    var codeBlocks: [Mark] = []
    /// Macro calls, by normalized name.
    var macros: [Mark] = []
    /// Link targets, normalized to locale-less slugs (see `LinkTarget`).
    var links: [Mark] = []

    /// Reads a document's outline; link targets are normalized by `normalizer`.
    init(_ document: Document, normalizer: LinkNormalizer) {
        self.init(body: document.body, bodyLine: document.bodyLine, normalize: normalizer.normalize)
    }

    /// The fingerprint of a body's outline with its link targets as written: with the catalog's
    /// structure, it decides everything coverage reads of the document.
    static func digest(body: String, bodyLine: Int) -> Digest {
        var hasher = StableHasher()
        // Headings' titles count too: the report names the translation's sections by them.
        let outline = DocumentOutline(body: body, bodyLine: bodyLine, normalize: { $0 }, heading: { hasher.combine(bytes: $0) })
        for marks in [outline.headings, outline.codeBlocks, outline.macros, outline.links] {
            hasher.combine(marks.count)
            for mark in marks {
                hasher.combine(mark.name)
                hasher.combine(mark.line)
            }
        }
        return hasher.finalize()
    }

    /// Reads the outline of a body that starts on file line `bodyLine`.
    ///
    /// Every marker it looks for is ASCII, so lines are read as UTF-8 bytes: a loader reads
    /// every document's outline, and walking characters cost as much as parsing the front matter.
    init(body: String, bodyLine firstLine: Int, normalize: (String) -> String?,
         heading: ((UnsafeBufferPointer<UInt8>) -> Void)? = nil) {
        macros = MacroParser().parse(body).calls.map { Mark(name: $0.normalizedName, line: firstLine + $0.line) }
        var body = body
        body.withUTF8 { bytes in
            var fence: (marker: UInt8, count: Int)?
            var line = firstLine
            var lineStart = 0
            while lineStart <= bytes.count {
                var lineEnd = lineStart
                while lineEnd < bytes.count, bytes[lineEnd] != Self.newline { lineEnd += 1 }
                defer {
                    lineStart = lineEnd + 1
                    line += 1
                }
                let rawLine = UnsafeBufferPointer(rebasing: bytes[lineStart..<lineEnd])
                var first = 0
                while first < rawLine.count, rawLine[first] == Self.space || rawLine[first] == Self.tab { first += 1 }
                let trimmed = UnsafeBufferPointer(rebasing: rawLine[first...])
                if let open = fence {
                    let run = Self.run(of: open.marker, in: trimmed)
                    if run >= open.count, trimmed[run...].allSatisfy({ $0 == Self.space || $0 == Self.tab }) { fence = nil }
                    continue
                }
                if let marker = trimmed.first, marker == Self.backtick || marker == Self.tilde {
                    let run = Self.run(of: marker, in: trimmed)
                    let info = trimmed[run...]
                    // A fence is three or more; list items indent theirs, so any indentation counts.
                    if run >= 3, marker == Self.tilde || !info.contains(Self.backtick) {
                        fence = (marker, run)
                        let word = info.drop { $0 == Self.space || $0 == Self.tab || $0 == Self.brace || $0 == Self.comma }
                            .prefix { $0 != Self.space && $0 != Self.tab && $0 != Self.brace && $0 != Self.comma }
                        codeBlocks.append(Mark(name: String(decoding: word, as: UTF8.self).lowercased(), line: line))
                        continue
                    }
                }
                if Self.run(of: Self.space, in: rawLine) < 4, let level = Self.headingLevel(trimmed) {
                    headings.append(Mark(name: "h\(level)", line: line))
                    heading?(trimmed)
                    continue
                }
                guard trimmed.contains(Self.openParenthesis) || trimmed.contains(Self.equals) else { continue }
                for target in Self.linkTargets(in: Self.withoutCodeSpans(Array(trimmed))) {
                    if let normalized = normalize(target) {
                        links.append(Mark(name: normalized, line: line))
                    }
                }
            }
        }
    }

    private static let newline = UInt8(ascii: "\n"), space = UInt8(ascii: " "), tab = UInt8(ascii: "\t")
    private static let backtick = UInt8(ascii: "`"), tilde = UInt8(ascii: "~"), hash = UInt8(ascii: "#")
    private static let brace = UInt8(ascii: "{"), comma = UInt8(ascii: ","), openParenthesis = UInt8(ascii: "("),
                       equals = UInt8(ascii: "=")

    /// How many times `byte` repeats at the start of `bytes`.
    private static func run(of byte: UInt8, in bytes: UnsafeBufferPointer<UInt8>) -> Int {
        var count = 0
        while count < bytes.count, bytes[count] == byte { count += 1 }
        return count
    }

    /// The level of an ATX heading (`## Title`), if the line (its indentation dropped) is one.
    static func headingLevel(_ line: UnsafeBufferPointer<UInt8>) -> Int? {
        let hashes = run(of: hash, in: line)
        guard (1...6).contains(hashes) else { return nil }
        return hashes == line.count || line[hashes] == space || line[hashes] == tab ? hashes : nil
    }

    /// The line's bytes with code spans blanked out, so that links shown as code do not count.
    /// A run of backticks closes at the next run of the same length; an unmatched run is text.
    static func withoutCodeSpans(_ line: [UInt8]) -> [UInt8] {
        let tick = UInt8(ascii: "`")
        guard line.contains(tick) else { return line }
        var result: [UInt8] = []
        result.reserveCapacity(line.count)
        var index = 0
        while index < line.count {
            guard line[index] == tick else {
                result.append(line[index])
                index += 1
                continue
            }
            var runEnd = index
            while runEnd < line.count, line[runEnd] == tick { runEnd += 1 }
            let length = runEnd - index
            var search = runEnd
            var closingEnd: Int?
            while search < line.count {
                guard line[search] == tick else {
                    search += 1
                    continue
                }
                var candidateEnd = search
                while candidateEnd < line.count, line[candidateEnd] == tick { candidateEnd += 1 }
                if candidateEnd - search == length {
                    closingEnd = candidateEnd
                    break
                }
                search = candidateEnd
            }
            if let closingEnd {
                result.append(UInt8(ascii: " "))
                index = closingEnd
            } else {
                result += line[index..<runEnd]
                index = runEnd
            }
        }
        return result
    }

    /// Destinations of Markdown links (`](target)`) and HTML `href` attributes on a line.
    static func linkTargets(in line: [UInt8]) -> [String] {
        var targets: [String] = []
        let href = Array("href=".utf8)
        var index = 0
        while index + 1 < line.count {
            if line[index] == UInt8(ascii: "]"), line[index + 1] == UInt8(ascii: "(") {
                var cursor = index + 2
                var destination: ArraySlice<UInt8>
                if cursor < line.count, line[cursor] == UInt8(ascii: "<") {
                    let start = cursor + 1
                    cursor = start
                    while cursor < line.count, line[cursor] != UInt8(ascii: ">") { cursor += 1 }
                    destination = line[start..<cursor]
                } else {
                    // Balanced parentheses belong to the destination; a space starts its title.
                    let start = cursor
                    var depth = 0
                    scan: while cursor < line.count {
                        switch line[cursor] {
                        case UInt8(ascii: "("): depth += 1
                        case UInt8(ascii: ")"):
                            if depth == 0 { break scan }
                            depth -= 1
                        case UInt8(ascii: " "), UInt8(ascii: "\t"): break scan
                        default: break
                        }
                        cursor += 1
                    }
                    destination = line[start..<cursor]
                }
                if !destination.isEmpty { targets.append(String(decoding: destination, as: UTF8.self)) }
                index += 2
            } else if line[index] == UInt8(ascii: "h"), line[index...].starts(with: href), index + href.count < line.count {
                let quote = line[index + href.count]
                if quote == UInt8(ascii: "\"") || quote == UInt8(ascii: "'") {
                    let start = index + href.count + 1
                    var end = start
                    while end < line.count, line[end] != quote { end += 1 }
                    if end > start { targets.append(String(decoding: line[start..<end], as: UTF8.self)) }
                }
                index += href.count
            } else {
                index += 1
            }
        }
        return targets
    }
}

/// Normalizes link targets once per distinct target: the same few hundred targets recur
/// across thousands of pages.
final class LinkNormalizer {
    let catalog: Catalog
    private var cache: [String: String?] = [:]

    init(catalog: Catalog) { self.catalog = catalog }

    func normalize(_ target: String) -> String? {
        if let known = cache[target] { return known }
        let normalized = LinkTarget.normalize(target, catalog: catalog)
        cache[target] = normalized
        return normalized
    }
}

/// How link targets are compared across languages: the locale and fragment dropped, and a docs
/// page named by the English slug it resolves to (`/fr/docs/Web/HTTP/Status/404#x` and
/// `/en-US/docs/Web/HTTP/Reference/Status/404` are the same target).
enum LinkTarget {
    /// The normalized target, or nil for a link within the page.
    static func normalize(_ raw: String, catalog: Catalog) -> String? {
        var target = raw.trimmingCharacters(in: .whitespaces)
        if let hash = target.firstIndex(of: "#") { target = String(target[..<hash]) }
        guard !target.isEmpty else { return nil }
        for site in ["https://developer.mozilla.org", "http://developer.mozilla.org"] where target.lowercased().hasPrefix(site + "/") {
            target = String(target.dropFirst(site.count))
        }
        if let (_, slug) = Catalog.parseDocsPath(target) {
            switch catalog.resolve("/\(ContentLocale.english.tag)/docs/\(slug)") {
            case let .found(document, _), let .onlyInEnglish(document, _):
                return document.slug.lowercased()
            case .missing, .notDocs:
                return slug.lowercased()
            }
        }
        if target.hasSuffix("/") { target.removeLast() }
        return target.lowercased()
    }
}
