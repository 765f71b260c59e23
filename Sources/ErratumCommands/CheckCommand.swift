import ArgumentParser
import ErratumCore
import Foundation

/// `erratum check`: every flaw in the content, without building anything.
public struct CheckCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Report every flaw in the content without building: unknown macros, bad arguments, broken links and anchors, redirect chains and loops, unsafe HTML, front-matter mistakes.",
        discussion: "Exits 1 when there are errors (or warnings, with --strict). The last lines count the findings by code."
    )

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case text, json
    }

    @OptionGroup var inputs: InputOptions

    @Option(help: "Output format: text (path:line:col: severity: message [code]) or json.")
    var format: Format = .text

    @Flag(help: "Treat warnings as errors.")
    var strict = false

    public init() {}

    public func run() throws {
        let report: CheckReport
        do {
            let content = try inputs.content()
            if let note = content.note { DiagnosticPrinter.printLine(note, toStandardError: true) }
            report = try Checker(contentRoots: content.roots, templatesRoot: inputs.templateOverrides).run()
        } catch {
            DiagnosticPrinter.print(error.diagnostics)
            throw ExitCode.failure
        }
        switch format {
        case .text:
            for diagnostic in report.diagnostics { DiagnosticPrinter.printLine(diagnostic.description) }
            DiagnosticPrinter.printLine(CheckSummary.lines(report).joined(separator: "\n"))
        case .json:
            DiagnosticPrinter.printLine(try CheckSummary.json(report))
        }
        let failing = report.count(.error) > 0 || (strict && report.count(.warning) > 0)
        if failing { throw ExitCode.failure }
    }
}

/// The end of a check's output: totals, then counts by code.
enum CheckSummary {
    static func lines(_ report: CheckReport) -> [String] {
        let errors = report.count(.error), warnings = report.count(.warning)
        var lines = ["checked \(report.documents) document\(report.documents == 1 ? "" : "s"): "
                     + "\(errors) error\(errors == 1 ? "" : "s"), \(warnings) warning\(warnings == 1 ? "" : "s")"]
        let width = report.countsByCode.map(\.code.rawValue.count).max() ?? 0
        for (code, count) in report.countsByCode {
            lines.append("  " + code.rawValue.padding(toLength: width, withPad: " ", startingAt: 0) + "  \(count)")
        }
        return lines
    }

    struct JSONReport: Encodable {
        struct Finding: Encodable {
            let severity: String
            let code: String
            let message: String
            let file: String?
            let line: Int?
            let column: Int?
        }

        let documents: Int
        let errors: Int
        let warnings: Int
        let byCode: [String: Int]
        let diagnostics: [Finding]
    }

    static func json(_ report: CheckReport) throws -> String {
        let value = JSONReport(
            documents: report.documents, errors: report.count(.error), warnings: report.count(.warning),
            byCode: Dictionary(uniqueKeysWithValues: report.countsByCode.map { ($0.code.rawValue, $0.count) }),
            diagnostics: report.diagnostics.map {
                .init(severity: $0.severity.rawValue, code: $0.code.rawValue, message: $0.message,
                      file: $0.location?.file, line: $0.location?.line, column: $0.location?.column)
            })
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }
}
