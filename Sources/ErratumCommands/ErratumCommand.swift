import ArgumentParser
import ErratumCore

/// The `erratum` command line.
public struct ErratumCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "erratum",
        abstract: "Turn MDN-format docs into localized error pages, server configs, an offline site and a coverage report.",
        discussion: """
        Run in a folder holding content/ (as `erratum init` makes), or an mdn/content or \
        translated-content checkout, or name the content with --content. The templates, UI \
        strings and site assets are built in; a templates/ folder beside the content, or \
        --templates, replaces or adds to them file by file.
        """,
        version: ErratumVersion.description,
        subcommands: [BuildCommand.self, CheckCommand.self, CoverageCommand.self, ServeCommand.self, ServeErrorsCommand.self, InitCommand.self, TemplatesCommand.self],
        defaultSubcommand: nil
    )

    public init() {}
}
