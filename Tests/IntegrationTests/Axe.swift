import Foundation

/// axe-core, Deque's accessibility engine, run inside a page of the Chromium driver: the
/// `axe.min.js` that `scripts/install-deps --test` fetches (PyPI's axe-playwright-python).
enum Axe {
    /// One rule a page breaks, with the elements that break it.
    struct Violation: Decodable, CustomStringConvertible {
        let id: String
        /// `minor`, `moderate`, `serious` or `critical`.
        let impact: String
        let help: String
        /// CSS selectors of the first elements concerned.
        let nodes: [String]

        var isSerious: Bool { impact == "serious" || impact == "critical" }
        var description: String { "\(impact) \(id): \(help) — \(nodes.joined(separator: ", "))" }
    }

    struct Missing: Error, CustomStringConvertible {
        let path: String
        var description: String { "axe-core is missing at \(path): run scripts/install-deps --test" }
    }

    /// Where install-deps puts it.
    static let path = ErrorPagesBuild.repoRoot + "/.build-tools/axe/axe.min.js"

    /// The engine's source.
    static func source() throws -> String {
        guard let data = FileManager.default.contents(atPath: path), !data.isEmpty else { throw Missing(path: path) }
        return String(decoding: data, as: UTF8.self)
    }

    /// Every rule of WCAG 2.x A and AA, and axe's best practices, that `page` breaks as it is now.
    static func violations(in page: ChromiumPage) throws -> [Violation] {
        _ = try page.evaluate(try source() + "\n;true")
        let json = try page.evaluate("""
            axe.run(document, {resultTypes: ["violations"],
                               runOnly: {type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]}})
              .then(result => JSON.stringify(result.violations.map(v => ({
                id: v.id, impact: v.impact || "minor", help: v.help,
                nodes: v.nodes.slice(0, 5).map(n => n.target.join(" "))}))))
            """, as: String.self)
        return try JSONDecoder().decode([Violation].self, from: Data(json.utf8))
    }
}
