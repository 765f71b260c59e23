/// Everything loaded from the content roots, before anything is resolved or rendered.
public struct ContentSet: Sendable {
    /// Every document, sorted by locale and slug.
    public var documents: [Document]
    /// Each locale's redirects.
    public var redirects: [ContentLocale: Redirects]

    /// Creates a content set.
    public init(documents: [Document], redirects: [ContentLocale: Redirects]) {
        self.documents = documents
        self.redirects = redirects
    }

    /// The locales that have at least one document, English first.
    public var locales: [ContentLocale] {
        Set(documents.map(\.locale)).sorted()
    }
}
