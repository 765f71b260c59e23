// Fuzzes the whole render of one document: the file's bytes as the loader reads them, then
// macros, cmark, MDN's ids, wrappers and links, against a catalog of the built-in content.
//
// The input is rendered twice: as an English page the way MDN writes links, and as its
// German translation (which inherits from it) the way the offline site writes them. A file
// whose front matter does not load is rendered as a body under a fixed front matter, so
// inputs that break the YAML still reach the Markdown. Every diagnostic must point at a
// line of the file.

import ErratumCore
import Foundation

/// The repository: `ERRATUM_ROOT`, else four folders above this file's.
private let repository: String = ProcessInfo.processInfo.environment["ERRATUM_ROOT"]
    ?? URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path

/// The built-in content (MDN's 507 page in three languages) and its redirects.
private let builtIn: ContentSet = {
    do {
        return try ContentLoader(roots: [repository + "/content"]).load().0
    } catch {
        fatalError("cannot load the built-in content from \(repository): \(error)")
    }
}()

/// The UI strings of `templates/strings/`.
private let strings: StringsCatalog = {
    let folder = repository + "/templates/strings"
    var languages: [String: UIStrings] = [:]
    for language in ["en", "fr", "de"] {
        let path = "\(folder)/\(language).yaml"
        do {
            let yaml = try String(contentsOfFile: path, encoding: .utf8)
            languages[language] = try UIStrings(language: language, path: path, yaml: yaml)
        } catch {
            fatalError("cannot load \(path): \(error)")
        }
    }
    return StringsCatalog(languages: languages)
}()

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzRender(_ start: UnsafePointer<UInt8>, _ count: Int) -> CInt {
    let englishPath = "fuzz/en-us/web/index.md", germanPath = "fuzz/de/web/index.md"
    let bytes = UnsafeBufferPointer(start: start, count: count)
    // Invalid UTF-8 never reaches rendering (the loader refuses it): repair it instead of
    // wasting the input, then normalize line ends as the loader does.
    let repaired = String(decoding: bytes, as: UTF8.self)
    guard let text = try? SourceText.decode(Data(repaired.utf8), path: englishPath) else {
        preconditionFailure("repaired UTF-8 does not decode")
    }
    let parsed = try? FrontMatterParser(path: englishPath).parse(text)
    let frontMatter = parsed?.frontMatter ?? FrontMatter(title: "Fuzz", slug: "Web/HTTP/Fuzz", sidebar: "http")
    let body = parsed?.body ?? text
    let bodyLine = parsed?.bodyLine ?? 1

    let english = Document(locale: .english, frontMatter: frontMatter, body: body, bodyLine: bodyLine, path: englishPath)
    let german = Document(locale: ContentLocale(tag: "de"), frontMatter: frontMatter, body: body, bodyLine: bodyLine,
                          path: germanPath)
    var content = builtIn
    content.documents += [english, german]
    let catalog = Catalog(content)
    let fileLines = text.utf8.count { $0 == UInt8(ascii: "\n") } + 1

    for (document, style) in [(english, LinkStyle.mdn), (german, .offline(liveBase: "https://developer.mozilla.org"))] {
        let page = DocumentRenderer(catalog: catalog, strings: strings, style: style).render(document)
        for diagnostic in page.diagnostics {
            guard let location = diagnostic.location else { continue }
            precondition(location.file == document.path && (bodyLine...fileLines).contains(location.line)
                         && location.column >= 1,
                         "\(diagnostic) points outside the body (lines \(bodyLine)–\(fileLines))")
        }
    }
    return 0
}
