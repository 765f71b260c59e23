/// A documentation locale, such as `en-US` or `fr`.
///
/// MDN keeps locale folders in lower case (`files/en-us/`) and writes the tag with its
/// region in upper case in URLs (`/en-US/docs/…`); both forms are derived from the tag.
public struct ContentLocale: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The BCP 47 tag as MDN writes it in URLs, e.g. `en-US`, `pt-BR`, `fr`.
    public let tag: String

    /// The locale every translation is measured against.
    public static let english = ContentLocale(tag: "en-US")

    /// Creates a locale from a tag or a lower-case folder name (`en-us` becomes `en-US`).
    public init(tag: String) {
        let parts = tag.split(separator: "-", omittingEmptySubsequences: false)
        guard let language = parts.first else {
            self.tag = tag
            return
        }
        // Language lower case, a two-letter region upper case, a script title case (zh-Hant).
        let rest = parts.dropFirst().map { part -> String in
            if part.count == 2 { return part.uppercased() }
            if part.count == 4 { return part.prefix(1).uppercased() + part.dropFirst().lowercased() }
            return part.lowercased()
        }
        self.tag = ([language.lowercased()] + rest).joined(separator: "-")
    }

    /// The folder name under a content root: the tag in lower case.
    public var folder: String { tag.lowercased() }

    /// The primary language subtag: `en` for `en-US`.
    public var language: String {
        String(tag.prefix { $0 != "-" }).lowercased()
    }

    public var description: String { tag }

    /// English first, then the rest by tag, so every listing is stable and English-led.
    public static func < (lhs: ContentLocale, rhs: ContentLocale) -> Bool {
        if lhs == rhs { return false }
        if lhs == .english { return true }
        if rhs == .english { return false }
        return lhs.tag < rhs.tag
    }
}
