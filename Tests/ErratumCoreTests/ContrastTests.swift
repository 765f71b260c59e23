import Foundation
import Testing

/// The colours of the offline site's stylesheet and of the coverage report, light and dark:
/// every text colour the CSS sets reaches WCAG AA (4.5:1) on every surface text sits on, and
/// the report's bar and swatch fills reach 3:1 (WCAG 1.4.11) against the page and the bar's
/// track. A new background colour must be named below as a text surface, a fill, or a track
/// (what fills are drawn on, which carries nothing itself).
@Suite("Site and report colours")
struct ContrastTests {
    /// A stylesheet's custom properties: the first `:root { … }`, and the one inside
    /// `@media (prefers-color-scheme: dark)`.
    static func palettes(_ css: String) throws -> (light: [String: String], dark: [String: String]) {
        func properties(after marker: String.Index) throws -> [String: String] {
            let open = try #require(css[marker...].range(of: ":root")?.upperBound)
            let end = try #require(css[open...].firstIndex(of: "}"))
            var colours: [String: String] = [:]
            for declaration in css[open..<end].split(separator: ";") {
                let parts = declaration.split(separator: ":", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespacesAndNewlines.union(["{"])) }
                guard parts.count == 2, parts[0].hasPrefix("--"), parts[1].hasPrefix("#") else { continue }
                colours[String(parts[0].dropFirst(2))] = parts[1]
            }
            return colours
        }
        let dark = try #require(css.range(of: "prefers-color-scheme: dark"), "no dark mode")
        return (try properties(after: css.startIndex), try properties(after: dark.upperBound))
    }

    /// The `var(--name)` values of the CSS properties `property` (`color`, `background`).
    static func variables(of property: String, in css: String) -> Set<String> {
        let pattern = try! NSRegularExpression(pattern: "(?<![-\\w])\(property):\\s*var\\(--([\\w-]+)\\)")
        let matches = pattern.matches(in: css, range: NSRange(css.startIndex..., in: css))
        return Set(matches.compactMap { Range($0.range(at: 1), in: css).map { String(css[$0]) } })
    }

    static func check(_ css: String, name: String, surfaces: [String: Set<String>], fills: Set<String>,
                      tracks: Set<String> = []) throws {
        let (light, dark) = try palettes(css)
        // Text: the page's own colour, and every one the CSS sets.
        let texts = variables(of: "color", in: css).union(["fg"])
        let backgrounds = variables(of: "background", in: css).union(variables(of: "background-color", in: css)).union(["bg"])
        let unnamed = backgrounds.subtracting(surfaces.keys).subtracting(fills).subtracting(tracks)
        #expect(unnamed.isEmpty, "\(name): background colours neither a text surface nor a fill: \(unnamed.sorted())")
        for (mode, palette) in [("light", light), ("dark", dark)] {
            for (surface, onIt) in surfaces {
                let background = try #require(palette[surface], "\(name) \(mode) lacks --\(surface)")
                for text in onIt.isEmpty ? texts : onIt {
                    let colour = try #require(palette[text], "\(name) \(mode) lacks --\(text)")
                    let ratio = ErrorPageContrastTests.contrast(colour, background)
                    #expect(ratio >= 4.5, "\(name) \(mode): --\(text) \(colour) on --\(surface) \(background) is \(ratio):1")
                }
            }
            for fill in fills {
                let colour = try #require(palette[fill], "\(name) \(mode) lacks --\(fill)")
                for next in ["bg", "track"] where palette[next] != nil {
                    let ratio = ErrorPageContrastTests.contrast(colour, palette[next]!)
                    #expect(ratio >= 3, "\(name) \(mode): the fill --\(fill) \(colour) beside --\(next) is \(ratio):1")
                }
            }
        }
    }

    @Test("the site: every text colour on the page, panels and code, light and dark")
    func site() throws {
        let css = try String(contentsOfFile: TestSupport.templatesRoot + "/site/erratum.css", encoding: .utf8)
        // An empty set: every text colour sits on it.
        try Self.check(css, name: "erratum.css", surfaces: ["bg": [], "panel": [], "code-bg": []], fills: [])
    }

    @Test("the coverage report: text on the page and cards, diff lines and marked words; the bar's fills")
    func report() throws {
        let css = try String(contentsOfFile: TestSupport.templatesRoot + "/coverage/index.html.mustache", encoding: .utf8)
        try Self.check(css, name: "coverage report", surfaces: [
            "bg": [], "card": [],
            // Diff lines and their marked words hold the page's text colour only.
            "del": ["fg"], "add": ["fg"], "del-word": ["fg"], "add-word": ["fg"],
        ], fills: ["ok", "old", "unknown", "missing"], tracks: ["track"])
    }
}
