import Foundation
import Testing
@testable import ErratumCore

@Suite("Error pages")
struct ErrorPageTests {
    /// One build of every code in every language, shared by the checks below.
    static let build: (folder: String, strings: StringsCatalog) = {
        let folder = NSTemporaryDirectory() + "erratum-errorpages-\(UUID().uuidString)"
        _ = try? Builder(options: BuildOptions(contentRoots: [TestSupport.contentRoot], templatesRoot: TestSupport.templatesRoot,
                                               outputPath: folder + "/Output")).build()
        let strings = (try? TestSupport.builtInStrings()) ?? StringsCatalog(languages: [:])
        return (folder + "/Output", strings)
    }()

    static let codes = HTTPStatusRegistry.errors.map(\.code)

    @Test("every JSON and problem+json body parses and holds the localized wording", arguments: ["en", "fr", "de"])
    func jsonBodies(language: String) throws {
        for code in Self.codes {
            let base = Self.build.folder + "/errors/\(language)/\(code)"
            let title = try #require(Self.build.strings.text("errors.status.\(code).title", language: language))
            let message = try #require(Self.build.strings.text("errors.status.\(code).message", language: language))
            let json = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: base + ".json"))) as? [String: Any])
            #expect(json["status"] as? Int == code)
            #expect(json["error"] as? String == title)
            #expect(json["message"] as? String == message)
            let problem = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: base + ".problem.json"))) as? [String: Any])
            #expect(Set(problem.keys) == ["type", "title", "status", "detail"])
            #expect(problem["type"] as? String == "about:blank")
            #expect(problem["title"] as? String == title)
            #expect(problem["status"] as? Int == code)
            #expect(problem["detail"] as? String == message)
        }
    }

    @Test("every HTML page is self-contained, small and in its language", arguments: ["en", "fr", "de"])
    func htmlPages(language: String) throws {
        for code in Self.codes {
            let path = Self.build.folder + "/errors/\(language)/\(code).html"
            let data = try #require(FileManager.default.contents(atPath: path))
            let html = String(decoding: data, as: UTF8.self)
            #expect(data.count < 4096, "\(path) is \(data.count) bytes")
            #expect(html.hasPrefix("<!DOCTYPE html>\n<html lang=\"\(language)\">"))
            #expect(html.contains("<meta charset=\"utf-8\">"))
            #expect(html.contains("<meta name=\"viewport\""))
            #expect(html.contains("prefers-color-scheme:dark"))
            #expect(html.contains("<main>"))
            // No request of any kind: no script, stylesheet link, image, font or frame.
            for forbidden in ["<script", "<link", "<img", "@import", "url(", "<iframe", " src="] {
                #expect(!html.contains(forbidden), "\(path) contains \(forbidden)")
            }
        }
    }

    @Test("a page links the status's reference doc when the content has one")
    func referenceLinks() throws {
        let french = try String(contentsOfFile: Self.build.folder + "/errors/fr/507.html", encoding: .utf8)
        #expect(french.contains(#"<a href="https://developer.mozilla.org/fr/docs/Web/HTTP/Reference/Status/507">"#))
        let english404 = try String(contentsOfFile: Self.build.folder + "/errors/en/404.html", encoding: .utf8)
        #expect(!english404.contains("<a href"))
    }

    @Test("--reference-base points the links at another site")
    func referenceBase() throws {
        let folder = try TestSupport.temporaryFolder()
        defer { TestSupport.cleanUp(folder) }
        _ = try Builder(options: BuildOptions(contentRoots: [TestSupport.contentRoot], templatesRoot: TestSupport.templatesRoot,
                                              outputPath: folder + "/Output", codes: [507],
                                              referenceBase: "https://docs.example.net/mdn")).build()
        let german = try String(contentsOfFile: folder + "/Output/errors/de/507.html", encoding: .utf8)
        #expect(german.contains(#"<a href="https://docs.example.net/mdn/de/docs/Web/HTTP/Reference/Status/507">"#))
    }

    @Test("a strings file missing a code is an error naming the file, the code and the key")
    func missingStrings() throws {
        let folder = try TestSupport.temporaryFolder()
        defer { TestSupport.cleanUp(folder) }
        let templates = folder + "/templates"
        try FileManager.default.copyItem(atPath: TestSupport.templatesRoot, toPath: templates)
        let german = templates + "/strings/de.yaml"
        var yaml = try String(contentsOfFile: german, encoding: .utf8)
        let entry = try #require(yaml.range(of: "    \"404\":\n"))
        let next = try #require(yaml.range(of: "    \"405\":\n"))
        yaml.removeSubrange(entry.lowerBound..<next.lowerBound)
        try yaml.write(toFile: german, atomically: true, encoding: .utf8)
        let statusLine = try #require(yaml.components(separatedBy: "\n").firstIndex(of: "  status:")) + 1

        #expect {
            try Builder(options: BuildOptions(contentRoots: [TestSupport.contentRoot], templatesRoot: templates,
                                              outputPath: folder + "/Output")).build()
        } throws: { error in
            let messages = (error as? DiagnosticError)?.diagnostics.map(\.description) ?? []
            return messages == ["advice", "message", "title"].map {
                "\(german):\(statusLine):3: error: '\(german)' has no 'errors.status.404.\($0)' for status 404 [strings]"
            }
        }
        #expect(!FileManager.default.fileExists(atPath: folder + "/Output"))
    }

    @Test("the nginx and Apache files name every code, and Apache skips the one it does not know")
    func serverConfigs() throws {
        let nginx = try String(contentsOfFile: Self.build.folder + "/nginx/erratum-server.conf", encoding: .utf8)
        let apache = try String(contentsOfFile: Self.build.folder + "/apache/erratum.conf", encoding: .utf8)
        for code in Self.codes {
            #expect(nginx.contains("error_page \(code) /.erratum/$erratum_language/\(code)$erratum_suffix;"))
            #expect(apache.contains("ErrorDocument \(code) /.erratum/\(code).var") == (code != 425))
        }
        let typeMap = try String(contentsOfFile: Self.build.folder + "/errors/507.var", encoding: .utf8)
        #expect(typeMap.contains("URI: fr/507.problem.json\nContent-Type: application/problem+json; qs=0.9\nContent-Language: fr\n"))
    }
}

@Suite("Error page colours")
struct ErrorPageContrastTests {
    /// The `--name:#rrggbb` custom properties of one `:root{…}` rule.
    static func palette(_ rule: Substring) -> [String: String] {
        var colours: [String: String] = [:]
        for declaration in rule.split(separator: ";") {
            let parts = declaration.split(separator: ":", maxSplits: 1)
            guard parts.count == 2, parts[0].hasPrefix("--") else { continue }
            colours[String(parts[0].dropFirst(2))] = parts[1].trimmingCharacters(in: .whitespaces)
        }
        return colours
    }

    /// WCAG 2 relative luminance of `#rrggbb` or `#rgb`.
    static func luminance(_ hex: String) -> Double {
        var digits = String(hex.dropFirst())
        if digits.count == 3 { digits = digits.map { "\($0)\($0)" }.joined() }
        let value = Int(digits, radix: 16) ?? 0
        let channels = [(value >> 16) & 0xFF, (value >> 8) & 0xFF, value & 0xFF].map { channel -> Double in
            let c = Double(channel) / 255
            return c <= 0.03928 ? c / 12.92 : pow((c + 0.055) / 1.055, 2.4)
        }
        return 0.2126 * channels[0] + 0.7152 * channels[1] + 0.0722 * channels[2]
    }

    static func contrast(_ a: String, _ b: String) -> Double {
        let (x, y) = (luminance(a), luminance(b))
        return (max(x, y) + 0.05) / (min(x, y) + 0.05)
    }

    @Test("text, secondary text and links reach WCAG AA contrast (4.5:1) in light and dark mode")
    func contrastAA() throws {
        let template = try String(contentsOfFile: TestSupport.templatesRoot + "/errors/html.mustache", encoding: .utf8)
        let rules = template.components(separatedBy: ":root{").dropFirst().map { $0.prefix { $0 != "}" } }
        try #require(rules.count == 2, "expected a light and a dark :root rule")
        for (mode, rule) in zip(["light", "dark"], rules) {
            let colours = Self.palette(rule)
            let background = try #require(colours["bg"])
            for name in ["fg", "muted", "link"] {
                let colour = try #require(colours[name], "\(mode) mode lacks --\(name)")
                let ratio = Self.contrast(colour, background)
                #expect(ratio >= 4.5, "\(mode) --\(name) \(colour) on \(background) is \(ratio):1")
            }
        }
    }
}
