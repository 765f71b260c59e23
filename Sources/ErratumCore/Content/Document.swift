/// One MDN document as loaded from disk: typed front matter and the raw Markdown body.
///
/// Nothing is rendered at load time; the body keeps its offset into the file so that
/// every later diagnostic can point at the file's real line.
public struct Document: Sendable, Identifiable {
    /// The document's locale (from its locale folder).
    public var locale: ContentLocale
    /// The decoded front matter.
    public var frontMatter: FrontMatter
    /// The Markdown after the front matter, with line ends normalized to `\n`.
    public var body: String
    /// The 1-based line of the file on which `body` starts.
    public var bodyLine: Int
    /// The file as it is shown in diagnostics.
    public var path: String

    /// Creates a document.
    public init(locale: ContentLocale, frontMatter: FrontMatter, body: String, bodyLine: Int, path: String) {
        self.locale = locale
        self.frontMatter = frontMatter
        self.body = body
        self.bodyLine = bodyLine
        self.path = path
    }

    /// The slug, e.g. `Web/HTTP/Reference/Status/507`.
    public var slug: String { frontMatter.slug }

    /// The key a document is found by: locale and lower-cased slug.
    public var id: DocumentKey { DocumentKey(locale: locale, slug: slug) }

    /// The site URL MDN gives the document: `/en-US/docs/Web/HTTP/Reference/Status/507`.
    public var url: String { "/\(locale.tag)/docs/\(slug)" }

    /// Where a position inside `body` (0-based line within the body, 1-based column) is in the file.
    public func location(bodyLine line: Int, column: Int) -> FileLocation {
        FileLocation(file: path, line: bodyLine + line, column: column)
    }
}

/// A case-insensitive key for a document: locale plus slug.
public struct DocumentKey: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The locale.
    public let locale: ContentLocale
    /// The slug in lower case (MDN's slugs are case-insensitive).
    public let slug: String

    /// Creates a key; the slug is folded to lower case.
    public init(locale: ContentLocale, slug: String) {
        self.locale = locale
        self.slug = slug.lowercased()
    }

    public var description: String { "\(locale.tag)/\(slug)" }

    public static func < (lhs: DocumentKey, rhs: DocumentKey) -> Bool {
        lhs.locale == rhs.locale ? lhs.slug < rhs.slug : lhs.locale < rhs.locale
    }
}
