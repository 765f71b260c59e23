import Foundation

/// Escaping for the HTML that Erratum writes itself (macro output, MDN's wrappers).
public enum HTMLText {
    /// Escapes text content: `&`, `<`, `>`.
    public static func escapeText(_ text: String) -> String {
        escaping(text) { entity(of: $0, quotes: .none) }
    }

    /// Escapes an attribute value for double quotes: `&`, `<`, `>`, `"`.
    public static func escapeAttribute(_ text: String) -> String {
        escaping(text) { entity(of: $0, quotes: .double) }
    }

    /// Escapes a value a template writes into HTML, as Mustache does: `&`, `<`, `>`, `"` and `'`.
    static func escapeTemplateValue(_ text: String) -> String {
        escaping(text) { entity(of: $0, quotes: .both) }
    }

    /// Which quotes are escaped besides `&`, `<` and `>`.
    private enum Quotes { case none, double, both }

    @inline(__always)
    private static func entity(of byte: UInt8, quotes: Quotes) -> StaticString? {
        switch byte {
        case UInt8(ascii: "&"): "&amp;"
        case UInt8(ascii: "<"): "&lt;"
        case UInt8(ascii: ">"): "&gt;"
        case UInt8(ascii: "\"") where quotes != .none: "&quot;"
        case UInt8(ascii: "'") where quotes == .both: "&#39;"
        default: nil
        }
    }

    /// `text` with each byte that `entity` names replaced by its entity. Every byte escaped is
    /// ASCII, so the bytes of other characters pass through whole; text with nothing to escape
    /// is returned as it is, without a copy.
    @inline(__always)
    private static func escaping(_ text: String, _ entity: (UInt8) -> StaticString?) -> String {
        var text = text
        let escaped: String? = text.withUTF8 { bytes in
            guard let first = bytes.firstIndex(where: { entity($0) != nil }) else { return nil }
            var result: [UInt8] = []
            result.reserveCapacity(bytes.count + 32)
            result += bytes[..<first]
            for byte in bytes[first...] {
                if let replacement = entity(byte) {
                    result += UnsafeBufferPointer(start: replacement.utf8Start, count: replacement.utf8CodeUnitCount)
                } else {
                    result.append(byte)
                }
            }
            return String(decoding: result, as: UTF8.self)
        }
        return escaped ?? text
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
