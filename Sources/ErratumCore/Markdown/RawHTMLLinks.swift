import Foundation

/// The `href` of `<a>` tags in raw HTML that a document carries through cmark.
enum RawHTMLLinks {
    /// `html` with every `<a … href="…">` value replaced by `newHref(old)` where that is not nil.
    /// Only the attribute value changes; the tag keeps everything else it had.
    static func rewrite(_ html: String, _ newHref: (String) -> String?) -> String {
        var result = ""
        var rest = html[...]
        while let tagStart = rest.range(of: "<a", options: [.caseInsensitive]) {
            let afterName = rest[tagStart.upperBound...]
            guard let next = afterName.first, next == " " || next == "\t" || next == "\n",
                  let tagEnd = afterName.firstIndex(of: ">") else {
                result += rest[..<tagStart.upperBound]
                rest = afterName
                continue
            }
            result += rest[..<tagStart.upperBound]
            result += rewriteTag(afterName[..<tagEnd], newHref)
            rest = afterName[tagEnd...]
        }
        return result + rest
    }

    /// The inside of one `<a …>` tag with its href value replaced.
    private static func rewriteTag(_ tag: Substring, _ newHref: (String) -> String?) -> String {
        guard let name = tag.range(of: "href", options: [.caseInsensitive]) else { return String(tag) }
        var cursor = name.upperBound
        while cursor < tag.endIndex, tag[cursor] == " " { cursor = tag.index(after: cursor) }
        guard cursor < tag.endIndex, tag[cursor] == "=" else { return String(tag) }
        cursor = tag.index(after: cursor)
        while cursor < tag.endIndex, tag[cursor] == " " { cursor = tag.index(after: cursor) }
        guard cursor < tag.endIndex, tag[cursor] == "\"" || tag[cursor] == "'" else { return String(tag) }
        let quote = tag[cursor]
        let valueStart = tag.index(after: cursor)
        guard let valueEnd = tag[valueStart...].firstIndex(of: quote) else { return String(tag) }
        let value = String(tag[valueStart..<valueEnd]).replacingOccurrences(of: "&amp;", with: "&")
        guard let replacement = newHref(value) else { return String(tag) }
        return tag[..<valueStart] + HTMLText.escapeAttribute(replacement) + tag[valueEnd...]
    }
}

/// MDN's build wraps every table of a document in `<figure class="table-container">` so a
/// wide table scrolls on its own instead of widening the page.
enum TableContainer {
    static let open = "<figure class=\"table-container\">"
    static let close = "</figure>"

    /// Raw HTML with each `<table …>…</table>` (nested ones too) wrapped.
    static func wrapTables(in html: String) -> String {
        guard mayHoldTable(html) else { return html }
        var result = ""
        var rest = html[...]
        while let tag = rest.range(of: "<", options: []) {
            result += rest[..<tag.lowerBound]
            let after = rest[tag.upperBound...]
            if let end = Self.tagName(after, "table") {
                result += open + "<table"
                rest = after[end...]
            } else if after.first == "/", let end = Self.tagName(after.dropFirst(), "table"),
                      let close = after[end...].firstIndex(of: ">") {
                result += "</table>" + Self.close
                rest = after[after.index(after: close)...]
            } else {
                result += "<"
                rest = after
            }
        }
        return result + rest
    }

    /// Whether `<t` or `<T` occurs at all: a byte scan, as most raw HTML holds no table.
    private static func mayHoldTable(_ html: String) -> Bool {
        var previous: UInt8 = 0
        for byte in html.utf8 {
            if previous == UInt8(ascii: "<"), byte == UInt8(ascii: "t") || byte == UInt8(ascii: "T") { return true }
            previous = byte
        }
        return false
    }

    /// Where `name` ends if `text` starts with it as a whole tag name (case-insensitive).
    private static func tagName(_ text: Substring, _ name: String) -> Substring.Index? {
        guard text.count > name.count || text.count == name.count,
              text.prefix(name.count).lowercased() == name else { return nil }
        let end = text.index(text.startIndex, offsetBy: name.count)
        guard end == text.endIndex || " \t\n/>".contains(text[end]) else { return nil }
        return end
    }
}
