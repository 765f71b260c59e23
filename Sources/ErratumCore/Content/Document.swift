/// One MDN document as loaded from disk: typed front matter, and the Markdown body either
/// held or left in its file.
///
/// Nothing is rendered at load time. A loaded document keeps only what other pages show of
/// it (front matter, summary) and where its body is: a build of a hundred thousand documents
/// then holds no bodies, and reads each one again when it renders it. The body keeps its line
/// offset into the file so that every later diagnostic can point at the file's real line.
public struct Document: Sendable, Identifiable {
    /// Every field, in one shared, immutable box: the catalog indexes each document several
    /// ways and every link resolution returns one, so a copy is one reference, not a dozen.
    /// A change makes a new box (copy on write); documents change only while the catalog is made.
    private final class Storage: Sendable {
        let fields: Fields
        /// `id`, made once: indexes, sorts and link resolution ask it constantly, and it folds
        /// the slug to lower case.
        let id: DocumentKey
        init(_ fields: Fields) {
            self.fields = fields
            id = DocumentKey(locale: fields.locale, slug: fields.frontMatter.slug)
        }
    }

    private struct Fields: Sendable {
        var locale: ContentLocale
        var frontMatter: FrontMatter
        var bodyLine: Int
        var path: String
        var summary: String?
        var sourceDigest: Digest
        var outlineDigest: Digest?
        var heldBody: String?
        var bodyOffset: Int
    }

    private var storage: Storage

    private var fields: Fields {
        get { storage.fields }
        set { storage = Storage(newValue) }
    }

    /// The document's locale (from its locale folder).
    public var locale: ContentLocale {
        get { storage.fields.locale }
        set { fields.locale = newValue }
    }
    /// The decoded front matter.
    public var frontMatter: FrontMatter {
        get { storage.fields.frontMatter }
        set { fields.frontMatter = newValue }
    }
    /// The 1-based line of the file on which `body` starts.
    public var bodyLine: Int {
        get { storage.fields.bodyLine }
        set { fields.bodyLine = newValue }
    }
    /// The file as it is shown in diagnostics.
    public var path: String {
        get { storage.fields.path }
        set { fields.path = newValue }
    }
    /// The HTML of the first paragraph, as landing pages and the search index show it.
    public var summary: String? {
        get { storage.fields.summary }
        set { fields.summary = newValue }
    }
    /// The fingerprint of the file's text: equal digests, equal documents.
    public var sourceDigest: Digest {
        get { storage.fields.sourceDigest }
        set { fields.sourceDigest = newValue }
    }
    /// The fingerprint of the body's outline (`DocumentOutline.digest`): headings, code blocks,
    /// macros and link targets with their lines, all that coverage reads of the body. Nil for a
    /// document loaded without a source cache, where nothing would keep it.
    var outlineDigest: Digest? { storage.fields.outlineDigest }
    /// The body when it is held; nil when it is read from `path` on demand.
    private var heldBody: String? { storage.fields.heldBody }
    /// Where the body starts in the file's text (after `SourceText` normalisation), in UTF-8 bytes.
    private var bodyOffset: Int { storage.fields.bodyOffset }

    /// Creates a document that holds its body.
    public init(locale: ContentLocale, frontMatter: FrontMatter, body: String, bodyLine: Int, path: String) {
        var hasher = StableHasher()
        hasher.combine(bodyLine)
        hasher.combine(body)
        storage = Storage(Fields(locale: locale, frontMatter: frontMatter, bodyLine: bodyLine, path: path,
                                 summary: Summary.firstParagraph(of: body), sourceDigest: hasher.finalize(),
                                 outlineDigest: DocumentOutline.digest(body: body, bodyLine: bodyLine),
                                 heldBody: body, bodyOffset: 0))
    }

    /// Creates a loaded document: its body held, or (nil) left in its file, `bodyOffset` UTF-8
    /// bytes into its text.
    init(locale: ContentLocale, frontMatter: FrontMatter, body: String?, bodyLine: Int, bodyOffset: Int, path: String,
         summary: String?, sourceDigest: Digest, outlineDigest: Digest?) {
        storage = Storage(Fields(locale: locale, frontMatter: frontMatter, bodyLine: bodyLine, path: path, summary: summary,
                                 sourceDigest: sourceDigest, outlineDigest: outlineDigest, heldBody: body, bodyOffset: bodyOffset))
    }

    /// The Markdown after the front matter, with line ends normalized to `\n`; read from the
    /// file when the document does not hold it.
    ///
    /// - Throws: `DiagnosticError` (`source-io`) when the file can no longer be read, or no
    ///   longer has a body where it had one when loaded.
    public func readBody() throws(DiagnosticError) -> String {
        if let heldBody { return heldBody }
        let text = try SourceText.read(path)
        let utf8 = text.utf8
        guard let start = utf8.index(utf8.startIndex, offsetBy: bodyOffset, limitedBy: utf8.endIndex) else {
            throw DiagnosticError(.sourceIO, "file changed while the build was reading it; build again",
                                  at: FileLocation(file: path, line: 1, column: 1))
        }
        return String(text[start...])
    }

    /// This document holding its body, read from its file if it was left there.
    func holdingBody() throws(DiagnosticError) -> Document {
        var copy = self
        copy.fields.heldBody = try readBody()
        return copy
    }

    /// This document without its body, which is read from its file when asked.
    func leavingBody() -> Document {
        guard heldBody != nil else { return self }
        var copy = self
        copy.fields.heldBody = nil
        return copy
    }

    /// The body, or an empty one when the file can no longer be read (see `readBody()`); set,
    /// the document holds the new body and takes its summary and digest from it.
    public var body: String {
        get { (try? readBody()) ?? "" }
        set { self = Document(locale: locale, frontMatter: frontMatter, body: newValue, bodyLine: bodyLine, path: path) }
    }

    /// The slug, e.g. `Web/HTTP/Reference/Status/507`.
    public var slug: String { frontMatter.slug }

    /// The key a document is found by: locale and lower-cased slug.
    public var id: DocumentKey { storage.id }

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
