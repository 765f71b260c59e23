import Foundation

/// Escaping for the HTML that Erratum writes itself (macro output, MDN's wrappers).
public enum HTMLText {
    /// Escapes text content: `&`, `<`, `>`.
    public static func escapeText(_ text: String) -> String {
        guard text.contains(where: { $0 == "&" || $0 == "<" || $0 == ">" }) else { return text }
        var result = ""
        result.reserveCapacity(text.utf8.count + 16)
        for character in text {
            switch character {
            case "&": result += "&amp;"
            case "<": result += "&lt;"
            case ">": result += "&gt;"
            default: result.append(character)
            }
        }
        return result
    }

    /// Escapes an attribute value for double quotes: `&`, `<`, `>`, `"`.
    public static func escapeAttribute(_ text: String) -> String {
        guard text.contains(where: { $0 == "&" || $0 == "<" || $0 == ">" || $0 == "\"" }) else { return text }
        return escapeText(text).replacingOccurrences(of: "\"", with: "&quot;")
    }

    /// Plain text from HTML text: the character references `&amp;`, `&lt;`, `&gt;`,
    /// `&quot;`, `&apos;`, `&nbsp;` and numeric ones decoded, tags left as they are. For
    /// MDN's localized words, which are HTML, when they go into an attribute.
    public static func decodingEntities(_ html: String) -> String {
        guard html.contains("&") else { return html }
        let named: [Substring: Character] = ["amp": "&", "lt": "<", "gt": ">", "quot": "\"", "apos": "'", "nbsp": "\u{A0}"]
        var result = ""
        var rest = html[...]
        while let ampersand = rest.firstIndex(of: "&") {
            result += rest[..<ampersand]
            let afterAmpersand = rest.index(after: ampersand)
            guard let semicolon = rest[afterAmpersand...].prefix(10).firstIndex(of: ";") else {
                result.append("&")
                rest = rest[afterAmpersand...]
                continue
            }
            let name = rest[afterAmpersand..<semicolon]
            var decoded: Character?
            if let character = named[name] {
                decoded = character
            } else if name.hasPrefix("#") {
                let digits = name.dropFirst()
                let value = digits.hasPrefix("x") || digits.hasPrefix("X")
                    ? UInt32(digits.dropFirst(), radix: 16) : UInt32(digits, radix: 10)
                decoded = value.flatMap(Unicode.Scalar.init).map(Character.init)
            }
            if let decoded {
                result.append(decoded)
                rest = rest[rest.index(after: semicolon)...]
            } else {
                result.append("&")
                rest = rest[afterAmpersand...]
            }
        }
        return result + rest
    }

    /// A start tag with an optional `href` first and then the given attributes.
    public static func startTag(_ name: String, href: String?, attributes: [MarkdownRenderer.Attribute]) -> String {
        var tag = "<\(name)"
        if let href { tag += " href=\"\(escapeAttribute(href))\"" }
        for attribute in attributes {
            tag += " \(attribute.name)=\"\(escapeAttribute(attribute.value))\""
        }
        return tag + ">"
    }
}
