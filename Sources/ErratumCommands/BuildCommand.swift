import ArgumentParser
import ErratumCore
import Foundation
import Synchronization

/// `erratum build`: the whole pipeline, from content to `Output/`.
public struct BuildCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "build",
        abstract: "Build the error pages, server configs, offline site and coverage report.",
        discussion: """
        The output folder is replaced as a whole only when the build succeeds: a build that \
        fails leaves the previous output exactly as it was.
        """
    )

    @OptionGroup var inputs: InputOptions

    @Option(name: .customLong("output"), help: ArgumentHelp("The output folder, replaced when the build succeeds.", valueName: "dir"))
    var outputPath = "Output"

    @Option(name: .customLong("errors-root"), help: ArgumentHelp(
        "Where the error pages will live on the server, as written into the nginx and Apache configs (default: the absolute path of <output>/errors).",
        valueName: "path"))
    var errorsRoot: String?

    @Option(help: ArgumentHelp("Status codes for the error pages, e.g. 404,503,507 or 404,5xx (default: every 4xx and 5xx code in the IANA registry).", valueName: "codes"))
    var codes: String?

    @Option(help: ArgumentHelp("Languages for the error pages, default first, e.g. en,fr,de (default: every strings file).", valueName: "tags"))
    var languages: String?

    @Option(name: .customLong("reference-base"), help: ArgumentHelp(
        "Where error pages link a status's reference page, e.g. https://intranet.example/docs serving the offline site (default: https://developer.mozilla.org).",
        valueName: "url"))
    var referenceBase: String?

    @Flag(help: "Treat warnings as errors.")
    var strict = false

    @Flag(help: "Print only diagnostics, no summary.")
    var quiet = false

    @Flag(help: "Print how long each phase of the build took.")
    var timings = false

    @Flag(name: .customLong("no-cache"), help: ArgumentHelp(
        "Render every document, neither reading nor writing the build cache (.<output>.cache beside the output folder)."))
    var noCache = false

    @Flag(name: .customLong("no-wait"), help: ArgumentHelp(
        "Fail at once, instead of waiting, when another build is writing the same output folder."))
    var noWait = false

    public init() {}

    public func validate() throws {
        if let codes {
            _ = try parseCodes(codes)
        }
    }

    public func run() throws {
        let contentRoots: [String]
        do {
            let content = try inputs.content()
            contentRoots = content.roots
            if let note = content.note, !quiet { DiagnosticPrinter.printLine(note, toStandardError: true) }
        } catch {
            DiagnosticPrinter.print(error.diagnostics)
            throw ExitCode.failure
        }
        var options = BuildOptions(
            contentRoots: contentRoots,
            templatesRoot: inputs.templateOverrides,
            outputPath: outputPath,
            errorsRoot: errorsRoot,
            codes: try codes.map(parseCodes),
            languages: languages.map { $0.split(separator: ",").map { String($0).trimmingCharacters(in: .whitespaces) } },
            referenceBase: referenceBase.map { $0.hasSuffix("/") ? String($0.dropLast()) : $0 },
            strict: strict
        )
        options.cache = !noCache
        options.waitsForOtherBuild = !noWait
        options.freesMemoryWhenDone = false   // the process exits once the report is printed
        ProcessMemory.tuneForBuild()
        let shownOutput = outputPath
        options.waitingForOtherBuild = { holder in
            let who = holder.map { " (pid \($0))" } ?? ""
            DiagnosticPrinter.printLine("erratum: waiting for another build of \(shownOutput)\(who) to finish…", toStandardError: true)
        }
        let stop = SignalStop()
        options.cancellation = stop.cancellation
        let meter = ProgressMeter(isTerminal: !quiet && isatty(STDERR_FILENO) == 1)
        options.progress = { meter.update(rendered: $0, of: $1) }
        let report: BuildReport
        defer { meter.finish() }
        do {
            report = try Builder(options: options).build()
        } catch {
            if let signal = stop.received {
                meter.finish()
                DiagnosticPrinter.printLine("erratum: build stopped by \(SignalStop.name(of: signal)); \(outputPath) left as it was",
                                            toStandardError: true)
                throw ExitCode(128 + signal)
            }
            DiagnosticPrinter.print(error.diagnostics)
            let errors = error.diagnostics.filter { $0.severity == .error }.count
            let warnings = error.diagnostics.count - errors
            DiagnosticPrinter.printLine("build failed: \(errors) error\(errors == 1 ? "" : "s"), \(warnings) warning\(warnings == 1 ? "" : "s"); \(outputPath) left as it was", toStandardError: true)
            throw ExitCode.failure
        }
        DiagnosticPrinter.print(report.diagnostics)
        if timings {
            for phase in report.phases {
                let name = phase.name.padding(toLength: 10, withPad: " ", startingAt: 0)
                var line = name + String(format: "%7.3f s", phase.seconds)
                if let resident = phase.residentBytes, let peak = phase.peakResidentBytes {
                    line += String(format: "  %6d MiB resident, %6d MiB at most", resident >> 20, peak >> 20)
                }
                DiagnosticPrinter.printLine(line, toStandardError: true)
            }
        }
        if !quiet {
            DiagnosticPrinter.printLine(BuildSummary.line(report, output: outputPath))
        }
    }

    func parseCodes(_ text: String) throws -> [Int] {
        var codes: Set<Int> = []
        for item in text.split(separator: ",") {
            let token = item.trimmingCharacters(in: .whitespaces).lowercased()
            if token.count == 3, token.hasSuffix("xx"), let hundred = Int(token.prefix(1)) {
                codes.formUnion(HTTPStatusRegistry.errors.map(\.code).filter { $0 / 100 == hundred })
            } else if let code = Int(token), (400...599).contains(code) {
                codes.insert(code)
            } else {
                throw ValidationError("'\(item)' is not an error status code (400–599) or a class such as 4xx")
            }
        }
        return codes.sorted()
    }
}

/// Turns SIGINT and SIGTERM into a clean stop: the build stops at the next document or file,
/// removes what it staged and leaves the output as it was. A second signal ends the process
/// at once, which is safe too: the output is only ever swapped, never written in place.
final class SignalStop {
    private final class Received: Sendable {
        let number = Mutex<Int32?>(nil)
    }

    let cancellation = BuildCancellation()
    private let signal = Received()
    private let sources: [any DispatchSourceSignal]

    init(signals: [Int32] = [SIGINT, SIGTERM]) {
        let cancellation = cancellation
        let signal = signal
        sources = signals.map { number in
            Glibc.signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler {
                let first = signal.number.withLock { received in
                    defer { received = received ?? number }
                    return received == nil
                }
                guard first else { _exit(128 + number) }
                cancellation.cancel("build stopped by \(SignalStop.name(of: number))")
            }
            source.resume()
            return source
        }
    }

    deinit {
        for source in sources { source.cancel() }
    }

    /// The signal that stopped the build, if one did.
    var received: Int32? { signal.number.withLock { $0 } }

    static func name(of signal: Int32) -> String {
        switch signal {
        case SIGINT: "SIGINT"
        case SIGTERM: "SIGTERM"
        default: "signal \(signal)"
        }
    }
}

/// The one-line summary of a build.
enum BuildSummary {
    static func line(_ report: BuildReport, output: String) -> String {
        let seconds = String(format: "%.2f", report.seconds)
        return "built \(report.documents) document\(report.documents == 1 ? "" : "s") in \(report.locales) locale\(report.locales == 1 ? "" : "s"): "
            + "\(report.pages) page\(report.pages == 1 ? "" : "s")\(rendered(report)), \(report.errorBodies) error bodies, "
            + "\(report.serverConfigs) server config files, \(report.files) files in \(output)/; "
            + "\(report.warnings) warning\(report.warnings == 1 ? "" : "s"); \(seconds) s"
    }
}

extension BuildSummary {
    /// " (2 rendered, 14591 unchanged)" when the cache spared some renders.
    static func rendered(_ report: BuildReport) -> String {
        report.rendered == report.pages ? "" : " (\(report.rendered) rendered, \(report.pages - report.rendered) unchanged)"
    }
}

/// Prints diagnostics the way editors and CI parse them.
enum DiagnosticPrinter {
    static func print(_ diagnostics: [Diagnostic]) {
        for diagnostic in diagnostics {
            printLine(diagnostic.description, toStandardError: true)
        }
    }

    static func printLine(_ line: String, toStandardError: Bool = false) {
        let handle = toStandardError ? FileHandle.standardError : FileHandle.standardOutput
        handle.write(Data((line + "\n").utf8))
    }
}

/// "rendered 5000 of 14720 documents" on a terminal, for a build that has run longer than a
/// second; nothing at all when standard error is not a terminal (CI logs, pipes).
final class ProgressMeter: Sendable {
    private struct State {
        var lastShown: ContinuousClock.Instant?
        var shown = false
    }

    private let isTerminal: Bool
    private let started: ContinuousClock.Instant
    private let state = Mutex(State())
    private let write: @Sendable (String) -> Void

    init(isTerminal: Bool, started: ContinuousClock.Instant = .now,
         write: @escaping @Sendable (String) -> Void = { FileHandle.standardError.write(Data($0.utf8)) }) {
        self.isTerminal = isTerminal
        self.started = started
        self.write = write
    }

    /// Shows the count, at most ten times a second, once the build is a second old.
    func update(rendered: Int, of total: Int) {
        guard isTerminal else { return }
        let now = ContinuousClock.now
        guard now - started > .seconds(1) else { return }
        let show = state.withLock { state -> Bool in
            if let last = state.lastShown, now - last < .milliseconds(100), rendered < total { return false }
            state.lastShown = now
            state.shown = true
            return true
        }
        if show { write("\rrendered \(rendered) of \(total) documents") }
    }

    /// Clears the line, if anything was shown.
    func finish() {
        if state.withLock({ $0.shown }) { write("\r\u{1B}[K") }
    }
}
