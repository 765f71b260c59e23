import ErratumBuiltIns
import Foundation

/// The project `erratum init` writes: an example page per language in MDN's layout, each
/// locale's `_redirects.txt`, a `templates/` folder for overrides with a README listing the
/// built-in files, and a `.gitignore` for the output.
public enum StarterProject {
    /// The marker in `templates/README.md` that the list of built-in files replaces.
    static let listMarker = "<!-- erratum: the list of built-in files -->"

    /// Every file, by path relative to the project folder, sorted.
    public static func files() -> [(path: String, data: Data)] {
        BuiltInFiles.starter.files.map { file in
            // A hidden file could not be embedded as one: `gitignore` stands for `.gitignore`.
            let path = file.path == "gitignore" ? ".gitignore" : file.path
            if path == "templates/README.md" {
                let text = String(decoding: file.data, as: UTF8.self)
                    .replacingOccurrences(of: listMarker, with: builtInList())
                return (path, Data(text.utf8))
            }
            return (path, file.data)
        }
        .sorted { $0.path < $1.path }
    }

    /// Writes the project into `folder` (made if missing) and returns the paths written.
    ///
    /// - Throws: `DiagnosticError` (`usage`) naming every file already there, before writing
    ///   anything: nothing is ever written over; (`output-io`) when a file cannot be written.
    public static func write(to folder: String) throws(DiagnosticError) -> [String] {
        let files = files()
        func place(_ path: String) -> String { folder == "." ? path : folder.appendingPathComponent(path) }
        let existing = files.map(\.path).filter { FileManager.default.fileExists(atPath: place($0)) }
        guard existing.isEmpty else {
            throw DiagnosticError(existing.map { path in
                Diagnostic(.error, .usage, "exists already; erratum init writes over nothing, so it wrote no file",
                           at: FileLocation(file: place(path), line: 1, column: 1))
            })
        }
        var written: [String] = []
        for file in files {
            let path = place(file.path)
            do {
                let parent = (path as NSString).deletingLastPathComponent
                if !parent.isEmpty { try FileManager.default.createDirectory(atPath: parent, withIntermediateDirectories: true) }
                // `withoutOverwriting`: a file that appeared since the check above is kept.
                try file.data.write(to: URL(fileURLWithPath: path), options: .withoutOverwriting)
            } catch {
                throw DiagnosticError(.outputIO, "cannot write '\(path)': \(error.localizedDescription)")
            }
            written.append(file.path)
        }
        return written
    }

    /// The built-in files as a Markdown list, for the templates README.
    static func builtInList() -> String {
        BuiltInFiles.templates.paths.map { "- `\($0)`" }.joined(separator: "\n")
    }
}
