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
