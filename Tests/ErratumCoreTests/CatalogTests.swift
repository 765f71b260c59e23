import Testing
@testable import ErratumCore

private let french = ContentLocale(tag: "fr")
private let german = ContentLocale(tag: "de")

private func doc(_ locale: ContentLocale, _ slug: String) -> Document {
    Document(locale: locale, frontMatter: FrontMatter(title: slug, slug: slug), body: "", bodyLine: 5,
             path: "content/\(locale.folder)/\(slug.lowercased())/index.md")
}

/// English, French and German status pages at their 2025 slugs; tables as given.
private func catalog(redirects: [ContentLocale: Redirects]) -> Catalog {
    Catalog(ContentSet(documents: [
        doc(.english, "Web/HTTP/Reference/Status/413"),
        doc(.english, "Web/HTTP/Reference/Status/507"),
        doc(french, "Web/HTTP/Reference/Status/413"),
        doc(german, "Web/HTTP/Reference/Status/413"),
    ], redirects: redirects))
}

private func table(_ locale: ContentLocale, _ pairs: [(String, String)]) -> Redirects {
    var redirects = Redirects()
    for (from, to) in pairs { redirects.add(from: "/\(locale.tag)/docs/\(from)", to: "/\(locale.tag)/docs/\(to)") }
    return redirects
}

private func describe(_ resolution: LinkResolution) -> String {
    switch resolution {
    case let .found(document, fragment): "found \(document.locale.tag)/\(document.slug)\(fragment.map { "#" + $0 } ?? "")"
    case let .onlyInEnglish(document, fragment): "english \(document.locale.tag)/\(document.slug)\(fragment.map { "#" + $0 } ?? "")"
    case let .missing(url, _): "missing \(url)"
    case .notDocs: "not docs"
    }
}

@Suite("Link resolution through redirects")
struct CatalogTests {
    @Test("a redirect table matches sources without case, Unicode included, and keeps the last spelling and place")
    func redirectTable() {
        let (parsed, problems) = Redirects.parse("""
            # FROM\tTO
            /de/docs/Web/HTTP/Status\t/de/docs/Web/HTTP/Reference/Status
            /de/docs/Glossar/Ärger\t/de/docs/Glossary/Trouble
            /de/docs/Web/\u{212A}elvin\t/de/docs/Web/Kelvin
            """, path: "de/_redirects.txt")
        #expect(problems.isEmpty)
        #expect(parsed.count == 3)
        #expect(parsed.target(of: "/DE/DOCS/web/http/status") == "/de/docs/Web/HTTP/Reference/Status")
        #expect(parsed.target(of: "/de/docs/glossar/ärger") == "/de/docs/Glossary/Trouble")
        #expect(parsed.target(of: "/de/docs/GLOSSAR/ÄRGER") == "/de/docs/Glossary/Trouble")
        // The Kelvin sign lower-cases to an ASCII k, as `lowercased()` has it.
        #expect(parsed.target(of: "/de/docs/web/kelvin") == "/de/docs/Web/Kelvin")
        #expect(parsed.target(of: "/de/docs/Web/HTTP/Statu") == nil)
        #expect(parsed.location(of: "/de/docs/web/http/STATUS") == FileLocation(file: "de/_redirects.txt", line: 2, column: 1))

        var merged = Redirects()
        merged.add(from: "/de/docs/Alt", to: "/de/docs/Neu")
        merged.merge(parsed)
        var later = Redirects()
        later.add(from: "/DE/docs/web/http/status", to: "/de/docs/Elsewhere", at: FileLocation(file: "other.txt", line: 9, column: 1))
        merged.merge(later)
        #expect(merged.count == 4)
        #expect(merged.target(of: "/de/docs/Web/HTTP/Status") == "/de/docs/Elsewhere")
        #expect(merged.location(of: "/de/docs/Web/HTTP/Status") == FileLocation(file: "other.txt", line: 9, column: 1))
        #expect(merged.location(of: "/de/docs/Glossar/Ärger") == FileLocation(file: "de/_redirects.txt", line: 3, column: 1))
        #expect(merged.location(of: "/de/docs/Alt") == nil)
        #expect(merged.entries.map(\.from) == ["/de/docs/Alt", "/de/docs/Glossar/Ärger", "/DE/docs/web/http/status",
                                                 "/de/docs/Web/\u{212A}elvin"], "sorted without case, each as last written")
    }

    @Test("a translation's own table, then English's re-prefixed, case-insensitively")
    func mdnOrder() {
        let catalog = catalog(redirects: [
            .english: table(.english, [("Web/HTTP/Status/413", "Web/HTTP/Reference/Status/413"),
                                       ("Web/HTTP/Status/507", "Web/HTTP/Reference/Status/507")]),
            french: table(french, [("Web/HTTP/Statut/413", "Web/HTTP/Reference/Status/413")]),
        ])
        #expect(describe(catalog.resolve("/fr/docs/Web/HTTP/Statut/413#x")) == "found fr/Web/HTTP/Reference/Status/413#x")
        #expect(describe(catalog.resolve("/fr/docs/web/http/status/413")) == "found fr/Web/HTTP/Reference/Status/413")
        #expect(describe(catalog.resolve("/fr/docs/Web/HTTP/Status/507")) == "english en-US/Web/HTTP/Reference/Status/507")
        #expect(describe(catalog.resolve("/fr/docs/Web/HTTP/Status/404")) == "missing /fr/docs/Web/HTTP/Status/404")
    }

    @Test("a redirect to a section of a page carries its fragment, unless the link has its own")
    func fragmentTargets() {
        let catalog = catalog(redirects: [french: table(french, [("Web/HTTP/Old", "Web/HTTP/Reference/Status/413#sect")])])
        #expect(describe(catalog.resolve("/fr/docs/Web/HTTP/Old")) == "found fr/Web/HTTP/Reference/Status/413#sect")
        #expect(describe(catalog.resolve("/fr/docs/Web/HTTP/Old#mine")) == "found fr/Web/HTTP/Reference/Status/413#mine")
    }

    @Test("without an English table, the other translations' tables stand in for it")
    func siblingTables() {
        let german = table(german, [("Web/HTTP/Status/413", "Web/HTTP/Reference/Status/413"),
                                    ("Web/HTTP/Status/507", "Web/HTTP/Reference/Status/507")])
        let withoutEnglish = catalog(redirects: [ContentLocale(tag: "de"): german])
        #expect(describe(withoutEnglish.resolve("/fr/docs/Web/HTTP/Status/413")) == "found fr/Web/HTTP/Reference/Status/413")
        #expect(describe(withoutEnglish.resolve("/fr/docs/Web/HTTP/Status/507")) == "english en-US/Web/HTTP/Reference/Status/507")
        // English itself never borrows a translation's table.
        #expect(describe(withoutEnglish.resolve("/en-US/docs/Web/HTTP/Status/413")) == "missing /en-US/docs/Web/HTTP/Status/413")

        // Where English has a table, it alone speaks for the moves, as on MDN.
        let withEnglish = catalog(redirects: [.english: Redirects(), ContentLocale(tag: "de"): german])
        #expect(describe(withEnglish.resolve("/fr/docs/Web/HTTP/Status/413")) == "missing /fr/docs/Web/HTTP/Status/413")
    }
}
