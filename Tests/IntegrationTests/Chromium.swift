import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// What went wrong driving Chromium; each description says what to do about it.
enum ChromiumError: Error, CustomStringConvertible {
    /// There is no browser at the path looked at.
    case notInstalled(executable: String)
    /// The process or its pipe could not be created.
    case cannotStart(executable: String, reason: String)
    /// The browser closed its end of the pipe (it exited or crashed) while something was awaited.
    case exited(awaiting: String, output: String)
    /// The browser stayed alive but sent nothing awaited in time.
    case timedOut(awaiting: String, after: Duration, output: String)
    /// The browser answered a command with an error.
    case commandFailed(method: String, message: String)
    /// No document could be loaded (a missing file, a refused connection).
    case navigationFailed(url: String, reason: String)
    /// A script threw, or the promise it returned was rejected.
    case scriptFailed(expression: String, exception: String)
    /// A script returned something other than the type asked for.
    case unexpectedValue(expression: String, value: String, expected: String)
    /// A polled condition never held.
    case conditionNotMet(condition: String, after: Duration, lastSeen: String)

    var description: String {
        switch self {
        case .notInstalled(let executable):
            "Chromium is not installed at '\(executable)': run scripts/install-deps --test, which installs Debian's chromium package."
        case .cannotStart(let executable, let reason):
            "Cannot start '\(executable)': \(reason)."
        case .exited(let awaiting, let output):
            "Chromium closed its DevTools pipe while awaiting \(awaiting); its output ends with:\n\(output)"
        case .timedOut(let awaiting, let after, let output):
            "Chromium did not send \(awaiting) within \(after); its output ends with:\n\(output)"
        case .commandFailed(let method, let message):
            "Chromium refused \(method): \(message)."
        case .navigationFailed(let url, let reason):
            "Chromium could not load '\(url)': \(reason)."
        case .scriptFailed(let expression, let exception):
            "The script '\(expression)' threw: \(exception)"
        case .unexpectedValue(let expression, let value, let expected):
            "The script '\(expression)' returned \(value), not a \(expected)."
        case .conditionNotMet(let condition, let after, let lastSeen):
            "\(condition) did not hold within \(after); last seen: \(lastSeen)."
        }
    }
}

/// A headless Chromium of the caller's own, with a fresh profile, driven over the DevTools
/// protocol on a pipe; `close()` (or the last reference going) ends it and deletes the profile.
///
/// The browser leads a process group of its own, so that ending it ends its renderer and GPU
/// helpers too and no test leaves a Chromium behind.
final class ChromiumBrowser: Sendable {
    /// Where Debian's chromium package puts the browser itself. Not /usr/bin/chromium: that
    /// script adds flags of its own from /etc/chromium.d (GPU rasterization, extensions).
    static let defaultExecutable = "/usr/lib/chromium/chromium"

    /// The folder holding the profile and what the browser printed (`chromium.log`).
    let folder: String
    /// The browser's process id, which is also its process group's id.
    let pid: pid_t
    /// The DevTools connection, shared by the browser and its tabs.
    let pipe: DevToolsPipe
    private let isClosed = Mutex(false)

    private init(folder: String, pid: pid_t, pipe: DevToolsPipe) {
        self.folder = folder
        self.pid = pid
        self.pipe = pipe
    }

    /// Starts headless Chromium and waits until it answers on the pipe: up to two minutes, since
    /// several browser suites start theirs at once on two busy cores (30 s was once too short in
    /// CI); one that never answers still fails.
    ///
    /// - Throws: `ChromiumError.notInstalled` when `executable` is missing (a test must fail
    ///   then, not skip), `.cannotStart`, or `.exited` / `.timedOut` when the browser does not
    ///   come up, with the end of what it printed.
    static func launch(executable: String = defaultExecutable, timeout: Duration = .seconds(120)) throws -> ChromiumBrowser {
        guard FileManager.default.isExecutableFile(atPath: executable) else {
            throw ChromiumError.notInstalled(executable: executable)
        }
        let folder = NSTemporaryDirectory() + "erratum-chromium-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: folder + "/profile", withIntermediateDirectories: true)
        // One socket pair serves as both fd 3 and fd 4: a write to a dead browser then fails with
        // EPIPE instead of raising SIGPIPE in the test process (send's MSG_NOSIGNAL).
        var ends: [Int32] = [-1, -1]
        guard socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0, &ends) == 0 else {
            try? FileManager.default.removeItem(atPath: folder)
            throw ChromiumError.cannotStart(executable: executable, reason: "socketpair failed: \(String(cString: strerror(errno)))")
        }
        defer { Glibc.close(ends[1]) }
        let pid: pid_t
        do {
            pid = try spawn(executable, arguments: arguments(profile: folder + "/profile"),
                            pipe: ends[1], output: folder + "/chromium.log", home: folder)
        } catch {
            Glibc.close(ends[0])
            try? FileManager.default.removeItem(atPath: folder)
            throw error
        }
        let browser = ChromiumBrowser(folder: folder, pid: pid,
                                      pipe: DevToolsPipe(socket: ends[0], outputPath: folder + "/chromium.log"))
        do {
            try browser.pipe.send("Browser.getVersion", timeout: timeout)
        } catch {
            browser.close()
            throw error
        }
        return browser
    }

    /// The command line, every flag for a reason.
    private static func arguments(profile: String) -> [String] {
        [
            "--headless=new",  // the full browser, without a window
            "--no-sandbox",  // the sandbox will not run as root, and containers lack its namespaces
            "--disable-gpu",  // software rendering: the same pixels on every machine
            "--disable-dev-shm-usage",  // Docker's /dev/shm holds 64 MB; shared memory goes to /tmp instead
            "--remote-debugging-pipe",  // DevTools on fd 3 and fd 4: no port to choose, none left open
            "--user-data-dir=" + profile,  // no cookie, cache or storage shared between browsers
            "--no-first-run", "--no-default-browser-check",
            // Tests never reach the network: no update checks, sync, safe-browsing lists, crash
            // uploads or extension downloads, and no keyring asked for.
            "--disable-background-networking", "--disable-component-update", "--disable-sync",
            "--disable-default-apps", "--disable-extensions", "--disable-breakpad", "--password-store=basic",
            "--hide-scrollbars",  // the page is as wide as asked whether it scrolls or not, screenshots too
            "--force-color-profile=srgb",  // screenshots hold the colours the CSS asked for
            "--mute-audio",
            "--allow-file-access-from-files",  // a file:// page may fetch its neighbours as from a server
            "about:blank",
        ]
    }

    /// posix_spawn, as ServerProcess does: no signal blocked and default dispositions (the test
    /// runner's threads block signals), output to a file, and a process group of its own.
    private static func spawn(_ executable: String, arguments: [String], pipe: Int32, output: String,
                              home: String) throws -> pid_t {
        // HOME and XDG folders inside the browser's folder: what Chromium and GTK keep there
        // (crash reports, dconf, NSS) goes away with it instead of piling up in the user's.
        let own = ["HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME", "XDG_DATA_HOME"]
        var environment = ProcessInfo.processInfo.environment.filter { !own.contains($0.key) }
        for name in own { environment[name] = home }
        // The DevTools pipe is the browser's fd 3 (it reads) and fd 4 (it writes); its own
        // process group lets close() end its helpers too.
        let started = Spawn.start(executable, arguments: arguments, output: output, environment: environment,
                                  newProcessGroup: true) { (actions: inout posix_spawn_file_actions_t) in
            posix_spawn_file_actions_adddup2(&actions, pipe, 3)
            posix_spawn_file_actions_adddup2(&actions, pipe, 4)
        }
        switch started {
        case let .success(pid): return pid
        case let .failure(error):
            throw ChromiumError.cannotStart(executable: executable, reason: String(cString: strerror(error.code.rawValue)))
        }
    }

    /// Opens a tab of `width` × `height` CSS pixels (laid out as on a phone below 600),
    /// preferring a dark or light colour scheme, and loads `url` in it.
    ///
    /// The tab records requests and console errors from before the first request.
    /// - Throws: `ChromiumError.navigationFailed` when `url` cannot be loaded, `.timedOut` when
    ///   its load event does not come within `timeout`, or any refused command.
    func openPage(_ url: URL, width: Int = 1280, height: Int = 900, darkMode: Bool = false, javaScript: Bool = true,
                  timeout: Duration = .seconds(15)) throws -> ChromiumPage {
        let target = try pipe.send("Target.createTarget", ["url": "about:blank"])
        guard let targetID = target["targetId"] as? String else {
            throw ChromiumError.commandFailed(method: "Target.createTarget", message: "no targetId in \(target)")
        }
        let attached = try? pipe.send("Target.attachToTarget", ["targetId": targetID, "flatten": true])
        guard let sessionID = attached?["sessionId"] as? String else {
            _ = try? pipe.send("Target.closeTarget", ["targetId": targetID])
            throw ChromiumError.commandFailed(method: "Target.attachToTarget", message: "no session for target \(targetID)")
        }
        let page = ChromiumPage(browser: self, targetID: targetID, sessionID: sessionID)
        do {
            for domain in ["Page", "Runtime", "Network", "Log"] {
                try page.send(domain + ".enable")
            }
            // Lifecycle events carry the loader id, which ties a load event to its navigation.
            try page.send("Page.setLifecycleEventsEnabled", ["enabled": true])
            // Every load reaches the network, so requestedURLs misses nothing.
            try page.send("Network.setCacheDisabled", ["cacheDisabled": true])
            // The tab keeps focus though headless, so typing reaches the focused element.
            try page.send("Emulation.setFocusEmulationEnabled", ["enabled": true])
            try page.send("Emulation.setDeviceMetricsOverride",
                          ["width": width, "height": height, "deviceScaleFactor": 1, "mobile": width < 600])
            try page.send("Emulation.setEmulatedMedia",
                          ["features": [["name": "prefers-color-scheme", "value": darkMode ? "dark" : "light"]]])
            // The page's own scripts off, as in a reader's browser with JavaScript disabled
            // (evaluate still runs: it is the test's, not the page's).
            if !javaScript { try page.send("Emulation.setScriptExecutionDisabled", ["value": true]) }
            try page.navigate(url, timeout: timeout)
        } catch {
            page.close()
            throw error
        }
        return page
    }

    /// Kills the browser and all its helpers, then deletes its folder; safe to call again.
    func close() {
        guard isClosed.withLock({ closed in
            defer { closed = true }
            return !closed
        }) else { return }
        // The whole group, before the leader is reaped: its id cannot have been reused yet.
        kill(-pid, SIGKILL)
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0, errno == EINTR {}
        // The crash reporter leaves the group (it would outlive the browser for a moment); it
        // is found by the browser's folder on its command line.
        for straggler in Self.liveProcesses(mentioning: folder) { kill(straggler, SIGKILL) }
        pipe.shutDown()
        // A helper killed in the middle of writing a file may still finish that write.
        for _ in 0..<20 where FileManager.default.fileExists(atPath: folder) {
            if (try? FileManager.default.removeItem(atPath: folder)) == nil { usleep(50_000) }
        }
    }

    deinit { close() }

    /// The processes, zombies aside, whose command line contains `text` (Linux's /proc).
    static func liveProcesses(mentioning text: String) -> [pid_t] {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return entries.compactMap { entry in
            guard let pid = pid_t(entry),
                  let commandLine = FileManager.default.contents(atPath: "/proc/\(entry)/cmdline"),
                  commandLine.range(of: Data(text.utf8)) != nil,
                  let stat = try? String(contentsOfFile: "/proc/\(entry)/stat", encoding: .utf8),
                  let nameEnd = stat.lastIndex(of: ")") else { return nil }
            // "pid (name) state …": the state follows the name, which may itself hold spaces.
            return stat[stat.index(after: nameEnd)...].split(separator: " ").first == "Z" ? nil : pid
        }.sorted()
    }
}
