/// The typed front matter of an MDN document.
public struct FrontMatter: Sendable, Hashable {
    /// The page title (`title:`).
    public var title: String
    /// A shorter title for navigation (`short-title:`).
    public var shortTitle: String?
    /// The slug as written, e.g. `Web/HTTP/Reference/Status/507`.
    public var slug: String
    /// The page type, e.g. `http-status-code` (inherited by translations).
    public var pageType: String?
    /// Specification URLs (`spec-urls:`, a string or a list; inherited by translations).
    public var specURLs: [String]
    /// Browser-compat-data keys (`browser-compat:`, a string or a list; inherited).
    public var browserCompat: [String]
    /// The sidebar name, e.g. `http` (inherited).
    public var sidebar: String?
    /// Status flags such as `experimental`, `deprecated`, `non-standard` (inherited).
    public var status: [String]
    /// The en-US commit a translation was made from (`l10n: sourceCommit:`).
    public var sourceCommit: String?
    /// The slug a translation had before its page moved (`original_slug:`, translated content).
    public var originalSlug: String?

    /// Creates front matter; only the title and slug are required.
    public init(
        title: String, shortTitle: String? = nil, slug: String, pageType: String? = nil,
        specURLs: [String] = [], browserCompat: [String] = [], sidebar: String? = nil,
        status: [String] = [], sourceCommit: String? = nil
    ) {
        self.title = title
        self.shortTitle = shortTitle
        self.slug = slug
        self.pageType = pageType
        self.specURLs = specURLs
        self.browserCompat = browserCompat
        self.sidebar = sidebar
        self.status = status
        self.sourceCommit = sourceCommit
    }
}
