import ArgumentParser
import ErratumCore
import Foundation

/// `erratum templates`: the built-in templates, which of them a folder overrides, and copies
/// of them to start an override from.
public struct TemplatesCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "templates",
        abstract: "List the built-in templates, strings and assets and what the templates folder overrides; copy or show one.",
        discussion: """
        Without options, prints every file with a mark: 'built-in', 'overridden' (the folder \
        has its own), or 'added' (only the folder has it). --copy writes built-in files into \
        the folder, never over a file already there.
        """
    )

    @Option(name: .customLong("templates"), help: ArgumentHelp(
        "The override folder (default: templates/).", valueName: "dir"))
    var templatesRoot = "templates"

    @Option(help: ArgumentHelp(
        "Copy a built-in file, or every file below a built-in folder (site, strings), into the override folder; repeat for several.",
        valueName: "path"))
    var copy: [String] = []

    @Option(help: ArgumentHelp("Print a built-in file.", valueName: "path"))
    var show: String?

    public init() {}

    public func run() throws {
        let builtIn = TemplateFiles.builtIn
        if let show {
            guard builtIn.contains(show), let data = builtIn.data(show) else {
                throw Self.fail("no built-in file '\(show)'; `erratum templates` lists them")
            }
            FileHandle.standardOutput.write(data)
            return
        }
        if !copy.isEmpty {
            try copyFiles(from: builtIn)
            return
        }
        var isDirectory: ObjCBool = false
        let hasFolder = FileManager.default.fileExists(atPath: templatesRoot, isDirectory: &isDirectory) && isDirectory.boolValue
        let files = hasFolder ? try Self.load(templatesRoot) : builtIn
        for path in files.paths {
            let mark = !files.isOverridden(path) ? "built-in" : builtIn.contains(path) ? "overridden" : "added"
            DiagnosticPrinter.printLine(mark.padding(toLength: 11, withPad: " ", startingAt: 0) + path)
        }
    }

    private func copyFiles(from builtIn: TemplateFiles) throws {
        var chosen: [String] = []
        for request in copy {
            let trimmed = request.hasSuffix("/") ? String(request.dropLast()) : request
            let matches = builtIn.paths.filter { $0 == trimmed || $0.hasPrefix(trimmed + "/") }
            guard !matches.isEmpty else { throw Self.fail("no built-in file or folder '\(request)'; `erratum templates` lists them") }
            chosen += matches.filter { !chosen.contains($0) }
        }
        let existing = chosen.filter { FileManager.default.fileExists(atPath: templatesRoot.appendingPathComponent($0)) }
        guard existing.isEmpty else {
            throw Self.fail("not copied, as \(existing.map { "'\(templatesRoot.appendingPathComponent($0))'" }.joined(separator: ", ")) "
                            + "exist\(existing.count == 1 ? "s" : "") already")
        }
        for path in chosen {
            let target = templatesRoot.appendingPathComponent(path)
            do {
                try FileManager.default.createDirectory(atPath: (target as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
                try (builtIn.data(path) ?? Data()).write(to: URL(fileURLWithPath: target), options: .withoutOverwriting)
            } catch {
                throw Self.fail("cannot write '\(target)': \(error.localizedDescription)", code: "output-io")
            }
            DiagnosticPrinter.printLine("copied \(path) to \(target)")
        }
    }

    private static func load(_ folder: String) throws -> TemplateFiles {
        do {
            return try TemplateFiles(overrides: folder)
        } catch {
            DiagnosticPrinter.print(error.diagnostics)
            throw ExitCode.failure
        }
    }

    private static func fail(_ message: String, code: String = "usage") -> ExitCode {
        DiagnosticPrinter.printLine("error: \(message) [\(code)]", toStandardError: true)
        return ExitCode.failure
    }
}
