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
        // Bytes, not characters: tags are ASCII, and raw HTML blocks run to hundreds of KB.
        let bytes = Array(html.utf8)
        var result: [UInt8] = []
        result.reserveCapacity(bytes.count + 64)
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            guard byte == UInt8(ascii: "<") else {
                result.append(byte)
                index += 1
                continue
            }
            if let end = tagName(bytes, at: index + 1) {
                result += open.utf8
                result += "<table".utf8
                index = end
            } else if index + 1 < bytes.count, bytes[index + 1] == UInt8(ascii: "/"), let end = tagName(bytes, at: index + 2),
                      let close = bytes[end...].firstIndex(of: UInt8(ascii: ">")) {
                result += "</table>".utf8
                result += Self.close.utf8
                index = close + 1
            } else {
                result.append(byte)
                index += 1
            }
        }
        return String(decoding: result, as: UTF8.self)
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

    /// Where the tag name `table` ends if it starts at `start` as a whole name (in any case).
    private static func tagName(_ bytes: [UInt8], at start: Int) -> Int? {
        let name = "table".utf8
        guard start + name.count <= bytes.count else { return nil }
        for (offset, letter) in name.enumerated() where bytes[start + offset] | 0x20 != letter { return nil }
        let end = start + name.count
        guard end == bytes.count || " \t\n/>".utf8.contains(bytes[end]) else { return nil }
        return end
    }
}
