/// Everything loaded from the content roots, before anything is resolved or rendered.
public struct ContentSet: Sendable {
    /// Every document, sorted by locale and slug.
    public var documents: [Document]
    /// Each locale's redirects.
    public var redirects: [ContentLocale: Redirects]
    /// MDN's localized UI words, when a root has `jsondata/`.
    public var l10n: L10nStrings
    /// MDN's sidebar definitions by name, when a root has `sidebars/`.
    public var sidebars: [String: SidebarDefinition] = [:]

    /// Creates a content set.
    public init(documents: [Document], redirects: [ContentLocale: Redirects], l10n: L10nStrings = L10nStrings()) {
        self.documents = documents
        self.redirects = redirects
        self.l10n = l10n
    }

    /// The locales that have at least one document, English first.
    public var locales: [ContentLocale] {
        Set(documents.map(\.locale)).sorted()
    }
}
