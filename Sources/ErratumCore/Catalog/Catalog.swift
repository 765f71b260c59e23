import Foundation
import Synchronization

/// Every document by locale and slug, with redirects and English inheritance applied.
///
/// The catalog answers the questions rendering asks: does this link's target exist, in
/// which locale, and where did it move to.
public struct Catalog: Sendable {
    private var documents: [DocumentKey: Document] = [:]
    /// Every locale's document at a lower-cased slug.
    private var bySlug: [String: [Document]] = [:]
    /// Old slugs of moved translations (`original_slug`), where no document is now.
    private var movedFrom: [DocumentKey: DocumentKey] = [:]
    /// Documents by their parent (locale and slug without the last segment).
    private var bySlugPrefix: [DocumentKey: [Document]] = [:]
    /// Each locale's redirects.
    public let redirects: [ContentLocale: Redirects]
    /// MDN's localized UI words from the content.
    public let l10n: L10nStrings
    /// MDN's sidebar definitions from the content, by name.
    public let sidebars: [String: SidebarDefinition]
    /// Every document, sorted by locale then slug.
    public private(set) var allDocuments: [Document] = []
    /// Where the questions asked of this copy are noted, for an incremental build.
    private var log: DependencyLog?
    /// Resolutions already made: a site's pages link the same few thousand URLs over and over.
    /// Set once the catalog is complete, and shared by its copies.
    private var memo: ResolutionMemo?

    /// Forgets the link resolutions remembered so far (see `ResolutionMemo.forget`).
    func forgetResolutions() { memo?.forget() }

    /// The longest redirect chain followed before giving up (MDN flattens chains; loops happen).
    static let maximumRedirectHops = 16

    /// Builds the catalog: indexes the documents and gives translations the fields they
    /// inherit from their English source (`page-type`, `spec-urls`, `browser-compat`,
    /// `sidebar`, `status`).
    public init(_ content: ContentSet) {
        redirects = content.redirects
        l10n = content.l10n
        sidebars = content.sidebars
        for document in content.documents { documents[document.id] = document }
        var inherited: [Document] = []
        for document in content.documents {
            var document = document
            if document.locale != .english, let source = englishSource(of: document) {
                let english = source.frontMatter
                document.frontMatter.pageType = english.pageType ?? document.frontMatter.pageType
                document.frontMatter.specURLs = english.specURLs.isEmpty ? document.frontMatter.specURLs : english.specURLs
                document.frontMatter.browserCompat = english.browserCompat.isEmpty
                    ? document.frontMatter.browserCompat : english.browserCompat
                document.frontMatter.sidebar = english.sidebar ?? document.frontMatter.sidebar
                document.frontMatter.status = english.status.isEmpty ? document.frontMatter.status : english.status
            }
            inherited.append(document)
        }
        for document in inherited {
            documents[document.id] = document
            bySlug[document.slug.lowercased(), default: []].append(document)
            if let slash = document.slug.lastIndex(of: "/") {
                bySlugPrefix[DocumentKey(locale: document.locale, slug: String(document.slug[..<slash])), default: []].append(document)
            }
        }
        for document in inherited {
            guard let old = document.frontMatter.originalSlug else { continue }
            let key = DocumentKey(locale: document.locale, slug: old)
            if documents[key] == nil { movedFrom[key] = document.id }
        }
        allDocuments = inherited
        memo = ResolutionMemo()
    }

    /// The document at `slug` in `locale`, without following redirects.
    public func document(_ locale: ContentLocale, _ slug: String) -> Document? {
        documents[DocumentKey(locale: locale, slug: slug)]
    }

    /// The translation that moved away from `slug` (its `original_slug`), if any.
    func movedDocument(_ locale: ContentLocale, _ slug: String) -> Document? {
        movedFrom[DocumentKey(locale: locale, slug: slug)].flatMap { documents[$0] }
    }

    /// The English document a translation was made from: same slug, or where it moved to.
    public func englishSource(of document: Document) -> Document? {
        if case let .found(source, _) = resolve("/en-US/docs/\(document.slug)") { return source }
        return nil
    }

    /// This catalog, noting every question asked of it in `log`: what a render depended on.
    func recording(into log: DependencyLog) -> Catalog {
        var copy = self
        copy.log = log
        return copy
    }

    /// Whether a regular file exists at `path` (an image beside a page), noted as a dependency.
    func isFile(_ path: String) -> Bool {
        log?.note(.file(path))
        return Self.isRegularFile(path)
    }

    static func isRegularFile(_ path: String) -> Bool {
        var isDirectory: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && !isDirectory.boolValue
    }

    /// The fingerprint of this catalog's answers to questions asked before: equal to the one
    /// taken then exactly when every answer is the same.
    func answers(to dependencies: [Dependency]) -> Digest {
        var hasher = StableHasher()
        for dependency in dependencies {
            switch dependency {
            case let .resolve(url):
                switch resolve(url) {
                case let .found(document, fragment):
                    hasher.combine(1)
                    hasher.combine(document.faceDigest)
                    hasher.combine(fragment)
                case let .onlyInEnglish(document, fragment):
                    hasher.combine(2)
                    hasher.combine(document.faceDigest)
                    hasher.combine(fragment)
                case let .missing(url, fragment):
                    hasher.combine(3)
                    hasher.combine(url)
                    hasher.combine(fragment)
                case .notDocs:
                    hasher.combine(4)
                }
            case let .children(slug, locale):
                let children = self.children(of: slug, locale: locale)
                hasher.combine(5)
                hasher.combine(children.count)
                for child in children { hasher.combine(child.contentDigest) }
            case let .file(path):
                hasher.combine(6)
                hasher.combine(Self.isRegularFile(path))
            }
        }
        return hasher.finalize()
    }

    /// The documents directly below a slug in a locale, sorted by title.
    public func children(of slug: String, locale: ContentLocale) -> [Document] {
        log?.note(.children(slug: slug, locale: locale))
        let prefix = slug.lowercased() + "/"
        return (bySlugPrefix[DocumentKey(locale: locale, slug: slug)] ?? [])
            .filter { $0.slug.lowercased().hasPrefix(prefix) }
            .sorted { $0.frontMatter.title < $1.frontMatter.title }
    }

    /// Every locale's version of a document (its translations and itself), English first.
    public func translations(of document: Document) -> [Document] {
        let englishSlug = (englishSource(of: document)?.slug ?? document.slug).lowercased()
        var found: [ContentLocale: Document] = [:]
        for candidate in (bySlug[englishSlug] ?? []) + (bySlug[document.slug.lowercased()] ?? []) {
            found[candidate.locale] = found[candidate.locale] ?? candidate
        }
        return found.values.sorted { $0.locale < $1.locale }
    }

    /// Resolves a site URL such as `/fr/docs/Web/HTTP/Status#x` the way MDN does: the page
    /// itself, else its redirect (the locale's table, then the en-US table re-prefixed for
    /// the locale; see `redirect(_:locale:)`), else the English page.
    public func resolve(_ url: String) -> LinkResolution {
        guard let memo else {
            log?.note(.resolve(url))
            return resolveUnrecorded(url)
        }
        if let (known, resolution) = memo.resolution(of: url) {
            // The memo's copy of the URL: every page's dependency on it shares one string.
            log?.note(.resolve(known))
            return resolution
        }
        log?.note(.resolve(url))
        let found = resolveUnrecorded(url)
        memo.remember(found, of: url)
        return found
    }

    /// `resolve(_:)` without noting the question: the English fallback inside a resolution is
    /// part of the one answer, not a dependency of its own.
    private func resolveUnrecorded(_ url: String) -> LinkResolution {
        let (path, linkFragment) = Self.split(url)
        var fragment = linkFragment
        guard let (locale, _) = Self.parseDocsPath(path) else { return .notDocs }

        var current = path
        var seen: Set<String> = []
        for _ in 0..<Self.maximumRedirectHops {
            guard let (currentLocale, slug) = Self.parseDocsPath(current) else { return .notDocs }
            if let document = document(currentLocale, slug) ?? movedDocument(currentLocale, slug) {
                let leftLocale = currentLocale != locale && currentLocale == .english
                return leftLocale ? .onlyInEnglish(document, fragment: fragment) : .found(document, fragment: fragment)
            }
            guard seen.insert(current.lowercased()).inserted, let next = redirect(current, locale: currentLocale) else { break }
            // A redirect may land on a section of its target (`…/Cookies#Cookie_prefixes`);
            // a fragment the link gave itself wins.
            let (nextPath, nextFragment) = Self.split(next)
            current = nextPath
            fragment = fragment ?? nextFragment
        }
        // Not in the page's locale at all: MDN links to the English page and marks it.
        if locale != .english, let (_, slug) = Self.parseDocsPath(current),
           case let .found(english, _) = resolveUnrecorded("/en-US/docs/\(slug)") {
            return .onlyInEnglish(english, fragment: fragment)
        }
        return .missing(url: current, fragment: fragment)
    }

    /// The redirect target of a path in a locale: its own table first, then English's
    /// re-prefixed for the locale (MDN's rule).
    ///
    /// When the content has no English table at all (a translated-content checkout on its
    /// own, or a corpus without mdn/content's 500 KB `_redirects.txt`), the other
    /// translations' tables stand in for it: MDN moves every translation along with its
    /// English page, so each locale's table records the same moves.
    private func redirect(_ path: String, locale: ContentLocale) -> String? {
        if let target = redirects[locale]?.target(of: path) { return target }
        guard locale != .english, let (_, slug) = Self.parseDocsPath(path) else { return nil }
        let standIns = redirects[.english] != nil ? [ContentLocale.english] : siblingRedirectLocales(of: locale)
        for tableLocale in standIns {
            guard let target = redirects[tableLocale]?.target(of: "/\(tableLocale.tag)/docs/\(slug)"),
                  let (targetLocale, targetSlug) = Self.parseDocsPath(target), targetLocale == tableLocale else { continue }
            return "/\(locale.tag)/docs/\(targetSlug)"
        }
        return nil
    }

    /// The other translations with a redirect table, in a fixed order.
    private func siblingRedirectLocales(of locale: ContentLocale) -> [ContentLocale] {
        redirects.keys.filter { $0 != locale && $0 != .english }.sorted()
    }

    /// Whether a docs URL leads to a page, in its locale or in English.
    public func exists(_ url: String) -> Bool {
        switch resolve(url) {
        case .found, .onlyInEnglish: true
        case .missing, .notDocs: false
        }
    }

    /// Splits `path#fragment`.
    static func split(_ url: String) -> (path: String, fragment: String?) {
        guard let hash = url.firstIndex(of: "#") else { return (url, nil) }
        return (String(url[..<hash]), String(url[url.index(after: hash)...]))
    }

    /// Reads `/<locale>/docs/<slug>` into its parts.
    static func parseDocsPath(_ path: String) -> (ContentLocale, String)? {
        guard path.hasPrefix("/") else { return nil }
        let pieces = path.dropFirst().split(separator: "/", maxSplits: 2, omittingEmptySubsequences: false)
        guard pieces.count == 3, pieces[1] == "docs", !pieces[0].isEmpty, !pieces[2].isEmpty else { return nil }
        let slug = pieces[2].hasSuffix("/") ? String(pieces[2].dropLast()) : String(pieces[2])
        return (ContentLocale(tag: String(pieces[0])), slug)
    }
}

/// Where a link to a docs URL leads.
public enum LinkResolution: Sendable {
    /// The page exists in the requested locale (directly or through redirects).
    case found(Document, fragment: String?)
    /// The page exists only in English; MDN links there with class `only-in-en-us`.
    case onlyInEnglish(Document, fragment: String?)
    /// No page exists; `url` is where the redirects led.
    case missing(url: String, fragment: String?)
    /// Not a `/<locale>/docs/…` URL.
    case notDocs
}

/// Resolutions a complete catalog has made, by URL; the catalog never changes once made, so
/// neither does an answer.
final class ResolutionMemo: Sendable {
    private let known = Mutex<[String: (url: String, resolution: LinkResolution)]>([:])

    /// The URL as first remembered, and its resolution.
    func resolution(of url: String) -> (String, LinkResolution)? { known.withLock { $0[url] } }

    func remember(_ resolution: LinkResolution, of url: String) {
        known.withLock { $0[url] = $0[url] ?? (url, resolution) }
    }

    /// Forgets every resolution, to be made again when asked: once the pages are made, the
    /// few thousand links the site-wide products follow need not keep every page's links.
    func forget() { known.withLock { $0 = [:] } }
}
