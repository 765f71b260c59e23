import ArgumentParser
import ErratumCore
import ErratumServer
import Foundation
import Synchronization

/// `erratum serve`: the site as readers will see it, rebuilt and reloaded as the sources change.
public struct ServeCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve a live preview of the site: rebuilt after each change to the content or templates, open pages reloaded.",
        discussion: """
        The site is served at the paths of Output/docs/, the error pages at /.erratum/, and \
        paths that are not there get Erratum's own 404 page in the language and format the \
        request asks for. A change is built by the incremental builder into a private output \
        folder (under $XDG_CACHE_HOME/erratum/serve, kept for the next start); problems \
        appear over the pages they concern, and a failed build leaves the last good site \
        served. Listens on loopback unless --host says otherwise. SIGINT or SIGTERM stops it.
        """
    )

    @OptionGroup var inputs: InputOptions

    @Option(help: ArgumentHelp("The address to listen on; 0.0.0.0 opens the preview to the network.", valueName: "address"))
    var host = "127.0.0.1"

    @Option(help: ArgumentHelp("The port to listen on; 0 lets the system choose one.", valueName: "port"))
    var port = 8000

    @Option(name: .customLong("output"), help: ArgumentHelp(
        "The folder the preview builds into (default: one per project under $XDG_CACHE_HOME/erratum/serve).", valueName: "dir"))
    var outputPath: String?

    public init() {}

    public func validate() throws {
        guard (0...65535).contains(port) else { throw ValidationError("--port must be 0 to 65535, not \(port)") }
    }

    public func run() throws {
        let stop = ServeStop()
        let contentRoots: [String]
        let server: PreviewServer
        let output: String
        do {
            let content = try inputs.content()
            contentRoots = content.roots
            if let note = content.note { DiagnosticPrinter.printLine(note, toStandardError: true) }
            output = outputPath ?? Self.defaultOutput(contentRoots: contentRoots, templates: inputs.templateOverrides)
            server = try PreviewServer(site: PreviewSite(output: output), host: host, port: port)
        } catch {
            DiagnosticPrinter.print(error.diagnostics)
            throw ExitCode.failure
        }
        // An output left by an earlier preview is served while the first build catches up.
        if FileManager.default.fileExists(atPath: output.appendingPathComponent("docs/index.html")) { server.site.markReady() }
        var options = BuildOptions(contentRoots: contentRoots, templatesRoot: inputs.templateOverrides, outputPath: output)
        options.progress = nil
        let session = PreviewSession(options: options, server: server) { line in
            DiagnosticPrinter.printLine("erratum: " + line, toStandardError: true)
        }
        let watched = contentRoots + (inputs.templateOverrides.map { [$0] } ?? [])
        // What makes pages on request loads first, on every core; the sources' folders are
        // walked for watching after it, while the first pages are made.
        session.start()
        DiagnosticPrinter.printLine("erratum: serving \(server.url) (watching \(watched.joined(separator: ", ")); "
                                    + "building into \(output)); Ctrl-C stops", toStandardError: true)
        session.waitForPreparation()
        let watcher: DirectoryWatcher
        do {
            watcher = try DirectoryWatcher(roots: watched) { paths, overflowed in session.sourcesChanged(overflowed ? nil : paths) }
        } catch {
            session.stop()
            server.close()
            DiagnosticPrinter.print(error.diagnostics)
            throw ExitCode.failure
        }
        session.sourcesWatched()
        let signal = stop.wait()
        watcher.stop()
        session.stop()
        server.close()
        DiagnosticPrinter.printLine("erratum: stopped by \(signal)", toStandardError: true)
    }

    /// `$XDG_CACHE_HOME/erratum/serve/<project>/Output`, the project told by the folder it runs
    /// in and its sources, so that each project keeps its own build cache between starts.
    static func defaultOutput(contentRoots: [String], templates: String?) -> String {
        let environment = ProcessInfo.processInfo.environment
        let cache = environment["XDG_CACHE_HOME"].flatMap { $0.isEmpty ? nil : $0 }
            ?? (environment["HOME"] ?? NSTemporaryDirectory()).appendingPathComponent(".cache")
        let identity = ([FileManager.default.currentDirectoryPath] + contentRoots + [templates ?? ""]).joined(separator: "\0")
        let hash = Digest.of(identity.utf8).low
        let name = (FileManager.default.currentDirectoryPath as NSString).lastPathComponent
        let project = name.filter { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" } + "-" + String(hash, radix: 16)
        return cache.appendingPathComponent("erratum/serve").appendingPathComponent(project).appendingPathComponent("Output")
    }
}

/// Waits for SIGINT or SIGTERM.
final class ServeStop {
    private final class Received: Sendable {
        let semaphore = DispatchSemaphore(value: 0)
        let name = Mutex("")
    }

    private let received = Received()
    private let sources: [any DispatchSourceSignal]

    init() {
        let received = received
        sources = [(SIGINT, "SIGINT"), (SIGTERM, "SIGTERM")].map { number, signalName in
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler {
                received.name.withLock { $0 = signalName }
                received.semaphore.signal()
            }
            source.resume()
            return source
        }
    }

    deinit {
        for source in sources { source.cancel() }
    }

    /// Blocks until a signal arrives; returns its name.
    func wait() -> String {
        received.semaphore.wait()
        return received.name.withLock { $0 }
    }
}
