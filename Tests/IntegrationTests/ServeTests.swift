import ErratumCore
import Foundation
import Testing

/// A project made by `erratum init` in a temporary folder, with the page paths the tests use.
struct ServeProject {
    let folder: String
    static let englishPage = "/en-US/docs/Web/HTTP/Reference/Status/503/"
    static let frenchPage = "/fr/docs/Web/HTTP/Reference/Status/503/"
    static let englishFile = "content/en-us/web/http/reference/status/503/index.md"
    static let frenchFile = "content/fr/web/http/reference/status/503/index.md"

    init(_ name: String = #function) throws {
        folder = NSTemporaryDirectory() + "erratum-serve-\(name.filter(\.isLetter))-\(UUID().uuidString)"
        _ = try StarterProject.write(to: folder)
    }

    func path(_ relative: String) -> String { folder + "/" + relative }

    func read(_ relative: String) throws -> String { try String(contentsOfFile: path(relative), encoding: .utf8) }

    /// Writes a file as an editor that writes in place does (VS Code).
    func write(_ relative: String, _ text: String) throws {
        try FileManager.default.createDirectory(atPath: (path(relative) as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        if !FileManager.default.fileExists(atPath: path(relative)) { _ = FileManager.default.createFile(atPath: path(relative), contents: nil) }
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path(relative)))
        try handle.truncate(atOffset: 0)
        try handle.write(contentsOf: Data(text.utf8))
        try handle.close()
    }

    /// Saves a file as vim does: a test file made and removed, the old file renamed to a
    /// backup, the new one written, the backup removed.
    func saveAsVim(_ relative: String, _ text: String) throws {
        let target = path(relative), folder = (target as NSString).deletingLastPathComponent
        _ = FileManager.default.createFile(atPath: folder + "/4913", contents: nil)
        try FileManager.default.removeItem(atPath: folder + "/4913")
        try FileManager.default.moveItem(atPath: target, toPath: target + "~")
        try Data(text.utf8).write(to: URL(fileURLWithPath: target))
        try FileManager.default.removeItem(atPath: target + "~")
    }

    func cleanUp() { try? FileManager.default.removeItem(atPath: folder) }
}

@Suite("erratum serve over HTTP")
struct ServeHTTPTests {
    @Test("paths outside the site get 404 and never a file outside it: dot segments, encoded, NUL, backslashes, a link out")
    func traversal() throws {
        let project = try ServeProject()
        defer { project.cleanUp() }
        let serve = try ServeProcess(folder: project.folder)
        defer { _ = serve.stop() }
        // A link out of the site inside the output folder is not followed either.
        let outputs = try FileManager.default.contentsOfDirectory(atPath: project.folder + "/cache/erratum/serve")
        let docs = project.folder + "/cache/erratum/serve/" + (outputs.first ?? "") + "/Output/docs"
        try FileManager.default.createSymbolicLink(atPath: docs + "/escape", withDestinationPath: "/etc")
        for path in ["/../../../../etc/passwd", "/%2e%2e/%2e%2e/%2e%2e/etc/passwd", "/%2E%2E%2F%2E%2E%2Fetc%2Fpasswd",
                     "/en-US/..%2f..%2f..%2f..%2fetc/passwd", "/static/..%5c..%5c..%5cetc%5cpasswd", "/index.html%00.css",
                     "/escape/passwd", "/.erratum/../../etc/passwd", "/.erratum-serve/../etc/passwd", "//etc/passwd"] {
            let response = try HTTPClient.send("GET", port: serve.port, path: path)
            #expect(response.status == 404, "\(path): \(response.status)")
            #expect(!response.text.contains("root:"), "\(path) served a file outside the site")
        }
        // Still serving.
        #expect(try HTTPClient.send("GET", port: serve.port, path: ServeProject.englishPage).status == 200)
    }

    @Test("bad requests get a well-formed 400, 405 names the methods, and the server keeps serving")
    func badRequests() throws {
        let project = try ServeProject()
        defer { project.cleanUp() }
        let serve = try ServeProcess(folder: project.folder)
        defer { _ = serve.stop() }
        let badEscape = try HTTPClient.send("GET", port: serve.port, path: "/%zz/")
        #expect(badEscape.status == 400)
        #expect(badEscape.header("Content-Type") == "text/html; charset=utf-8")
        let post = try HTTPClient.send("POST", port: serve.port, path: "/", body: "a=1")
        #expect(post.status == 405)
        #expect(post.header("Allow") == "GET, HEAD")
        // Not HTTP at all: NIO's parser answers 400 and closes.
        let garbage = try HTTPClient.sendRaw("HELLO THERE\r\n\r\n", port: serve.port)
        #expect(garbage.text.hasPrefix("HTTP/1.1 400"))
        #expect(garbage.closed, "the connection is closed after the 400, not left open")
        #expect(try HTTPClient.send("GET", port: serve.port, path: "/").status == 200)
    }

    @Test("HEAD has GET's headers and no body; If-None-Match gets 304; an edit changes the ETag")
    func headAndETag() throws {
        let project = try ServeProject()
        defer { project.cleanUp() }
        let serve = try ServeProcess(folder: project.folder)
        defer { _ = serve.stop() }
        let get = try HTTPClient.send("GET", port: serve.port, path: ServeProject.englishPage)
        let head = try HTTPClient.send("HEAD", port: serve.port, path: ServeProject.englishPage)
        #expect(get.status == 200 && head.status == 200)
        #expect(head.body.isEmpty)
        #expect(head.header("Content-Length") == String(get.body.count))
        #expect(head.header("ETag") == get.header("ETag"))
        #expect(head.header("Content-Type") == "text/html; charset=utf-8")
        let etag = try #require(get.header("ETag"))
        let notModified = try HTTPClient.send("GET", port: serve.port, path: ServeProject.englishPage, headers: [("If-None-Match", etag)])
        #expect(notModified.status == 304)
        #expect(notModified.body.isEmpty)
        #expect(try HTTPClient.send("GET", port: serve.port, path: ServeProject.englishPage,
                                    headers: [("If-None-Match", "\"other\", W/\(etag)")]).status == 304)
        #expect(try HTTPClient.send("GET", port: serve.port, path: ServeProject.englishPage,
                                    headers: [("If-None-Match", "\"other\"")]).status == 200)

        try project.write(ServeProject.englishFile, try project.read(ServeProject.englishFile) + "\nA new closing line.\n")
        #expect(serve.waitForLog("erratum: built", count: 2))
        let after = try HTTPClient.send("GET", port: serve.port, path: ServeProject.englishPage, headers: [("If-None-Match", etag)])
        #expect(after.status == 200)
        #expect(after.header("ETag") != etag)
        #expect(after.text.contains("A new closing line."))
    }

    @Test("a missing path gets Erratum's 404 in the language and format asked for; a folder redirects to its slash")
    func notFoundAndFolders() throws {
        let project = try ServeProject()
        defer { project.cleanUp() }
        let serve = try ServeProcess(folder: project.folder)
        defer { _ = serve.stop() }
        let french = try HTTPClient.send("GET", port: serve.port, path: "/nowhere", headers: [("Accept-Language", "fr-CH, fr;q=0.9, en;q=0.5")])
        #expect(french.status == 404)
        #expect(french.header("Content-Language") == "fr")
        #expect(french.text.contains("<html lang=\"fr\""))
        #expect(french.header("Vary") == "Accept, Accept-Language")
        let problem = try HTTPClient.send("GET", port: serve.port, path: "/nowhere", headers: [("Accept", "application/problem+json")])
        #expect(problem.status == 404)
        #expect(problem.header("Content-Type") == "application/problem+json")
        let json = try #require(try JSONSerialization.jsonObject(with: problem.body) as? [String: Any])
        #expect(json["status"] as? Int == 404)
        let folder = try HTTPClient.send("GET", port: serve.port, path: "/en-US/docs/Web/HTTP/Reference/Status/503?x=1")
        #expect(folder.status == 301)
        #expect(folder.header("Location") == "/en-US/docs/Web/HTTP/Reference/Status/503/")
        let home = try HTTPClient.send("GET", port: serve.port, path: "/")
        #expect(home.status == 200)
        #expect(home.text.contains("/.erratum-serve/reload.js"))
        let errorPage = try HTTPClient.send("GET", port: serve.port, path: "/.erratum/de/503.json")
        #expect(errorPage.status == 200)
        #expect(errorPage.header("Content-Type") == "application/json")
    }

    @Test("a port in use is a clear error and exit 1; SIGINT and SIGTERM end the server with exit 0 and free the port")
    func portAndSignals() throws {
        let project = try ServeProject()
        defer { project.cleanUp() }
        for signal in [SIGINT, SIGTERM] {
            let serve = try ServeProcess(folder: project.folder)
            let second = try Command.run(ServeProcess.binary, ["serve", "--port", String(serve.port)], in: project.folder,
                                         environment: ["XDG_CACHE_HOME": project.folder + "/cache2", "PATH": "/usr/bin:/bin"])
            #expect(second.status == 1)
            #expect(second.output.contains("error: cannot listen on 127.0.0.1:\(serve.port): address already in use [serve]"),
                    "\(second.output)")
            #expect(serve.stop(signal) == 0, "\(serve.log)")
            #expect(serve.log.contains("stopped by \(signal == SIGINT ? "SIGINT" : "SIGTERM")"))
            #expect(throws: HTTPClient.Failure.self) { try HTTPClient.send("GET", port: serve.port, path: "/") }
        }
    }

    @Test("a broken front matter shows its problem over the page, the last good page under it; the fix takes it away")
    func problemsOverPage() throws {
        let project = try ServeProject()
        defer { project.cleanUp() }
        let serve = try ServeProcess(folder: project.folder)
        defer { _ = serve.stop() }
        let good = try project.read(ServeProject.frenchFile)
        try project.saveAsVim(ServeProject.frenchFile, good.replacingOccurrences(of: "title: 503 Service Unavailable", with: "title: [503"))
        #expect(serve.waitForLog("build failed"))
        let broken = try HTTPClient.send("GET", port: serve.port, path: ServeProject.frenchPage)
        #expect(broken.status == 200)
        #expect(broken.text.contains("Le code de statut HTTP"), "the last good page stays readable")
        #expect(broken.text.contains("id=\"erratum-serve-problems\""))
        #expect(broken.text.contains(ServeProject.frenchFile + ":3:5: error: front matter is not valid YAML"), "the problem's position is shown")
        #expect(!(try HTTPClient.send("GET", port: serve.port, path: ServeProject.englishPage).text.contains("erratum-serve-problems")))
        try project.saveAsVim(ServeProject.frenchFile, good)
        #expect(serve.waitForLog("erratum: built", count: 2))
        #expect(!(try HTTPClient.send("GET", port: serve.port, path: ServeProject.frenchPage).text.contains("erratum-serve-problems")))
        // One vim save is one build: the first, the failed one, the fixed one.
        #expect(serve.log.components(separatedBy: "erratum: built").count - 1 + serve.log.components(separatedBy: "build failed").count - 1 == 3,
                "\(serve.log)")
    }

    @Test("after a git checkout of another branch the served site equals a clean build of that branch")
    func gitCheckout() throws {
        let project = try ServeProject()
        defer { project.cleanUp() }
        let git = { (arguments: [String]) throws -> Command.Outcome in
            try Command.run("/usr/bin/git", ["-c", "user.name=T", "-c", "user.email=t@example.org"] + arguments, in: project.folder,
                            environment: ["GIT_CONFIG_NOSYSTEM": "1", "GIT_CONFIG_GLOBAL": "/dev/null", "PATH": "/usr/bin:/bin",
                                          "GIT_CEILING_DIRECTORIES": (project.folder as NSString).deletingLastPathComponent])
        }
        try "/Output/\n/cache/\n/serve.log\n/clean/\n".write(toFile: project.path(".gitignore"), atomically: true, encoding: .utf8)
        #expect(try git(["init", "-q", "-b", "main"]).status == 0)
        #expect(try git(["add", "."]).status == 0)
        #expect(try git(["commit", "-qm", "main"]).status == 0)
        #expect(try git(["checkout", "-qb", "other"]).status == 0)
        // The other branch: a page edited, a page added, a page removed, a redirect added.
        try project.write(ServeProject.englishFile, try project.read(ServeProject.englishFile).replacingOccurrences(of: "## Common causes", with: "## Usual causes"))
        try project.write("content/en-us/web/http/reference/status/502/index.md",
                          "---\ntitle: 502 Bad Gateway\nslug: Web/HTTP/Reference/Status/502\n---\n\nA gateway got a bad answer.\n")
        try FileManager.default.removeItem(atPath: project.path(ServeProject.frenchFile))
        #expect(try git(["add", "-A"]).status == 0)
        #expect(try git(["commit", "-qm", "other"]).status == 0)
        #expect(try git(["checkout", "-q", "main"]).status == 0)

        let serve = try ServeProcess(folder: project.folder)
        defer { _ = serve.stop() }
        #expect(try git(["checkout", "-q", "other"]).status == 0)
        #expect(serve.waitForLog("erratum: built", count: 2))
        Thread.sleep(forTimeInterval: 0.5)   // any later event has had its build
        let clean = try Command.run(ServeProcess.binary, ["build", "--output", "clean", "--no-cache", "--quiet"], in: project.folder,
                                    environment: ["PATH": "/usr/bin:/bin"])
        #expect(clean.status == 0, "\(clean.output)")
        let outputs = try FileManager.default.contentsOfDirectory(atPath: project.folder + "/cache/erratum/serve")
        let served = project.folder + "/cache/erratum/serve/" + (outputs.first ?? "") + "/Output/docs"
        let expected = try Self.files(project.folder + "/clean/docs"), actual = try Self.files(served)
        #expect(expected.keys.sorted() == actual.keys.sorted())
        for (path, data) in expected where actual[path] != data { Issue.record("docs/\(path) differs from a clean build") }
        let page = try HTTPClient.send("GET", port: serve.port, path: "/en-US/docs/Web/HTTP/Reference/Status/502/")
        #expect(page.status == 200 && page.text.contains("A gateway got a bad answer."))
        #expect(try HTTPClient.send("GET", port: serve.port, path: ServeProject.frenchPage).status == 404)
    }

    static func files(_ root: String) throws -> [String: Data] {
        var files: [String: Data] = [:]
        for case let relative as String in FileManager.default.enumerator(atPath: root)?.allObjects ?? [] {
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: root + "/" + relative, isDirectory: &isDirectory), !isDirectory.boolValue {
                files[relative] = FileManager.default.contents(atPath: root + "/" + relative)
            }
        }
        return files
    }
}

@Suite("erratum serve and git")
struct ServeGitTests {
    @Test("while a git command holds the index (a checkout under way) no build starts; once it lets go, one build")
    func waitsForGit() throws {
        let project = try ServeProject()
        defer { project.cleanUp() }
        try FileManager.default.createDirectory(atPath: project.path(".git"), withIntermediateDirectories: true)
        let serve = try ServeProcess(folder: project.folder)
        defer { _ = serve.stop() }
        #expect(serve.waitForLog("erratum: built", count: 1))
        _ = FileManager.default.createFile(atPath: project.path(".git/index.lock"), contents: nil)
        try project.write(ServeProject.englishFile, try project.read(ServeProject.englishFile) + "\nHalf a checkout.\n")
        try project.write(ServeProject.frenchFile, try project.read(ServeProject.frenchFile) + "\nLa moitié.\n")
        // Well past the quiet period and the longest wait for quiet: still one build.
        #expect(!serve.waitForLog("erratum: built", count: 2, timeout: .seconds(2)), "\(serve.log)")
        try FileManager.default.removeItem(atPath: project.path(".git/index.lock"))
        #expect(serve.waitForLog("erratum: built", count: 2))
        #expect(!serve.waitForLog("erratum: built", count: 3, timeout: .seconds(1)), "one build for the whole checkout")
        #expect(serve.log.contains("2 pages changed"), "\(serve.log)")
    }
}

/// An open event stream of a preview, read as a browser's live-reload script reads it.
final class EventStreamReader {
    private let socket: Int32

    init(port: Int) throws {
        socket = try HTTPClient.connection(port: port, timeout: timeval(tv_sec: 0, tv_usec: 200_000))
        let request = Array("GET /.erratum-serve/events HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".utf8)
        _ = request.withUnsafeBytes { write(socket, $0.baseAddress, $0.count) }
    }

    deinit { close(socket) }

    /// What arrived so far (waiting at most a fifth of a second for more).
    func read() -> String {
        var received = Data()
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = Glibc.read(socket, &buffer, buffer.count)
            if count <= 0 { break }
            received.append(contentsOf: buffer[0..<count])
        }
        return String(decoding: received, as: UTF8.self)
    }
}

@Suite("erratum serve shows an edit before its build")
struct ServeFirstRenderTests {
    @Test("an edit that keeps the front matter is rendered and announced at once; the build after it announces nothing more")
    func bodyEdit() throws {
        let project = try ServeProject()
        defer { project.cleanUp() }
        let serve = try ServeProcess(folder: project.folder)
        defer { _ = serve.stop() }
        let events = try EventStreamReader(port: serve.port)
        _ = events.read()
        try project.write(ServeProject.englishFile, try project.read(ServeProject.englishFile) + "\nShown before the build.\n")
        #expect(serve.waitForLog("erratum: rendered 1 page in "), "\(serve.log)")
        #expect(serve.waitForLog("a build follows\nerratum: built"), "\(serve.log)")
        let received = events.read()
        #expect(received.components(separatedBy: "event: change").count - 1 == 1, "one announcement: \(received)")
        #expect(received.contains("\"pages\":[\"\(ServeProject.englishPage)\"]"))
        let page = try HTTPClient.send("GET", port: serve.port, path: ServeProject.englishPage)
        #expect(page.text.contains("Shown before the build."))
        // The page shown first is the page the build makes.
        let clean = try Command.run(ServeProcess.binary, ["build", "--output", "clean", "--no-cache", "--quiet"], in: project.folder,
                                    environment: ["PATH": "/usr/bin:/bin"])
        #expect(clean.status == 0)
        let outputs = try FileManager.default.contentsOfDirectory(atPath: project.folder + "/cache/erratum/serve")
        let served = project.folder + "/cache/erratum/serve/" + (outputs.first ?? "") + "/Output/docs/en-US/docs/Web/HTTP/Reference/Status/503/index.html"
        #expect(FileManager.default.contents(atPath: served) == FileManager.default.contents(atPath:
            project.folder + "/clean/docs/en-US/docs/Web/HTTP/Reference/Status/503/index.html"))
    }

    @Test("an edit to the front matter waits for the build: other pages show the new title")
    func frontMatterEdit() throws {
        let project = try ServeProject()
        defer { project.cleanUp() }
        let serve = try ServeProcess(folder: project.folder)
        defer { _ = serve.stop() }
        try project.write(ServeProject.englishFile, try project.read(ServeProject.englishFile)
            .replacingOccurrences(of: "title: 503 Service Unavailable", with: "title: 503 Temporarily Unavailable"))
        var section = ""
        let deadline = ContinuousClock.now + .seconds(20)
        while !section.contains("503 Temporarily Unavailable"), ContinuousClock.now < deadline {
            Thread.sleep(forTimeInterval: 0.05)
            section = (try? HTTPClient.send("GET", port: serve.port, path: "/en-US/docs/Web/HTTP/Reference/Status/").text) ?? ""
        }
        #expect(section.contains("503 Temporarily Unavailable"), "\(serve.log)")
        #expect(!serve.log.contains("erratum: rendered"), "\(serve.log)")
    }
}

/// The output lock of a preview's build folder, held by the test: the preview's builds wait
/// for it, so that what it serves before its first build, or between builds, can be seen.
final class HeldOutputLock {
    private let descriptor: Int32

    init(output: String) throws {
        let path = OutputLock.path(forOutput: output)
        try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard descriptor >= 0, flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
            throw HTTPClient.Failure(description: "cannot lock \(path)")
        }
    }

    /// Lets the builds go on.
    func release() {
        flock(descriptor, LOCK_UN)
    }

    deinit { close(descriptor) }
}

@Suite("erratum serve before its first build")
struct ServeOnRequestTests {
    @Test("with no output yet, pages, folders, error pages and the home are made on request; an edit reloads; the build takes over")
    func pagesOnRequest() throws {
        let project = try ServeProject()
        defer { project.cleanUp() }
        let output = project.path("preview/Output")
        let lock = try HeldOutputLock(output: output)
        let serve = try ServeProcess(folder: project.folder, arguments: ["--output", output], until: ["waiting for another build"])
        defer { _ = serve.stop() }
        #expect(serve.log.contains("pages are made on request until the first build is done"), "\(serve.log)")

        let page = try HTTPClient.send("GET", port: serve.port, path: ServeProject.englishPage)
        #expect(page.status == 200 && page.text.contains("503 Service Unavailable"), "\(page.status) \(serve.log)")
        #expect(page.text.contains("/.erratum-serve/reload.js"))
        #expect(!FileManager.default.fileExists(atPath: output + "/docs"), "nothing built yet")
        let etag = try #require(page.header("ETag"))
        let again = try HTTPClient.send("GET", port: serve.port, path: ServeProject.englishPage, headers: [("If-None-Match", etag)])
        #expect(again.status == 304)
        let folder = try HTTPClient.send("GET", port: serve.port, path: "/en-US/docs/Web/HTTP/Reference/Status")
        #expect(folder.status == 301 && folder.header("Location") == "/en-US/docs/Web/HTTP/Reference/Status/")
        let home = try HTTPClient.send("GET", port: serve.port, path: "/")
        #expect(home.status == 200 && home.text.contains("fr/index.html"))
        let stylesheet = try HTTPClient.send("HEAD", port: serve.port, path: "/static/erratum.css")
        #expect(stylesheet.status == 200 && stylesheet.header("Content-Type") == "text/css; charset=utf-8" && stylesheet.body.isEmpty)
        let missing = try HTTPClient.send("GET", port: serve.port, path: "/fr/docs/Nulle/Part",
                                          headers: [("Accept-Language", "fr"), ("Accept", "application/problem+json")])
        #expect(missing.status == 404 && missing.header("Content-Language") == "fr"
            && missing.header("Content-Type") == "application/problem+json", "\(missing.headers)")
        #expect(missing.text.contains("\"status\": 404") || missing.text.contains("\"status\":404"), "\(missing.text)")
        let body = try HTTPClient.send("GET", port: serve.port, path: "/.erratum/de/503.json")
        #expect(body.status == 200 && body.header("Content-Type") == "application/json")

        // An edit is announced, and the page asked again is made from the file as it is now.
        let events = try EventStreamReader(port: serve.port)
        _ = events.read()
        try project.write(ServeProject.englishFile, try project.read(ServeProject.englishFile) + "\nMade on request.\n")
        var received = ""
        let deadline = ContinuousClock.now + .seconds(10)
        while !received.contains("event: change"), ContinuousClock.now < deadline { received += events.read() }
        #expect(received.contains("\"pages\":[\"\(ServeProject.englishPage)\"]"), "\(received) \(serve.log)")
        #expect(try HTTPClient.send("GET", port: serve.port, path: ServeProject.englishPage).text.contains("Made on request."))

        lock.release()
        #expect(serve.waitForLog("erratum: built "), "\(serve.log)")
        #expect(FileManager.default.fileExists(atPath: output + "/docs/index.html"))
        let built = try HTTPClient.send("GET", port: serve.port, path: ServeProject.englishPage)
        #expect(built.status == 200 && built.text.contains("Made on request."))
        #expect(built.header("ETag") != etag)
    }

    @Test("SIGTERM while the first build waits ends the server at once with exit 0, nothing written")
    func stopBeforeFirstBuild() throws {
        let project = try ServeProject()
        defer { project.cleanUp() }
        let output = project.path("preview/Output")
        let lock = try HeldOutputLock(output: output)
        defer { lock.release() }
        let serve = try ServeProcess(folder: project.folder, arguments: ["--output", output], until: ["waiting for another build"])
        let started = ContinuousClock.now
        #expect(serve.stop(SIGTERM) == 0, "\(serve.log)")
        #expect(ContinuousClock.now - started < .seconds(5))
        #expect(serve.log.contains("stopped by SIGTERM"))
        #expect(!FileManager.default.fileExists(atPath: output), "\(serve.log)")
    }

    @Test("an edit made while a build runs is rendered and announced without waiting for that build")
    func editDuringBuild() throws {
        let project = try ServeProject()
        defer { project.cleanUp() }
        let output = project.path("preview/Output")
        let serve = try ServeProcess(folder: project.folder, arguments: ["--output", output])
        defer { _ = serve.stop() }
        let events = try EventStreamReader(port: serve.port)
        _ = events.read()
        // The next build waits for the lock, as a long one would still be running.
        let lock = try HeldOutputLock(output: output)
        try project.write(ServeProject.frenchFile, try project.read(ServeProject.frenchFile) + "\nAvant la construction.\n")
        #expect(serve.waitForLog("waiting for another build"), "\(serve.log)")
        try project.write(ServeProject.englishFile, try project.read(ServeProject.englishFile) + "\nWhile a build runs.\n")
        var received = ""
        let deadline = ContinuousClock.now + .seconds(10)
        while !received.contains(ServeProject.englishPage), ContinuousClock.now < deadline { received += events.read() }
        #expect(received.contains("\"pages\":[\"\(ServeProject.englishPage)\"]"), "\(received) \(serve.log)")
        #expect(try HTTPClient.send("GET", port: serve.port, path: ServeProject.englishPage).text.contains("While a build runs."))
        #expect(serve.log.components(separatedBy: "erratum: built ").count - 1 == 1, "the build still waits: \(serve.log)")
        lock.release()
        #expect(serve.waitForLog("erratum: built ", count: 2), "\(serve.log)")
        #expect(try HTTPClient.send("GET", port: serve.port, path: ServeProject.frenchPage).text.contains("Avant la construction."))
    }
}
