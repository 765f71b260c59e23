import Foundation
import PackagePlugin

/// Puts the files Erratum carries with it — the package's `templates/` and the starter project
/// `erratum init` writes — into the `ErratumBuiltIns` module as Swift source, so that the
/// installed binary needs nothing beside it.
///
/// Every file is declared as an input: an edited, added or removed file regenerates the source
/// on the next build.
@main
struct EmbedBuiltIns: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: Target) throws -> [Command] {
        let folders: [(name: String, root: URL)] = [
            ("templates", context.package.directoryURL.appending(path: "templates")),
            ("starter", context.package.directoryURL.appending(path: "Sources/ErratumBuiltIns/Starter")),
        ]
        let output = context.pluginWorkDirectoryURL.appending(path: "BuiltInFiles+Contents.swift")
        var arguments = [output.path]
        var inputs: [URL] = []
        for folder in folders {
            let files = try Self.files(below: folder.root)
            arguments += ["--folder", folder.name, folder.root.path] + files
            inputs += files.map { folder.root.appending(path: $0) }
        }
        return [.buildCommand(displayName: "Embedding the templates and the starter project",
                              executable: try context.tool(named: "ErratumEmbed").url,
                              arguments: arguments, inputFiles: inputs, outputFiles: [output])]
    }

    /// The files below `root`, relative and sorted, leaving out hidden files and editors'
    /// backups (`.DS_Store`, `page.html.mustache~`, `.page.html.mustache.swp`).
    static func files(below root: URL) throws -> [String] {
        guard let enumerator = FileManager.default.enumerator(atPath: root.path) else {
            throw EmbedError(description: "'\(root.path)' cannot be read")
        }
        var files: [String] = []
        while let relative = enumerator.nextObject() as? String {
            let name = (relative as NSString).lastPathComponent
            if name.hasPrefix(".") || name.hasSuffix("~") {
                if enumerator.fileAttributes?[.type] as? FileAttributeType == .typeDirectory { enumerator.skipDescendants() }
                continue
            }
            if enumerator.fileAttributes?[.type] as? FileAttributeType == .typeRegular { files.append(relative) }
        }
        return files.sorted()
    }
}

struct EmbedError: Error, CustomStringConvertible {
    let description: String
}
