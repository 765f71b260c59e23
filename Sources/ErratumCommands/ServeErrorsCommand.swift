import ArgumentParser
import ErratumCore
import ErratumServer
import Foundation

/// `erratum serve-errors`: the error-page service that Traefik's `errors` middleware, an
/// ingress controller's custom default backend or a Gateway API filter calls.
public struct ServeErrorsCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "serve-errors",
        abstract: "Serve the error pages to a front server that asks for them (Traefik, ingress controllers, Gateway API).",
        discussion: """
        Answers with the real status the page of the code in X-Code, else the one the path \
        names (/503, /503.json, /errors/503.problem.json), else 404; a code without a page \
        gets 500's. The format comes from the path's suffix, X-Format or Accept, the language \
        from Accept-Language, both by RFC 9110 negotiation. GET /healthz answers 200. The \
        pages are those erratum build wrote (--errors Output/errors), or are made in memory \
        at start from the templates (and the content, if --content is given, for links to \
        its reference pages). SIGTERM or SIGINT lets the requests under way finish, then \
        exits 0.
        """
    )

    @Option(help: ArgumentHelp("The address to listen on; 0.0.0.0 for a container.", valueName: "address"))
    var host = "127.0.0.1"

    @Option(help: ArgumentHelp("The port to listen on; 0 lets the system choose one.", valueName: "port"))
    var port = 8080

    @Option(name: .customLong("errors"), help: ArgumentHelp(
        "The error pages erratum build wrote (its Output/errors); without it they are made in memory at start.", valueName: "dir"))
    var errorsFolder: String?

    @Option(name: .customLong("templates"), help: ArgumentHelp(
        "Templates and strings overriding the built-in ones, for pages made in memory (default: templates/ when the current folder has one).",
        valueName: "dir"))
    var templatesRoot: String?

    @Option(name: .customLong("content"), help: ArgumentHelp(
        "Content whose reference pages the pages made in memory link to; repeat for several (default: none, links go to MDN).",
        valueName: "dir"))
    var contentRoots: [String] = []

    @Option(name: .customLong("retry-after"), help: ArgumentHelp(
        "Seconds sent as Retry-After with 429 and 503 (default: none sent).", valueName: "seconds"))
    var retryAfter: Int?

    public init() {}

    public func validate() throws {
        guard (0...65535).contains(port) else { throw ValidationError("--port must be 0 to 65535, not \(port)") }
        if let retryAfter, retryAfter < 0 { throw ValidationError("--retry-after must be 0 or more seconds, not \(retryAfter)") }
        if errorsFolder != nil, templatesRoot != nil || !contentRoots.isEmpty {
            throw ValidationError("--errors serves pages already built; --templates and --content make them in memory instead")
        }
    }

    public func run() throws {
        let stop = ServeStop()
        let server: ErrorServiceServer
        let source: String
        do {
            let bodies: ErrorBodies
            if let errorsFolder {
                bodies = try ErrorBodies(folder: errorsFolder)
                source = errorsFolder
            } else {
                let templates = templatesRoot ?? InputOptions.defaultTemplates
                var options = BuildOptions(contentRoots: contentRoots, templatesRoot: templates, outputPath: "")
                options.progress = nil
                bodies = try Builder(options: options).errorBodies()
                source = "made in memory from " + (templates.map { "'\($0)' and " } ?? "") + "the built-in templates"
            }
            server = try ErrorServiceServer(service: ErrorService(bodies: bodies, retryAfter: retryAfter), host: host, port: port)
            DiagnosticPrinter.printLine("erratum: serving error pages at \(server.url) (\(bodies.codes.count) codes in "
                                        + "\(bodies.languages.joined(separator: ", ")), \(source)); Ctrl-C stops", toStandardError: true)
        } catch {
            DiagnosticPrinter.print(error.diagnostics)
            throw ExitCode.failure
        }
        let signal = stop.wait()
        server.drain()
        DiagnosticPrinter.printLine("erratum: stopped by \(signal)", toStandardError: true)
    }
}
