import ArgumentParser
import ErratumCore
import Foundation

/// `--content` and `--templates`, shared by every command that reads the docs.
struct InputOptions: ParsableArguments {
    @Option(name: .customLong("content"), help: ArgumentHelp(
        "A content folder in MDN's layout (<locale>/<slug>/index.md); repeat for several, e.g. mdn/content's and translated-content's files/ (default: found from the current folder).",
        valueName: "dir"))
    var contentRoots: [String] = []

    @Option(name: .customLong("templates"), help: ArgumentHelp(
        "A folder of templates, strings/<lang>.yaml files and site assets that replace or add to the built-in ones, file by file (default: templates/ when the current folder has one).",
        valueName: "dir"))
    var templatesRoot: String?

    /// The content roots: those named, or those `ContentDiscovery` finds, with a line saying how
    /// when the find is not the plain `content/`.
    func content() throws(DiagnosticError) -> (roots: [String], note: String?) {
        guard contentRoots.isEmpty else { return (contentRoots, nil) }
        let found = try ContentDiscovery.find()
        return (found.roots, found.roots == ["content"] ? nil : "erratum: content from \(found.reason)")
    }

    /// The folder overriding the built-in templates: the one named, or `templates/` when the
    /// current folder has one.
    var templateOverrides: String? {
        templatesRoot ?? Self.defaultTemplates
    }

    /// `templates/` when the current folder has one.
    static var defaultTemplates: String? {
        var isDirectory: ObjCBool = false
        return FileManager.default.fileExists(atPath: "templates", isDirectory: &isDirectory) && isDirectory.boolValue ? "templates" : nil
    }
}
