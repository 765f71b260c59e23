import Foundation

/// Where the content is when the command line names none: the folders a build looks in, in
/// order, from the folder it runs in.
///
/// 1. `content/` — a project `erratum init` made, or Erratum's own repository. When it is an
///    mdn/content checkout instead (`content/files/`), its `files/` is used, with
///    `translated-content/files/` when that checkout sits beside it.
/// 2. `$CONTENT_ROOT`, and `$CONTENT_TRANSLATED_ROOT` with it — the variables MDN's own tools
///    read to find mdn/content's and translated-content's `files/` folders.
/// 3. `files/` — the top of an mdn/content or translated-content checkout. A translated-content
///    checkout holds no en-US, so `../content/files/` joins it when that checkout is there.
public enum ContentDiscovery {
    /// What was found: the content roots, and how they were found, for a note.
    public struct Found: Sendable, Equatable {
        /// The content roots, relative to the folder searched when found there.
        public let roots: [String]
        /// How they were found, e.g. "files/ (an mdn/content or translated-content checkout)".
        public let reason: String
    }

    /// Finds the content roots for a run in `folder`.
    ///
    /// - Throws: `DiagnosticError` (`usage`) saying what was looked for, and how to name the
    ///   content, when nothing is there.
    public static func find(in folder: String = FileManager.default.currentDirectoryPath,
                            environment: [String: String] = ProcessInfo.processInfo.environment) throws(DiagnosticError) -> Found {
        func isFolder(_ relative: String) -> Bool {
            var isDirectory: ObjCBool = false
            let path = relative.hasPrefix("/") ? relative : folder.appendingPathComponent(relative)
            return FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && isDirectory.boolValue
        }
        if isFolder("content/files") {
            if isFolder("translated-content/files") {
                return Found(roots: ["content/files", "translated-content/files"],
                             reason: "content/files and translated-content/files (mdn/content and translated-content checkouts)")
            }
            return Found(roots: ["content/files"], reason: "content/files (an mdn/content checkout)")
        }
        if isFolder("content") {
            return Found(roots: ["content"], reason: "content/")
        }
        if let root = environment["CONTENT_ROOT"], !root.isEmpty {
            var roots = [root]
            var reason = "$CONTENT_ROOT (\(root))"
            if let translated = environment["CONTENT_TRANSLATED_ROOT"], !translated.isEmpty {
                roots.append(translated)
                reason = "$CONTENT_ROOT and $CONTENT_TRANSLATED_ROOT (\(root), \(translated))"
            }
            return Found(roots: roots, reason: reason)
        }
        if isFolder("files") {
            if !isFolder("files/en-us"), isFolder("../content/files/en-us") {
                return Found(roots: ["../content/files", "files"],
                             reason: "files/ with ../content/files beside it (translated-content and mdn/content checkouts)")
            }
            return Found(roots: ["files"], reason: "files/ (an mdn/content or translated-content checkout)")
        }
        throw DiagnosticError(.usage, """
            no content in '\(folder)': looked for content/ (an Erratum project, or an mdn/content checkout), \
            $CONTENT_ROOT (as MDN's tools set it) and files/ (the top of an mdn/content or translated-content checkout); \
            name a folder in MDN's layout with --content <dir>, or start a project here with `erratum init`
            """)
    }
}
