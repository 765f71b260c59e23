import Foundation

extension CoverageReport {
    /// Loads content roots and UI strings, reads their git history and measures them: what
    /// `erratum coverage` runs.
    ///
    /// Problems in single documents or in the strings do not stop the survey; they come back
    /// in `diagnostics` with the rest, and the strings are left out when they cannot be read.
    ///
    /// - Parameters:
    ///   - contentRoots: content folders in MDN's layout.
    ///   - templates: the template set whose `strings/` holds the UI strings.
    ///   - locales: the locales to report; empty means all.
    ///   - sectionDepth: how many folders of a slug name its section.
    ///   - historyCeiling: folders above which no git repository is looked for
    ///     (`GIT_CEILING_DIRECTORIES`); empty for the environment's own.
    ///   - changes: the pages whose English changes to read.
    /// - Throws: `DiagnosticError` when a content root does not exist.
    public static func survey(contentRoots: [String], templates: TemplateFiles = .builtIn, locales: [String] = [],
                              sectionDepth: Int = 1, historyCeiling: [String] = [],
                              changes: ChangesWanted = .none) throws(DiagnosticError) -> CoverageReport {
        // git reads the history while the content loads.
        let reading = ContentHistory.start(roots: contentRoots, ceiling: historyCeiling)
        let (content, loadDiagnostics) = try ContentLoader(roots: contentRoots).load()
        let catalog = Catalog(content)
        var diagnostics = loadDiagnostics
        var strings: StringsSources?
        do {
            strings = StringsSources.read(try Builder.loadStrings(from: templates), files: templates)
        } catch {
            diagnostics += error.diagnostics
        }
        let history = reading.finish()
        var report = CoverageReport(catalog: catalog, history: history, strings: strings,
                                    locales: locales.isEmpty ? nil : locales.map(ContentLocale.init(tag:)),
                                    sectionDepth: sectionDepth, changes: changes)
        report.diagnostics = (diagnostics + report.diagnostics).sorted()
        return report
    }
}
