/// Where the report's links to pages lead.
public enum CoverageLinks: Sendable, Hashable {
    /// To the Markdown source files, relative to the folder the report is written in
    /// (`erratum coverage --output FILE`).
    case sourceFiles(reportFolder: String)
    /// To the offline site's pages (`docs/…`), from a folder of the output (`coverage` for
    /// `coverage/index.html`, empty for `coverage.json`), as `erratum build` writes them.
    case site(reportFolder: String)

    /// The link to a document.
    func href(_ document: Document) -> String {
        switch self {
        case let .sourceFiles(folder):
            let from = Self.components(Builder.absolute(folder))
            let to = Self.components(Builder.absolute(document.path))
            return SitePaths.relative(from: from, to: to)
        case let .site(folder):
            return SitePaths.relative(from: Self.components(folder), to: ["docs"] + SitePaths.file(of: document))
        }
    }

    private static func components(_ path: String) -> [String] {
        path.split(separator: "/").map(String.init)
    }
}
