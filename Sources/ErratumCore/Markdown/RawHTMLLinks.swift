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
