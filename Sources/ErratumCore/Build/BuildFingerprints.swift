/// Fingerprints of what pages show of each other, so that an incremental build can tell in one
/// comparison that no link, sidebar, breadcrumb, language switcher, redirect stub or index entry
/// can have changed — the usual case when a writer edits the prose of a page.
extension Catalog {
    /// The fingerprint of every document's face (locale, path, front matter after inheritance),
    /// the redirect tables, the sidebar definitions, MDN's UI words and the day of each
    /// translation's source commit.
    ///
    /// A link's resolution, a page's sidebar, breadcrumbs, language switcher and translation
    /// notice, and every redirect stub depend on nothing else of other documents: while this
    /// fingerprint is unchanged, each of them is unchanged. What does depend on other
    /// documents' bodies (`SubpagesWithSummaries`, through `Dependency.children`) is checked on
    /// its own.
    func structureDigest(sourceCommitDay: (String) -> String?) -> Digest {
        var hasher = StableHasher()
        hasher.combine("catalog structure")
        hasher.combine(allDocuments.count)
        for document in allDocuments {
            hasher.combine(document.faceDigest)
            if let commit = document.frontMatter.sourceCommit { hasher.combine(sourceCommitDay(commit)) }
        }
        hasher.combine(redirects.count)
        for (locale, table) in redirects.sorted(by: { $0.key < $1.key }) {
            hasher.combine(locale.tag)
            let entries = table.entries
            hasher.combine(entries.count)
            for entry in entries {
                hasher.combine(entry.from)
                hasher.combine(entry.to)
            }
        }
        hasher.combine(sidebars.count)
        for (name, sidebar) in sidebars.sorted(by: { $0.key < $1.key }) {
            hasher.combine(name)
            sidebar.combine(into: &hasher)
        }
        l10n.combine(into: &hasher)
        return hasher.finalize()
    }

    /// The fingerprint of every document's summary, which index pages and the search index show.
    func summariesDigest() -> Digest {
        var hasher = StableHasher()
        hasher.combine("summaries")
        hasher.combine(allDocuments.count)
        for document in allDocuments { hasher.combine(document.summary) }
        return hasher.finalize()
    }
}

extension Dependency {
    /// Whether the answer can change while `Catalog.structureDigest` does not: the bodies of
    /// child pages, and files on disk.
    var dependsOnMoreThanStructure: Bool {
        switch self {
        case .resolve: false
        case .children, .file: true
        }
    }
}

extension SidebarDefinition {
    func combine(into hasher: inout StableHasher) {
        func combine(_ entries: [Entry]) {
            hasher.combine(entries.count)
            for entry in entries {
                switch entry.kind {
                case .plain: hasher.combine(0)
                case .section: hasher.combine(1)
                case let .listSubPages(path):
                    hasher.combine(2)
                    hasher.combine(path)
                }
                hasher.combine(entry.link)
                hasher.combine(entry.title)
                hasher.combine(entry.details)
                hasher.combine(entry.code)
                combine(entry.children)
            }
        }
        hasher.combine(name)
        combine(entries)
        hasher.combine(words.count)
        for (locale, table) in words.sorted(by: { $0.key < $1.key }) {
            hasher.combine(locale)
            hasher.combine(table.count)
            for (key, text) in table.sorted(by: { $0.key < $1.key }) {
                hasher.combine(key)
                hasher.combine(text)
            }
        }
    }
}

extension ErrorPageSettings {
    func combine(into hasher: inout StableHasher) {
        hasher.combine(codes.count)
        for code in codes { hasher.combine(code) }
        hasher.combine(languages)
        hasher.combine(referenceBase)
    }
}

extension CommitGraph {
    func combine(into hasher: inout StableHasher) {
        hasher.combine(commits.count)
        for commit in commits { hasher.combine(commit.hash) }
    }
}

extension GitLocation {
    func combine(into hasher: inout StableHasher) {
        hasher.combine(top)
        hasher.combine(prefix)
        hasher.combine(isShallow)
    }
}

extension ContentHistory {
    /// The fingerprint of the histories read: which repositories, and every commit of each. The
    /// changes to each file follow from the commits.
    func combine(into hasher: inout StableHasher) {
        hasher.combine(unavailableReason)
        hasher.combine(diagnostics.map(\.description))
        hasher.combine(repositories.count)
        for (top, repository) in repositories.sorted(by: { $0.key < $1.key }) {
            hasher.combine(top)
            repository.location.combine(into: &hasher)
            repository.graph.combine(into: &hasher)
        }
        hasher.combine(roots.count)
        for root in roots {
            hasher.combine(root.root)
            root.location.combine(into: &hasher)
        }
    }
}

extension StringsSources {
    /// The fingerprint of the UI strings' texts and history.
    func combine(into hasher: inout StableHasher) {
        hasher.combine(texts.count)
        for (language, text) in texts.sorted(by: { $0.key < $1.key }) {
            hasher.combine(language)
            hasher.combine(text)
        }
        hasher.combine(diagnostics.map(\.description))
        hasher.combine(history == nil)
        if let (location, lines) = history {
            location.combine(into: &hasher)
            lines.graph.combine(into: &hasher)
        }
    }
}
