import ArgumentParser
import ErratumCore
import Foundation

/// `erratum coverage`: what each locale should update first, from the content and its git history.
public struct CoverageCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "coverage",
        abstract: "Report, per locale against en-US, the pages missing, orphaned, outdated since their l10n.sourceCommit, of unknown freshness or drifting, and the UI strings.",
        discussion: """
        History comes from git: one `git log` over the en-US content's repository. Without git \
        or a repository the git-based classes read 'unknown' and the rest still works. \
        Diagnostics go to standard error; the report to standard output or --output.
        """
    )

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case text, json, html
    }

    @OptionGroup var inputs: InputOptions

    @Option(name: .customLong("locale"), help: ArgumentHelp("A locale to report, e.g. fr; repeat for several (default: all).", valueName: "tag"))
    var locales: [String] = []

    @Option(help: "Output format: text (a table for the terminal), json or html.")
    var format: Format = .text

    @Option(help: ArgumentHelp("Write the report to this file instead of standard output.", valueName: "file"))
    var output: String?

    @Option(name: .customLong("section-depth"), help: ArgumentHelp("How many folders of a slug name its section: 1 groups by Web, 2 by Web/HTTP.", valueName: "n"))
    var sectionDepth = 1

    @Option(help: ArgumentHelp("The most pages each text list shows; 0 shows all.", valueName: "n"))
    var limit = 20

    @Option(name: .customLong("diff"),
            help: ArgumentHelp("Show what changed in English since the translation of this page (its slug) was made: the commits and the diff, each change placed in the translation.", valueName: "slug"))
    var diffSlug: String?

    @Flag(name: .customLong("no-diffs"), help: "Leave each outdated page's English diff out of the JSON and HTML reports (smaller, and faster to make).")
    var noDiffs = false

    @Flag(name: .customLong("no-color"), help: "Never colour --diff (it is coloured when standard output is a terminal and NO_COLOR is not set).")
    var noColor = false

    @Option(name: .customLong("mark-updated"), parsing: .upToNextOption,
            help: ArgumentHelp("Set each translation's l10n.sourceCommit to its English file's newest commit, changing nothing else in it; none is written if one is refused.", valueName: "file"))
    var markUpdated: [String] = []

    public init() {}

    public func validate() throws {
        guard sectionDepth >= 1 else { throw ValidationError("--section-depth must be 1 or more, not \(sectionDepth)") }
        guard limit >= 0 else { throw ValidationError("--limit must be 0 (all) or more, not \(limit)") }
        guard diffSlug == nil || markUpdated.isEmpty else { throw ValidationError("--diff and --mark-updated are separate tasks: give one") }
        guard diffSlug == nil || format == .text else { throw ValidationError("--diff writes text; the JSON and HTML reports hold every diff") }
    }

    public func run() throws {
        if !markUpdated.isEmpty { return try runMarkUpdated() }
        if let diffSlug { return try runDiff(diffSlug) }
        let report: CoverageReport
        let text: String
        do {
            let content = try inputs.content()
            if let note = content.note { DiagnosticPrinter.printLine(note, toStandardError: true) }
            let templates = try TemplateFiles(overrides: inputs.templateOverrides)
            report = try CoverageReport.survey(contentRoots: content.roots, templates: templates,
                                               locales: locales, sectionDepth: sectionDepth, changes: format == .text || noDiffs ? .none : .all)
            let reportFolder = output.map { ($0 as NSString).deletingLastPathComponent } ?? "."
            let links = CoverageLinks.sourceFiles(reportFolder: reportFolder.isEmpty ? "." : reportFolder)
            switch format {
            case .text: text = CoverageText.render(report, limit: limit)
            case .json: text = try report.json(templates: TemplateLibrary(files: templates), links: links)
            case .html:
                // Written to a file, the diffs go in a folder beside it, loaded when opened
                // (to a device or a pipe, they stay inside).
                let folder = output.flatMap { ReportFile.isFile($0) ? (($0 as NSString).lastPathComponent as NSString).deletingPathExtension + "-changes" : nil }
                text = try report.html(templates: TemplateLibrary(files: templates), links: links, changesFolder: folder)
                if let output, let folder { try Self.writeChanges(report.changeScripts(), folder: folder, beside: output) }
            }
        } catch {
            DiagnosticPrinter.print(error.diagnostics)
            throw ExitCode.failure
        }
        DiagnosticPrinter.print(report.diagnostics)
        try emit(text)
    }
}

extension CoverageCommand {
    /// Writes what the command made to `--output`, or to standard output.
    func emit(_ text: String) throws {
        guard let output else {
            FileHandle.standardOutput.write(Data(text.utf8))
            return
        }
        do {
            try ReportFile.write(Data(text.utf8), to: output)
        } catch {
            DiagnosticPrinter.printLine("error: cannot write '\(output)': \(error.localizedDescription) [output-io]", toStandardError: true)
            throw ExitCode.failure
        }
    }

    /// The HTML report's changes folder, replaced whole: `report-changes/` beside `report.html`.
    ///
    /// - Throws: `DiagnosticError` (`output-io`) when it cannot be written.
    static func writeChanges(_ scripts: [(name: String, text: String)], folder: String, beside report: String) throws(DiagnosticError) {
        let parent = (report as NSString).deletingLastPathComponent
        let path = parent.isEmpty ? folder : parent + "/" + folder
        let fresh = path + ".new-\(ProcessInfo.processInfo.processIdentifier)"
        do {
            try? FileManager.default.removeItem(atPath: fresh)
            try FileManager.default.createDirectory(atPath: fresh, withIntermediateDirectories: true)
            for script in scripts {
                try Data(script.text.utf8).write(to: URL(fileURLWithPath: fresh + "/" + script.name))
            }
            try? FileManager.default.removeItem(atPath: path)
            try FileManager.default.moveItem(atPath: fresh, toPath: path)
        } catch {
            try? FileManager.default.removeItem(atPath: fresh)
            throw DiagnosticError(.outputIO, "cannot write the report's changes to '\(path)': \(error.localizedDescription)")
        }
    }

    /// `--diff`: the English changes of one page's translations.
    func runDiff(_ slug: String) throws {
        let report: CoverageReport
        do {
            let content = try inputs.content()
            if let note = content.note { DiagnosticPrinter.printLine(note, toStandardError: true) }
            report = try CoverageReport.survey(contentRoots: content.roots, locales: locales, changes: .page(slug))
        } catch {
            DiagnosticPrinter.print(error.diagnostics)
            throw ExitCode.failure
        }
        let pages = report.locales.flatMap(\.pages).filter { $0.isNamed(slug) }
        guard !pages.isEmpty else {
            let named = locales.isEmpty ? "any locale" : locales.joined(separator: ", ")
            DiagnosticPrinter.printLine("error: no translation of '\(slug)' in \(named) [usage]", toStandardError: true)
            throw ExitCode.failure
        }
        let environment = ProcessInfo.processInfo.environment
        let color = !noColor && environment["NO_COLOR"].map(\.isEmpty) ?? true && isatty(STDOUT_FILENO) == 1
        let text = pages.map { ChangesText.render($0, color: color) }.joined(separator: "\n")
        try emit(text)
    }

    /// `--mark-updated`: every file set, or none.
    func runMarkUpdated() throws {
        let marked: [MarkUpdated.Marked]
        do {
            let content = try inputs.content()
            marked = try MarkUpdated.run(files: markUpdated, contentRoots: content.roots)
        } catch {
            DiagnosticPrinter.print(error.diagnostics)
            if markUpdated.count > 1 { DiagnosticPrinter.printLine("no file was changed", toStandardError: true) }
            throw ExitCode.failure
        }
        for mark in marked {
            print("\(mark.file): sourceCommit \(mark.hash.prefix(10)) (\(mark.date.prefix(10)), \(mark.subject))")
        }
    }
}

/// Where `--output` writes a report.
enum ReportFile {
    /// Whether `path` is a regular file, or a link to one, or nothing yet: what a report
    /// replaces rather than writes into.
    static func isFile(_ path: String) -> Bool {
        var status = stat()
        guard lstat(path, &status) == 0 else { return true }
        return status.st_mode & S_IFMT == S_IFREG || status.st_mode & S_IFMT == S_IFLNK
    }

    /// Writes `data` to `path`: a regular file is replaced atomically (a reader never sees
    /// half a report); anything else that exists — `/dev/null`, a FIFO, a terminal — is
    /// opened and written to, never replaced, which as root would destroy a device node.
    static func write(_ data: Data, to path: String) throws {
        var status = stat()
        if lstat(path, &status) == 0, status.st_mode & S_IFMT != S_IFREG, status.st_mode & S_IFMT != S_IFLNK {
            guard let handle = FileHandle(forWritingAtPath: path) else {
                throw CocoaError(.fileWriteNoPermission, userInfo: [NSFilePathErrorKey: path])
            }
            defer { try? handle.close() }
            try handle.write(contentsOf: data)
            return
        }
        let folder = (path as NSString).deletingLastPathComponent
        if !folder.isEmpty { try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true) }
        try data.write(to: URL(fileURLWithPath: path), options: .atomic)
    }
}
