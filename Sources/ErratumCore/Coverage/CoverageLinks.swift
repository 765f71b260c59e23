import Foundation

/// Where the report's links to pages lead.
public enum CoverageLinks: Sendable, Hashable {
    /// To the Markdown source files, relative to the folder the report is written in
    /// (`erratum coverage --output FILE`).
    case sourceFiles(reportFolder: String)
    /// To the offline site's pages (`docs/…`), from a folder of the output (`coverage` for
    /// `coverage/index.html`, empty for `coverage.json`), as `erratum build` writes them.
    case site(reportFolder: String)

    /// Makes the links of one report: the working folder and the report's folder are looked up
    /// once, not once per page.
    func maker() -> LinkMaker {
        switch self {
        case let .sourceFiles(folder):
            let workingFolder = FileManager.default.currentDirectoryPath
            return LinkMaker(from: LinkMaker.absolute(folder, in: workingFolder), workingFolder: workingFolder, site: false)
        case let .site(folder):
            return LinkMaker(from: LinkMaker.components(folder), workingFolder: "", site: true)
        }
    }
}

/// Relative links from the report's folder to documents.
struct LinkMaker {
    let from: [String]
    let workingFolder: String
    let site: Bool

    /// The link to a document.
    func href(_ document: Document) -> String {
        let target = site ? ["docs"] + SitePaths.file(of: document) : Self.absolute(document.path, in: workingFolder)
        return SitePaths.relative(from: from, to: target)
    }

    /// A path's components from the root, `.` and `..` resolved by name (symbolic links are
    /// left alone: both ends of a link are spelled the same way).
    static func absolute(_ path: String, in workingFolder: String) -> [String] {
        var parts: [String] = []
        for piece in components(path.hasPrefix("/") ? path : workingFolder + "/" + path) {
            switch piece {
            case ".": continue
            case "..": if !parts.isEmpty { parts.removeLast() }
            default: parts.append(piece)
            }
        }
        return parts
    }

    static func components(_ path: String) -> [String] {
        path.split(separator: "/").map(String.init)
    }
}
