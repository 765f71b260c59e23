import ArgumentParser
import ErratumCore
import Foundation

/// `erratum init`: a new project to start from.
public struct InitCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: "Start a project: an example page per language in content/, a templates/ folder for overrides, a .gitignore.",
        discussion: """
        Writes content/ in MDN's layout (one example page in en-US, fr and de, and each \
        locale's _redirects.txt), templates/README.md on what a file there overrides, and a \
        .gitignore for Output/ and the build's cache. Writes over nothing: when any of these \
        files exists it names them and exits 1, having written none.
        """
    )

    @Argument(help: ArgumentHelp("The project folder, made if missing.", valueName: "dir"))
    var folder = "."

    public init() {}

    public func run() throws {
        let written: [String]
        do {
            written = try StarterProject.write(to: folder)
        } catch {
            DiagnosticPrinter.print(error.diagnostics)
            throw ExitCode.failure
        }
        let pages = written.filter { $0.hasSuffix("/index.md") }.count
        let place = folder == "." ? "" : " in \(folder)"
        DiagnosticPrinter.printLine("""
            wrote \(written.count) files\(place): content/ (\(pages) example pages, en-US, fr and de), templates/README.md, .gitignore
            next: \(folder == "." ? "" : "cd \(folder) && ")erratum build    (writes Output/; erratum check finds mistakes without building)
            """)
    }
}
