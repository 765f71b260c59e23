import Foundation
import Testing
@testable import ErratumCore

/// Runs the `erratum` executable as a child process and measures it, for inputs built to
/// exhaust memory or time: the child's own peak RSS, and a watchdog that kills it past a time
/// or memory limit so a regression fails the test instead of the shared machine.
///
/// The peak is the kernel's high-water mark of the child's memory (`VmHWM` in
/// `/proc/<pid>/status`), read every 10 ms until it exits. `getrusage(RUSAGE_CHILDREN)` and
/// `wait4` would not do: Linux carries a process's `ru_maxrss` across `exec`, and a spawned
/// child starts out sharing the test runner's memory, so both report at least the runner's
/// own peak (240 MiB when many suites run at once).
struct ErratumRun {
    /// The exit status, or nil when the child was killed (by the watchdog or a signal).
    var status: Int32?
    /// Standard output and error, interleaved.
    var output: String
    /// Peak resident set size in bytes (the child's own, sampled every 10 ms).
    var peakRSS: Int
    /// Wall-clock seconds.
    var seconds: Double
    /// Why the watchdog killed the child, if it did.
    var killedBecause: String?

    /// Diagnostics printed in the `file:line:col: severity: message [code]` form.
    var diagnosticLines: [String] {
        output.split(separator: "\n").map(String.init).filter { $0.hasSuffix("]") && $0.contains(": ") }
    }

    /// The executable beside the test bundle (`swift test` builds it with the tests).
    static var executable: String {
        let besideTests = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("erratum").path
        if FileManager.default.isExecutableFile(atPath: besideTests) { return besideTests }
        return TestSupport.repoRoot + "/.build/debug/erratum"
    }

    /// Runs `erratum arguments…`, killing it after `timeLimit` or above `memoryLimit` bytes.
    static func run(_ arguments: [String], in folder: String, timeLimit: Duration = .seconds(300),
                    memoryLimit: Int = 2 << 30) throws -> ErratumRun {
        let executable = Self.executable
        try #require(FileManager.default.isExecutableFile(atPath: executable), "no erratum executable at \(executable)")
        let outputPath = folder + "/erratum-output.txt"
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, outputPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        // The test runner's threads block signals; the child must not inherit that.
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var noSignals = sigset_t()
        sigemptyset(&noSignals)
        var allSignals = sigset_t()
        sigfillset(&allSignals)
        posix_spawnattr_setsigmask(&attributes, &noSignals)
        posix_spawnattr_setsigdefault(&attributes, &allSignals)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var pid: pid_t = 0
        let started = ContinuousClock.now
        let spawned = posix_spawn(&pid, executable, &actions, &attributes, argv, environ)
        try #require(spawned == 0, "posix_spawn failed: \(String(cString: strerror(spawned)))")

        var killedBecause: String?
        var status: Int32 = 0
        var peak = 0
        while true {
            let waited = waitpid(pid, &status, WNOHANG)
            if waited == pid { break }
            if waited < 0, errno != EINTR { break }
            let (resident, highWater) = Self.memory(of: pid)
            peak = max(peak, highWater, resident)
            if killedBecause == nil {
                if resident > memoryLimit {
                    killedBecause = "resident memory \(resident >> 20) MiB passed \(memoryLimit >> 20) MiB"
                } else if ContinuousClock.now - started > timeLimit {
                    killedBecause = "still running after \(timeLimit)"
                }
                if killedBecause != nil { kill(pid, SIGKILL) }
            }
            usleep(10_000)
        }
        let exited = (status & 0x7F) == 0
        return ErratumRun(
            status: exited ? (status >> 8) & 0xFF : nil,
            output: (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? "",
            peakRSS: peak,
            seconds: (ContinuousClock.now - started).seconds,
            killedBecause: killedBecause)
    }
}

extension ErratumRun {
    /// `VmRSS` and `VmHWM` of a running process, in bytes (zero once it has exited).
    static func memory(of pid: pid_t) -> (resident: Int, highWater: Int) {
        let status = (try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8)) ?? ""
        func kilobytes(_ field: String) -> Int {
            guard let line = status.split(separator: "\n").first(where: { $0.hasPrefix(field + ":") }) else { return 0 }
            return (Int(line.split(separator: " ").dropFirst().first ?? "") ?? 0) * 1024
        }
        return (kilobytes("VmRSS"), kilobytes("VmHWM"))
    }
}

/// Checks on the HTML Erratum writes from hostile input.
enum HostileHTML {
    /// Every script element, event-handler attribute and script URL in `html`, described; our
    /// own scripts (a `src` into the site's `static/` folder, and `ownInlineScripts` inline
    /// ones, such as the coverage report's sort script) do not count.
    static func scriptProblems(in html: String, ownInlineScripts: Int = 0) -> [String] {
        var problems: [String] = []
        var inlineScripts = 0
        for case let .open(name, attributes) in HTMLElements(html).tokens {
            if name == "script", !(attributes["src"].map { $0.hasSuffix(".js") && $0.contains("static/") } ?? false) {
                inlineScripts += 1
                if inlineScripts > ownInlineScripts || !attributes.isEmpty { problems.append("a <script> element \(attributes)") }
            }
            for (attribute, value) in attributes {
                if attribute.hasPrefix("on"), attribute != "open" {
                    problems.append("<\(name) \(attribute)=\"\(value)\">")
                }
                if attribute == "srcdoc" { problems.append("<\(name) srcdoc>") }
                let url = UnsafeHTML.normalisedURL(value)
                let runs = UnsafeHTML.urlAttributes.contains(attribute) ? UnsafeHTML.scriptSchemes.contains(where: url.hasPrefix)
                    : UnsafeHTML.urlListAttributes.contains(attribute) && UnsafeHTML.scriptSchemes.contains(where: url.contains)
                if runs {
                    problems.append("<\(name) \(attribute)=\"\(value)\">")
                }
            }
        }
        return problems
    }

    /// The files below `root` whose HTML holds a script problem, with what was found.
    static func scriptProblems(under root: String) -> [String: [String]] {
        var found: [String: [String]] = [:]
        for (path, data) in TestSupport.snapshot(root) where path.hasSuffix(".html") {
            let problems = scriptProblems(in: String(decoding: data, as: UTF8.self),
                                          ownInlineScripts: path == "coverage/index.html" ? 1 : 0)
            if !problems.isEmpty { found[path] = problems }
        }
        return found
    }
}
