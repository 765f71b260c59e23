import Foundation
import Testing

/// Erratum as a user installs it: `scripts/install` into a prefix, then the installed binary
/// run from folders outside the repository, with nothing of the checkout around it.
@Suite("The installed tool", .serialized)
struct InstalledToolTests {
    /// One install for the suite: a release build with the Swift runtime linked in, into a
    /// prefix of its own.
    static let installation: Result<Installation, InstallError> = Result { () throws(InstallError) in try Installation.make() }

    struct Installation: Sendable {
        let prefix: String
        var binary: String { prefix + "/bin/erratum" }
        /// PATH with the prefix's bin first, as a user who installed it has.
        var environment: [String: String] {
            var environment = ProcessInfo.processInfo.environment
            environment["PATH"] = prefix + "/bin:" + (environment["PATH"] ?? "/usr/bin:/bin")
            environment.removeValue(forKey: "MANPATH")
            environment.removeValue(forKey: "CONTENT_ROOT")
            environment.removeValue(forKey: "CONTENT_TRANSLATED_ROOT")
            return environment
        }

        static func make() throws(InstallError) -> Installation {
            // One prefix per test process (some 60 MB); those of processes gone are removed.
            let base = NSTemporaryDirectory() + "erratum-prefix-"
            for name in (try? FileManager.default.contentsOfDirectory(atPath: NSTemporaryDirectory())) ?? []
            where name.hasPrefix("erratum-prefix-") {
                if let pid = Int32(name.dropFirst("erratum-prefix-".count)), kill(pid, 0) != 0, errno == ESRCH {
                    try? FileManager.default.removeItem(atPath: NSTemporaryDirectory() + name)
                }
            }
            let prefix = base + String(getpid())
            try? FileManager.default.removeItem(atPath: prefix)
            let run: Command.Outcome
            do {
                run = try Command.run(ErrorPagesBuild.repoRoot + "/scripts/install", [prefix], in: ErrorPagesBuild.repoRoot)
            } catch {
                throw InstallError(description: "scripts/install did not start: \(error)")
            }
            guard run.status == 0 else {
                throw InstallError(description: "scripts/install \(prefix) exited \(run.status):\n\(run.output.suffix(3000))")
            }
            return Installation(prefix: prefix)
        }
    }

    struct InstallError: Error, CustomStringConvertible {
        let description: String
    }

    static func installed() throws -> Installation {
        try installation.get()
    }

    /// A new empty folder outside the repository.
    static func emptyFolder(_ name: String = #function) throws -> String {
        let path = NSTemporaryDirectory() + "erratum-user-\(name.filter(\.isLetter))-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        #expect(!path.hasPrefix(ErrorPagesBuild.repoRoot))
        return path
    }

    @Test("scripts/install puts the binary, the man page and the bash, zsh and fish completions under the prefix")
    func layout() throws {
        let installation = try Self.installed()
        let prefix = installation.prefix
        for file in ["bin/erratum", "share/man/man1/erratum.1", "share/bash-completion/completions/erratum",
                     "share/zsh/site-functions/_erratum", "share/fish/vendor_completions.d/erratum.fish"] {
            #expect(FileManager.default.fileExists(atPath: prefix + "/" + file), "\(file) is missing")
        }
        #expect(FileManager.default.isExecutableFile(atPath: installation.binary))
        // The Swift runtime is linked in: the binary does not load it from the toolchain.
        let libraries = try Command.run("/usr/bin/ldd", [installation.binary], in: prefix)
        #expect(libraries.status == 0)
        #expect(libraries.output.contains("libcmark"))
        #expect(!libraries.output.contains("libswiftCore"), "\(libraries.output)")

        let zsh = try String(contentsOfFile: prefix + "/share/zsh/site-functions/_erratum", encoding: .utf8)
        #expect(zsh.hasPrefix("#compdef erratum"))
        let fish = try String(contentsOfFile: prefix + "/share/fish/vendor_completions.d/erratum.fish", encoding: .utf8)
        #expect(fish.contains("complete -c 'erratum'"))
        // bash loads the completion and offers the subcommands.
        let bash = try Command.run("/bin/bash", ["-c", """
            source "\(prefix)/share/bash-completion/completions/erratum" && complete -p erratum && \
            COMP_WORDS=(erratum "") COMP_CWORD=1 && _erratum && printf '%s\\n' "${COMPREPLY[@]}"
            """], in: prefix, environment: installation.environment)
        #expect(bash.status == 0, "\(bash.output)")
        for subcommand in ["build", "check", "coverage", "init", "templates"] {
            #expect(bash.output.split(separator: "\n").contains(Substring(subcommand)), "bash does not complete '\(subcommand)': \(bash.output)")
        }
        let generated = try Command.run(installation.binary, ["--generate-completion-script", "bash"], in: prefix)
        #expect(generated.status == 0)
        #expect(generated.output == (try String(contentsOfFile: prefix + "/share/bash-completion/completions/erratum", encoding: .utf8)))
    }

    @Test("man erratum finds the page through PATH, and it documents every subcommand")
    func manual() throws {
        let installation = try Self.installed()
        var environment = installation.environment
        environment["MANPAGER"] = "cat"
        environment["MANWIDTH"] = "100"
        let man = try Command.run("/usr/bin/man", ["erratum"], in: try Self.emptyFolder(), environment: environment)
        #expect(man.status == 0, "\(man.output)")
        #expect(man.output.contains("NAME"))
        #expect(man.output.contains("erratum — Turn MDN-format docs"))
        for subcommand in ["build", "check", "coverage", "init", "templates"] {
            #expect(man.output.contains("\n     \(subcommand)"), "the manual has no \(subcommand) entry")
        }
    }

    @Test("--version prints Erratum's version and the libcmark it runs on")
    func version() throws {
        let installation = try Self.installed()
        let version = try Command.run(installation.binary, ["--version"], in: try Self.emptyFolder())
        let cmark = try Command.run("/usr/bin/pkg-config", ["--modversion", "libcmark"], in: "/")
        #expect(version.status == 0)
        let expected = "(libcmark \(cmark.output.trimmingCharacters(in: .whitespacesAndNewlines)))"
        #expect(version.output.hasSuffix(expected + "\n"), "\(version.output) does not end with \(expected)")
        #expect(version.output.range(of: #"^\d+\.\d+\.\d+ "#, options: .regularExpression) != nil)
    }

    @Test("erratum init && erratum build in a new empty folder give a full Output/, with no warning")
    func initAndBuild() throws {
        let installation = try Self.installed()
        let folder = try Self.emptyFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let initRun = try Command.run("/bin/sh", ["-c", "erratum init && erratum build && erratum check"], in: folder,
                                      environment: installation.environment)
        #expect(initRun.status == 0, "\(initRun.output)")
        #expect(initRun.output.contains("built 3 documents in 3 locales"))
        #expect(initRun.output.contains("; 0 warnings;"))
        #expect(initRun.output.contains("checked 3 documents: 0 errors, 0 warnings"))
        for file in ["errors/en/404.html", "errors/fr/503.problem.json", "errors/de/507.json", "errors/404.var",
                     "nginx/erratum-http.conf", "nginx/erratum-server.conf", "apache/erratum.conf",
                     "docs/index.html", "docs/en-US/docs/Web/HTTP/Reference/Status/503/index.html",
                     "docs/fr/docs/Web/HTTP/Reference/Status/503/index.html",
                     "docs/de/docs/Web/HTTP/Status/503/index.html", "docs/static/erratum.css",
                     "coverage/index.html", "coverage.json"] {
            #expect(FileManager.default.fileExists(atPath: folder + "/Output/" + file), "Output/\(file) is missing")
        }
        let page = try String(contentsOfFile: folder + "/Output/docs/en-US/docs/Web/HTTP/Reference/Status/503/index.html", encoding: .utf8)
        #expect(page.contains("<h1>503 Service Unavailable</h1>"))
        // The built-in stylesheet is the repository's, byte for byte.
        #expect(FileManager.default.contents(atPath: folder + "/Output/docs/static/erratum.css")
                == FileManager.default.contents(atPath: ErrorPagesBuild.repoRoot + "/templates/site/erratum.css"))

        // No page or report shows where the project lies; the server configs alone name the
        // absolute folder of the error pages, as nginx (and njs), Apache, Caddy and HAProxy
        // need it (--errors-root).
        var naming: [String] = []
        let output = folder + "/Output"
        for case let relative as String in FileManager.default.enumerator(atPath: output)?.allObjects ?? [] {
            guard let data = FileManager.default.contents(atPath: output + "/" + relative) else { continue }
            if String(decoding: data, as: UTF8.self).contains(folder) { naming.append(relative) }
        }
        #expect(naming.sorted() == ["apache/erratum.conf", "caddy/erratum.caddy", "haproxy/erratum.cfg", "haproxy/erratum.lua",
                                 "nginx/erratum-http-njs.conf", "nginx/erratum-server.conf"])

        // A second init writes over nothing, and says so.
        let again = try Command.run(installation.binary, ["init"], in: folder)
        #expect(again.status == 1)
        #expect(again.output.contains("content/en-us/web/http/reference/status/503/index.md:1:1: error: exists already"))
    }

    @Test("erratum build --content <the MDN corpus> works from any folder")
    func corpusFromElsewhere() throws {
        let installation = try Self.installed()
        let corpus = URL(fileURLWithPath: ErrorPagesBuild.repoRoot).deletingLastPathComponent()
            .appendingPathComponent("shared/corpus/mdn/files").path
        try #require(FileManager.default.fileExists(atPath: corpus + "/de"), "the test corpus is missing at \(corpus)")
        let folder = try Self.emptyFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let run = try Command.run(installation.binary, ["build", "--content", corpus, "--codes", "404,503", "--no-cache"],
                                  in: folder, environment: installation.environment)
        #expect(run.status == 0, "\(run.output.suffix(2000))")
        #expect(run.output.contains("locales"))
        for file in ["docs/de/docs/Web/HTTP/Reference/Status/404/index.html", "docs/fr/docs/Web/HTTP/Reference/Status/404/index.html",
                     "errors/de/503.html", "coverage/index.html"] {
            #expect(FileManager.default.fileExists(atPath: folder + "/Output/" + file), "Output/\(file) is missing")
        }
        let coverage = try String(contentsOfFile: folder + "/Output/coverage/index.html", encoding: .utf8)
        #expect(!coverage.contains(folder), "the report shows the absolute path of the folder it ran in")
    }

    @Test("with no content around, erratum build says what it looked for and how to name it, exits 1 and writes nothing")
    func noContent() throws {
        let installation = try Self.installed()
        let folder = try Self.emptyFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let run = try Command.run(installation.binary, ["build"], in: folder, environment: installation.environment)
        #expect(run.status == 1)
        #expect(run.output.contains("error: no content in"))
        #expect(run.output.contains("content/"))
        #expect(run.output.contains("files/"))
        #expect(run.output.contains("--content <dir>"))
        #expect(run.output.contains("erratum init"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder).isEmpty)
    }

    @Test("in an mdn/content checkout, erratum build finds files/ and says so")
    func mdnCheckout() throws {
        let installation = try Self.installed()
        let folder = try Self.emptyFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        // An mdn/content-like checkout: the starter's content moved under files/.
        #expect(try Command.run(installation.binary, ["init"], in: folder).status == 0)
        try FileManager.default.moveItem(atPath: folder + "/content", toPath: folder + "/files")
        let run = try Command.run(installation.binary, ["build", "--codes", "404"], in: folder, environment: installation.environment)
        #expect(run.status == 0, "\(run.output)")
        #expect(run.output.contains("erratum: content from files/"))
        #expect(run.output.contains("built 3 documents in 3 locales"))
    }

    @Test("coverage in a git checkout names the repository relative to where it runs, not by its absolute path")
    func relativeHistory() throws {
        let installation = try Self.installed()
        let folder = try Self.emptyFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        var environment = installation.environment
        environment["GIT_CONFIG_NOSYSTEM"] = "1"
        environment["GIT_CONFIG_GLOBAL"] = "/dev/null"
        environment["GIT_CEILING_DIRECTORIES"] = (folder as NSString).deletingLastPathComponent
        let setUp = try Command.run("/bin/sh", ["-c", """
            erratum init >/dev/null && git init -q && git add . && \
            git -c user.name=T -c user.email=t@example.org commit -qm start && mkdir -p sub
            """], in: folder, environment: environment)
        #expect(setUp.status == 0, "\(setUp.output)")
        let here = try Command.run(installation.binary, ["coverage"], in: folder, environment: environment)
        #expect(here.status == 0, "\(here.output)")
        #expect(here.output.contains("history: 1 commit in ."), "\(here.output)")
        let below = try Command.run(installation.binary, ["coverage", "--content", "../content", "--format", "html"],
                                    in: folder + "/sub", environment: environment)
        #expect(below.status == 0, "\(below.output.suffix(500))")
        #expect(below.output.contains("History: 1 commits in <code>..</code>"))
        #expect(!below.output.contains(folder))
    }
}

/// Runs a program to its end, its standard output and error together.
enum Command {
    struct Outcome {
        let status: Int32
        let output: String
    }

    static func run(_ executable: String, _ arguments: [String], in folder: String,
                    environment: [String: String]? = nil) throws -> Outcome {
        let log = NSTemporaryDirectory() + "erratum-command-\(UUID().uuidString).log"
        _ = FileManager.default.createFile(atPath: log, contents: nil)
        defer { try? FileManager.default.removeItem(atPath: log) }
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: log))
        defer { try? handle.close() }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.currentDirectoryURL = URL(fileURLWithPath: folder)
        if let environment { process.environment = environment }
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
        process.waitUntilExit()
        let output = String(decoding: FileManager.default.contents(atPath: log) ?? Data(), as: UTF8.self)
        return Outcome(status: process.terminationStatus, output: output)
    }
}
