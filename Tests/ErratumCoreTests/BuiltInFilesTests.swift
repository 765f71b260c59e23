import Foundation
import Testing
@testable import ErratumCore

/// The templates the binary carries, the folders that override them, the project `erratum
/// init` writes, and where a build finds its content.
@Suite("Built-in templates and the starter project")
struct BuiltInFilesTests {
    /// The files of the repository's templates/, read from disk by the test itself.
    static func repositoryTemplates() throws -> [String: Data] {
        let root = TestSupport.templatesRoot
        var files: [String: Data] = [:]
        let enumerator = try #require(FileManager.default.enumerator(atPath: root))
        while let relative = enumerator.nextObject() as? String {
            var isDirectory: ObjCBool = false
            _ = FileManager.default.fileExists(atPath: root + "/" + relative, isDirectory: &isDirectory)
            if !isDirectory.boolValue { files[relative] = FileManager.default.contents(atPath: root + "/" + relative) }
        }
        return files
    }

    @Test("the built-in templates are the repository's templates/, file for file and byte for byte")
    func builtInEqualsRepository() throws {
        let onDisk = try Self.repositoryTemplates()
        let builtIn = TemplateFiles.builtIn
        #expect(onDisk.count > 15)
        #expect(builtIn.paths == onDisk.keys.sorted())
        for path in onDisk.keys.sorted() {
            #expect(builtIn.data(path) == onDisk[path], "\(path) differs from templates/\(path)")
            #expect(builtIn.location(path) == "<built-in>/" + path)
        }
    }

    @Test("a build with the built-in templates alone equals one with the repository's templates/")
    func builtInBuildsTheSame() throws {
        let folder = try TestSupport.temporaryFolder()
        defer { TestSupport.cleanUp(folder) }
        for (name, templates) in [("built-in", nil), ("folder", TestSupport.templatesRoot)] as [(String, String?)] {
            var options = BuildOptions(contentRoots: [TestSupport.contentRoot], templatesRoot: templates, outputPath: folder + "/" + name,
                                       errorsRoot: "/srv/errors", codes: [404, 507])
            options.builtInTemplates = templates == nil
            _ = try Builder(options: options).build()
        }
        let builtIn = TestSupport.snapshot(folder + "/built-in"), fromFolder = TestSupport.snapshot(folder + "/folder")
        #expect(builtIn.count > 50)
        #expect(Set(builtIn.keys) == Set(fromFolder.keys))
        // Only the strings files' names differ, where the coverage report shows them.
        for path in builtIn.keys.sorted() where builtIn[path] != fromFolder[path] {
            #expect(["coverage/index.html", "coverage.json"].contains(path), "\(path) differs")
        }
    }

    @Test("a folder holding only strings/es.yaml adds Spanish to the built-in languages")
    func addedLanguage() throws {
        let folder = try TestSupport.temporaryFolder()
        defer { TestSupport.cleanUp(folder) }
        try TestSupport.write(["overrides/strings/es.yaml": """
            language:
              name: Español
            errors:
              common:
                label: Error
                reference: Qué significa este código
              status:
                "404":
                  title: No encontrado
                  message: El servidor no encontró el recurso pedido.
                  advice: Revise la dirección.

            """], under: folder)
        let report = try Builder(options: BuildOptions(contentRoots: [TestSupport.contentRoot], templatesRoot: folder + "/overrides",
                                                       outputPath: folder + "/Output", codes: [404])).build()
        #expect(report.warnings == 0)
        let spanish = try String(contentsOfFile: folder + "/Output/errors/es/404.html", encoding: .utf8)
        #expect(spanish.contains("No encontrado"))
        #expect(spanish.contains("El servidor no encontró el recurso pedido."))
        #expect(spanish.contains(#"lang="es""#))
        for language in ["en", "fr", "de"] {
            #expect(FileManager.default.fileExists(atPath: folder + "/Output/errors/\(language)/404.html"), "\(language) is gone")
        }
        let nginx = try String(contentsOfFile: folder + "/Output/nginx/erratum-http.conf", encoding: .utf8)
        #expect(nginx.contains("es"))
    }

    @Test("a file in the folder replaces the built-in one at its path; the others stay built in")
    func replacedFile() throws {
        let folder = try TestSupport.temporaryFolder()
        defer { TestSupport.cleanUp(folder) }
        let stylesheet = "body { color: rebeccapurple; }\n"
        try TestSupport.write(["overrides/site/erratum.css": stylesheet, "overrides/README.md": "Notes.\n",
                               "overrides/site/.erratum.css.swp": "junk", "overrides/site/erratum.css~": "old"], under: folder)
        let files = try TemplateFiles(overrides: folder + "/overrides")
        #expect(files.paths == TemplateFiles.builtIn.paths, "README, hidden files and backups are no templates")
        #expect(files.isOverridden("site/erratum.css"))
        #expect(files.location("site/erratum.css") == folder + "/overrides/site/erratum.css")
        #expect(files.location("site/erratum.js") == "<built-in>/site/erratum.js")
        _ = try Builder(options: BuildOptions(contentRoots: [TestSupport.contentRoot], templatesRoot: folder + "/overrides",
                                              outputPath: folder + "/Output", codes: [404])).build()
        #expect(try String(contentsOfFile: folder + "/Output/docs/static/erratum.css", encoding: .utf8) == stylesheet)
        #expect(FileManager.default.contents(atPath: folder + "/Output/docs/static/erratum.js")
                == FileManager.default.contents(atPath: TestSupport.templatesRoot + "/site/erratum.js"))
    }

    @Test("a template that does not parse in the folder is reported at its path there, and a missing folder by name")
    func overrideErrors() throws {
        let folder = try TestSupport.temporaryFolder()
        defer { TestSupport.cleanUp(folder) }
        try TestSupport.write(["overrides/errors/json.mustache": "{\n{{#open}}\n"], under: folder)
        let error = #expect(throws: DiagnosticError.self) { try TemplateLibrary(overrides: folder + "/overrides") }
        #expect(error?.diagnostics.first?.location?.file == folder + "/overrides/errors/json.mustache")
        let missing = #expect(throws: DiagnosticError.self) { try TemplateFiles(overrides: folder + "/nowhere") }
        #expect(missing?.diagnostics.first?.message == "templates folder '\(folder)/nowhere' does not exist")
    }

    @Test("built-in strings are named <built-in>/strings/… where the coverage report shows them")
    func builtInStringsLocation() throws {
        let strings = try Builder.loadStrings(from: .builtIn)
        #expect(strings.languages["fr"]?.path == "<built-in>/strings/fr.yaml")
        let sources = StringsSources.read(strings, files: .builtIn)
        let french = try #require(sources.coverage(languages: ["fr"]).first)
        #expect(french.path == "<built-in>/strings/fr.yaml")
        #expect(french.changed == nil, "built-in files have no history")
    }

    @Test("erratum init writes an example page per language, redirects, a templates README and a .gitignore, and it builds clean")
    func starter() throws {
        let folder = try TestSupport.temporaryFolder()
        defer { TestSupport.cleanUp(folder) }
        let written = try StarterProject.write(to: folder + "/project")
        #expect(written == StarterProject.files().map(\.path))
        for path in [".gitignore", "content/en-us/web/http/reference/status/503/index.md", "content/fr/web/http/reference/status/503/index.md",
                     "content/de/web/http/reference/status/503/index.md", "content/en-us/_redirects.txt", "templates/README.md"] {
            #expect(written.contains(path), "\(path) is not written")
        }
        let readme = try String(contentsOfFile: folder + "/project/templates/README.md", encoding: .utf8)
        #expect(!readme.contains("<!--"))
        for path in TemplateFiles.builtIn.paths { #expect(readme.contains("- `\(path)`")) }
        let gitignore = try String(contentsOfFile: folder + "/project/.gitignore", encoding: .utf8)
        #expect(gitignore.contains("/Output/\n") && gitignore.contains("/.Output.*\n"))

        let check = try Checker(contentRoots: [folder + "/project/content"], templatesRoot: folder + "/project/templates").run()
        #expect(check.diagnostics.isEmpty, "\(check.diagnostics.map(\.description))")
        let report = try Builder(options: BuildOptions(contentRoots: [folder + "/project/content"], templatesRoot: folder + "/project/templates",
                                                       outputPath: folder + "/project/Output", codes: [503])).build()
        #expect(report.documents == 3 && report.locales == 3 && report.warnings == 0)
        // The old slug of _redirects.txt leads to the page.
        let stub = try String(contentsOfFile: folder + "/project/Output/docs/fr/docs/Web/HTTP/Status/503/index.html", encoding: .utf8)
        #expect(stub.contains("Reference/Status/503"))
    }

    @Test("erratum init writes over nothing: one file in the way and no file is written")
    func starterRefuses() throws {
        let folder = try TestSupport.temporaryFolder()
        defer { TestSupport.cleanUp(folder) }
        try TestSupport.write(["project/content/fr/_redirects.txt": "# mine\n"], under: folder)
        let error = #expect(throws: DiagnosticError.self) { try StarterProject.write(to: folder + "/project") }
        #expect(error?.diagnostics.map(\.location?.file) == [folder + "/project/content/fr/_redirects.txt"])
        #expect(try String(contentsOfFile: folder + "/project/content/fr/_redirects.txt", encoding: .utf8) == "# mine\n")
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder + "/project") == ["content"])
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder + "/project/content") == ["fr"])
    }

    @Test("content is found from where the build runs: content/, mdn checkouts side by side, $CONTENT_ROOT, files/")
    func discovery() throws {
        let folder = try TestSupport.temporaryFolder()
        defer { TestSupport.cleanUp(folder) }
        func found(_ place: String, _ environment: [String: String] = [:]) throws -> [String] {
            try ContentDiscovery.find(in: folder + "/" + place, environment: environment).roots
        }
        try TestSupport.write([
            "project/content/en-us/a/index.md": "x",
            "workspace/content/files/en-us/a/index.md": "x",
            "workspace/translated-content/files/fr/a/index.md": "x",
            "workspace/content/files/fr/a/index.md": "x",
            "lonely/content/files/en-us/a/index.md": "x",
            "checkout/files/en-us/a/index.md": "x",
            "empty/.keep": "",
        ], under: folder)
        try FileManager.default.createDirectory(atPath: folder + "/workspace/sub", withIntermediateDirectories: true)
        #expect(try found("project") == ["content"])
        #expect(try found("project", ["CONTENT_ROOT": "/elsewhere"]) == ["content"], "content/ comes first")
        #expect(try found("workspace") == ["content/files", "translated-content/files"])
        #expect(try found("lonely") == ["content/files"])
        #expect(try found("workspace/content") == ["files"])
        #expect(try found("workspace/translated-content") == ["../content/files", "files"])
        #expect(try found("checkout") == ["files"])
        #expect(try found("empty", ["CONTENT_ROOT": "/m/files", "CONTENT_TRANSLATED_ROOT": "/t/files"]) == ["/m/files", "/t/files"])
        let error = #expect(throws: DiagnosticError.self) { try found("empty") }
        let message = try #require(error?.diagnostics.first?.description)
        #expect(message.hasPrefix("error: no content in '\(folder)/empty': looked for content/"))
        #expect(message.contains("$CONTENT_ROOT") && message.contains("files/") && message.contains("--content <dir>")
                && message.contains("erratum init"))
        #expect(error?.diagnostics.first?.code == .usage)
    }

    @Test("report paths are relative to the current folder: ., a folder below, folders beside and above")
    func displayPaths() {
        #expect(DisplayPath.relative("/home/ann/docs", to: "/home/ann/docs") == ".")
        #expect(DisplayPath.relative("/home/ann/docs/content", to: "/home/ann/docs") == "content")
        #expect(DisplayPath.relative("/home/ann/content", to: "/home/ann/docs") == "../content")
        #expect(DisplayPath.relative("/home/ann", to: "/home/ann/docs/sub") == "../..")
        #expect(DisplayPath.relative("/srv/mdn/content", to: "/home/ann/./docs/") == "../../../srv/mdn/content")
    }

    @Test("the version names Erratum's own and the libcmark linked in")
    func version() throws {
        #expect(ErratumVersion.current.range(of: #"^\d+\.\d+\.\d+$"#, options: .regularExpression) != nil)
        #expect(ErratumVersion.libcmark.range(of: #"^\d+\.\d+\.\d+"#, options: .regularExpression) != nil)
        #expect(ErratumVersion.description == "\(ErratumVersion.current) (libcmark \(ErratumVersion.libcmark))")
    }
}
