import ArgumentParser

/// The `erratum` command line.
public struct ErratumCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "erratum",
        abstract: "Turn MDN-format docs into localized error pages, server configs, an offline site and a coverage report.",
        subcommands: [BuildCommand.self, CheckCommand.self, CoverageCommand.self],
        defaultSubcommand: nil
    )

    public init() {}
}
