import Foundation

/// What `erratum check` found.
public struct CheckReport: Sendable {
    /// Documents loaded.
    public var documents: Int
    /// Every finding, sorted by file and position.
    public var diagnostics: [Diagnostic]

    /// How many findings there are of each code, most frequent first.
    public var countsByCode: [(code: DiagnosticCode, count: Int)] {
        Dictionary(grouping: diagnostics, by: \.code).map { ($0.key, $0.value.count) }
            .sorted { ($1.count, $0.code) < ($0.count, $1.code) }
    }

    /// The number of findings with a severity.
    public func count(_ severity: Severity) -> Int { diagnostics.filter { $0.severity == severity }.count }
}

/// Finds every flaw in the content without building anything: what loading and rendering
/// report, plus broken links and anchors, redirect chains and loops, and unsafe HTML.
public struct Checker: Sendable {
    /// Content roots.
    public var contentRoots: [String]
    /// A folder overriding the built-in templates (for the localized words macros use); nil
    /// for the built-in set.
    public var templatesRoot: String?

    /// Creates a checker.
    public init(contentRoots: [String], templatesRoot: String? = nil) {
        self.contentRoots = contentRoots
        self.templatesRoot = templatesRoot
    }

    /// Runs every check.
    ///
    /// - Throws: `DiagnosticError` only when the inputs cannot be read at all (a missing
    ///   folder, unreadable strings).
    public func run() throws(DiagnosticError) -> CheckReport {
        let strings = try Builder.loadStrings(from: TemplateFiles(overrides: templatesRoot))
        let (content, loadDiagnostics) = try ContentLoader(roots: contentRoots).load()
        var diagnostics = loadDiagnostics
        let catalog = Catalog(content)
        diagnostics += Self.redirectProblems(catalog)

        let renderer = DocumentRenderer(catalog: catalog, strings: strings, style: .mdn)
        let pages = catalog.allDocuments.map(renderer.render)
        var ids: [DocumentKey: Set<String>] = [:]
        for page in pages { ids[page.document.id] = Self.ids(in: page.html) }
        for page in pages {
            // The renderer makes script, handlers and `javascript:` URLs inert and warns; as a
            // linter, check rejects them, as MDN's does.
            diagnostics += page.diagnostics.map { diagnostic in
                var diagnostic = diagnostic
                if diagnostic.code == .unsafeHTML { diagnostic.severity = .error }
                return diagnostic
            }
            diagnostics += Self.linkProblems(page, catalog: catalog, ids: ids)
        }
        return CheckReport(documents: catalog.allDocuments.count, diagnostics: diagnostics.sorted())
    }

    /// Redirects whose target redirects again (a chain MDN flattens) or leads back (a loop).
    static func redirectProblems(_ catalog: Catalog) -> [Diagnostic] {
        var problems: [Diagnostic] = []
        for (_, table) in catalog.redirects {
            for entry in table.entries {
                var visited: Set<String> = [entry.from.lowercased()]
                var current = Catalog.split(entry.to).path
                var hops = 0
                var loop = false
                while let next = table.target(of: current) {
                    guard visited.insert(current.lowercased()).inserted, hops < Catalog.maximumRedirectHops else {
                        loop = true
                        break
                    }
                    current = Catalog.split(next).path
                    hops += 1
                }
                if !loop, visited.contains(current.lowercased()), hops > 0 { loop = true }
                if loop {
                    problems.append(Diagnostic(.error, .redirectLoop, "redirect from '\(entry.from)' leads back to itself",
                                               at: table.location(of: entry.from)))
                } else if hops > 0 {
                    problems.append(Diagnostic(.warning, .redirectChain,
                                               "redirect from '\(entry.from)' goes to '\(entry.to)', which redirects on to '\(current)'; point it at the end",
                                               at: table.location(of: entry.from)))
                }
            }
        }
        return problems
    }

    /// Markdown links to docs that exist nowhere, and fragments the target page lacks.
    static func linkProblems(_ page: RenderedDocument, catalog: Catalog, ids: [DocumentKey: Set<String>]) -> [Diagnostic] {
        var problems: [Diagnostic] = []
        let document = page.document
        for destination in Set(page.links).sorted() {
            let url: String
            if destination.hasPrefix("#") {
                url = document.url + destination
            } else if destination.hasPrefix("/"), destination.contains("/docs/") {
                url = destination
            } else {
                continue
            }
            // The destination itself, just after the parenthesis that opens it.
            let location = (document.locate("(" + destination + ")") ?? document.locate("(" + destination + " "))
                .map { FileLocation(file: $0.file, line: $0.line, column: $0.column + 1) } ?? document.locate(destination)
            switch catalog.resolve(url) {
            case let .found(target, fragment), let .onlyInEnglish(target, fragment):
                guard let fragment, !fragment.isEmpty else { continue }
                let decoded = fragment.removingPercentEncoding ?? fragment
                if ids[target.id]?.contains(decoded) == false, ids[target.id]?.contains(decoded.lowercased()) == false {
                    problems.append(Diagnostic(.warning, .brokenAnchor,
                                               "'#\(decoded)' names no heading or id on \(target.url)", at: location))
                }
            case let .missing(target, _):
                problems.append(Diagnostic(.warning, .brokenLink, "link to '\(destination)' leads to no page in the content"
                                           + (target == Catalog.split(url).path ? "" : " (redirected to '\(target)')"), at: location))
            case .notDocs:
                continue
            }
        }
        return problems
    }

    /// Every `id="…"` in a piece of HTML.
    static func ids(in html: String) -> Set<String> {
        var ids: Set<String> = []
        var rest = html[...]
        while let range = rest.range(of: " id=\"") {
            let after = rest[range.upperBound...]
            guard let end = after.firstIndex(of: "\"") else { break }
            ids.insert(String(after[..<end]).replacingOccurrences(of: "&amp;", with: "&"))
            rest = after[end...]
        }
        return ids
    }
}

extension Document {
    /// Where a piece of text first appears in the body, as a file position.
    func locate(_ needle: String, caseInsensitive: Bool = false) -> FileLocation? {
        let haystack = caseInsensitive ? body.lowercased() : body
        guard let range = haystack.range(of: caseInsensitive ? needle.lowercased() : needle) else { return nil }
        let before = haystack[..<range.lowerBound]
        let line = before.reduce(0) { $0 + ($1 == "\n" ? 1 : 0) }
        let lineStart = before.lastIndex(of: "\n").map { haystack.index(after: $0) } ?? haystack.startIndex
        let column = haystack[lineStart..<range.lowerBound].unicodeScalars.count + 1
        return location(bodyLine: line, column: column)
    }
}
