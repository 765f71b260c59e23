import Synchronization

/// A question a render asked outside its own document. An incremental build asks it again:
/// if every answer is the same, the page would render the same and is not rendered again.
enum Dependency: Sendable, Hashable {
    /// Where a link leads (`Catalog.resolve`), and to which document as it now reads.
    case resolve(String)
    /// The pages below a page (`SubpagesWithSummaries`), bodies included.
    case children(slug: String, locale: ContentLocale)
    /// Whether an image file exists beside the page or its English source.
    case file(String)
}

/// The dependencies one render noted, each once, in the order first asked.
final class DependencyLog: Sendable {
    private struct Notes {
        var seen: Set<Dependency> = []
        var ordered: [Dependency] = []
    }

    private let notes = Mutex(Notes())

    func note(_ dependency: Dependency) {
        notes.withLock { notes in
            if notes.seen.insert(dependency).inserted { notes.ordered.append(dependency) }
        }
    }

    var dependencies: [Dependency] { notes.withLock { $0.ordered } }
}

extension Document {
    /// What another page can show of this one: where it is and its front matter (title,
    /// slug, status…). A link to it changes only when this does.
    var faceDigest: Digest {
        var hasher = StableHasher()
        hasher.combine(locale.tag)
        hasher.combine(path)
        frontMatter.combine(into: &hasher)
        return hasher.finalize()
    }

    /// The whole document: its face, body and the line the body starts on.
    var contentDigest: Digest {
        var hasher = StableHasher()
        hasher.combine(faceDigest)
        hasher.combine(bodyLine)
        hasher.combine(sourceDigest)
        return hasher.finalize()
    }
}

extension FrontMatter {
    func combine(into hasher: inout StableHasher) {
        hasher.combine(title)
        hasher.combine(shortTitle)
        hasher.combine(slug)
        hasher.combine(pageType)
        hasher.combine(specURLs)
        hasher.combine(browserCompat)
        hasher.combine(sidebar)
        hasher.combine(status)
        hasher.combine(sourceCommit)
        hasher.combine(originalSlug)
    }
}
