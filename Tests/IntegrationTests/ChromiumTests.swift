import Foundation
import Testing

/// Small HTML files written for one test, in a temporary folder removed with the last reference.
final class PageFolder {
    let path: String

    init() throws {
        path = NSTemporaryDirectory() + "erratum-chromium-pages-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    /// The file:// URL of `name` in the folder, written or not.
    func url(_ name: String) -> URL {
        URL(fileURLWithPath: path + "/" + name)
    }

    /// Writes `html` as `name` and returns its URL.
    func write(_ name: String, _ html: String) throws -> URL {
        try html.write(to: url(name), atomically: true, encoding: .utf8)
        return url(name)
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }
}

// One browser per test, one test at a time: several Chromiums at once on a small CI machine
// turn load timeouts into noise.
@Suite("The Chromium driver", .serialized)
struct ChromiumTests {
    let pages: PageFolder
    let browser: ChromiumBrowser

    init() throws {
        pages = try PageFolder()
        browser = try ChromiumBrowser.launch()
    }

    @Test("evaluate sees what the page's script did to the DOM, awaits promises, and throws what the script throws")
    func evaluate() throws {
        let page = try browser.openPage(pages.write("dom.html", """
            <!doctype html><title>DOM</title><p id="out">as written</p>
            <script>document.getElementById("out").textContent = "changed by script " + (2 + 3);</script>
            """))
        #expect(try page.evaluate("document.getElementById('out').textContent") as? String == "changed by script 5")
        #expect(try page.evaluate("new Promise(resolve => setTimeout(() => resolve(42), 20))") as? Int == 42)
        #expect(try page.evaluate("undefined") == nil)
        #expect(try page.evaluate("1 / 0") as? Double == .infinity)
        let error = #expect(throws: ChromiumError.self) { try page.evaluate("null.property") }
        #expect(error?.description.contains("TypeError") == true, "\(String(describing: error))")
        let rejection = #expect(throws: ChromiumError.self) { try page.evaluate("Promise.reject(new Error('no thanks'))") }
        #expect(rejection?.description.contains("no thanks") == true, "\(String(describing: rejection))")
    }

    @Test("type() runs the page's input listener, as a person typing would")
    func typing() throws {
        let page = try browser.openPage(pages.write("input.html", """
            <!doctype html><title>Input</title><input id="name"><output id="echo">nothing typed</output>
            <script>
            document.getElementById("name").addEventListener("input", event => {
                document.getElementById("echo").textContent = event.inputType + ": " + event.target.value;
            });
            </script>
            """))
        try page.type("héllo ✓", into: "#name")
        #expect(try page.evaluate("document.getElementById('echo').textContent") as? String == "insertText: héllo ✓")
        let error = #expect(throws: ChromiumError.self) { try page.type("x", into: "#nowhere") }
        #expect(error?.description.contains("no element matches #nowhere") == true, "\(String(describing: error))")
    }

    @Test("waitFor polls until a later script makes the condition true, and says what it last saw when none does")
    func waiting() throws {
        let page = try browser.openPage(pages.write("later.html", """
            <!doctype html><title>Later</title>
            <script>setTimeout(() => { document.body.dataset.state = "ready"; }, 300);</script>
            """))
        #expect(try page.evaluate("document.body.dataset.state ?? 'not yet'") as? String == "not yet")
        try page.waitFor("document.body.dataset.state === 'ready'", timeout: .seconds(5))
        let error = #expect(throws: ChromiumError.self) { try page.waitFor("document.title", timeout: .milliseconds(200)) }
        #expect(error?.description.contains("last seen: Later") == true, "\(String(describing: error))")
    }

    @Test("a page that refreshes itself by <meta http-equiv=refresh> lands on the second file")
    func metaRefresh() throws {
        _ = try pages.write("second.html", "<!doctype html><title>Second</title><p>arrived</p>")
        let page = try browser.openPage(pages.write("first.html", """
            <!doctype html><meta http-equiv="refresh" content="0; url=second.html"><title>First</title>
            """))
        let landed = try page.waitForURL(matching: { $0.hasSuffix("/second.html") })
        #expect(landed == pages.url("second.html").absoluteString)
        #expect(try page.evaluate("document.title") as? String == "Second")
        #expect(page.requestedURLs == [pages.url("first.html").absoluteString, pages.url("second.html").absoluteString])
    }

    @Test("a missing image is among the requested URLs and the console errors")
    func missingImage() throws {
        let page = try browser.openPage(pages.write("image.html", """
            <!doctype html><title>Image</title><img src="missing.png" alt="">
            """))
        let image = pages.url("missing.png").absoluteString
        #expect(page.requestedURLs.contains(image), "\(page.requestedURLs)")
        #expect(page.consoleErrors.contains { $0.contains("Failed to load resource") && $0.contains(image) }, "\(page.consoleErrors)")
    }

    @Test("console.error and an uncaught exception are the console errors; a log and a warning are not")
    func consoleErrors() throws {
        let page = try browser.openPage(pages.write("errors.html", """
            <!doctype html><title>Errors</title>
            <script>console.log("only a log"); console.warn("only a warning"); console.error("something", "went wrong", 7);</script>
            <script>throw new Error("thrown on purpose");</script>
            """))
        let errors = page.consoleErrors
        try #require(errors.count == 2, "\(errors)")
        #expect(errors[0] == "console.error: something went wrong 7")
        #expect(errors[1].hasPrefix("Uncaught Error: thrown on purpose"), "\(errors[1])")
    }

    @Test("dark mode changes a prefers-color-scheme background")
    func darkMode() throws {
        let url = try pages.write("scheme.html", """
            <!doctype html><title>Scheme</title>
            <style>
            body { background: rgb(250, 250, 250); }
            @media (prefers-color-scheme: dark) { body { background: rgb(20, 20, 20); } }
            </style>
            """)
        let background = "getComputedStyle(document.body).backgroundColor"
        #expect(try browser.openPage(url).evaluate(background) as? String == "rgb(250, 250, 250)")
        #expect(try browser.openPage(url, darkMode: true).evaluate(background) as? String == "rgb(20, 20, 20)")
    }

    @Test("the viewport has the size asked for; below 600 px it is a phone's, 980 px wide without a viewport meta")
    func viewport() throws {
        let size = "[innerWidth, innerHeight]"
        let desktop = try browser.openPage(pages.write("plain.html", "<!doctype html><title>Plain</title>"), width: 1024, height: 700)
        #expect(try desktop.evaluate(size) as? [Int] == [1024, 700])
        let phone = try browser.openPage(pages.write("phone.html", """
            <!doctype html><meta name="viewport" content="width=device-width, initial-scale=1"><title>Phone</title>
            """), width: 375, height: 700)
        #expect(try phone.evaluate(size) as? [Int] == [375, 700])
        let unprepared = try browser.openPage(pages.url("plain.html"), width: 375, height: 700)
        #expect(try unprepared.evaluate("document.documentElement.clientWidth") as? Int == 980)
    }

    @Test("a screenshot is a PNG of the whole page, below the fold too")
    func screenshot() throws {
        let page = try browser.openPage(pages.write("tall.html", """
            <!doctype html><title>Tall</title>
            <body style="margin: 0"><div style="height: 3000px; background: linear-gradient(teal, navy)"></div></body>
            """), width: 800, height: 600)
        let path = pages.path + "/shots/tall.png"
        try page.screenshot(to: path)
        let png = try Data(contentsOf: URL(fileURLWithPath: path))
        #expect(Array(png.prefix(8)) == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
        try #require(png.count > 24)
        // IHDR, the first chunk, starts with the width and height as big-endian 32-bit numbers.
        let number = { (offset: Int) in png[offset..<offset + 4].reduce(0) { $0 << 8 | Int($1) } }
        #expect(number(16) == 800)
        #expect(number(20) == 3000)
    }

    @Test("a file that is not there fails the navigation, by name")
    func missingFile() throws {
        let missing = pages.url("nowhere.html")
        let error = #expect(throws: ChromiumError.self) { try browser.openPage(missing) }
        #expect(error?.description == "Chromium could not load '\(missing.absoluteString)': net::ERR_FILE_NOT_FOUND.")
    }

    @Test("without Chromium, launch fails and says how to install it")
    func notInstalled() throws {
        let error = #expect(throws: ChromiumError.self) { try ChromiumBrowser.launch(executable: "/nonexistent/chromium") }
        #expect(error?.description.contains("scripts/install-deps --test") == true, "\(String(describing: error))")
    }

    @Test("close() ends the browser with all its helper processes and deletes its profile")
    func close() throws {
        let other = try ChromiumBrowser.launch()
        _ = try other.openPage(URL(string: "about:blank")!)
        // Renderers, GPU, network and crash reporter all carry the profile on their command line.
        try #require(ChromiumBrowser.liveProcesses(mentioning: other.folder).count >= 3)
        other.close()
        #expect(ChromiumBrowser.liveProcesses(mentioning: other.folder) == [])
        #expect(!FileManager.default.fileExists(atPath: other.folder))
        #expect(throws: ChromiumError.self) { try other.openPage(URL(string: "about:blank")!) }
    }
}
