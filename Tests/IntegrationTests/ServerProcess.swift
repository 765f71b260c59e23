import Foundation
@testable import ErratumCore

/// A real nginx or Apache httpd started in the foreground on loopback ports, with a prefix
/// folder of its own; `stop()` ends it.
///
/// It is spawned and reaped with posix_spawn and waitpid directly: the test process must know
/// for certain when the server is gone, and must never leave one running.
final class ServerProcess {
    struct Missing: Error, CustomStringConvertible {
        var description: String
    }

    let name: String
    let logPath: String
    private var pid: pid_t = 0
    private var exited = false
    /// The exit status once it has exited by itself (128 + the signal when killed by one).
    private(set) var exitStatus: Int32?

    /// Starts `executable` and waits until every port in `ports` accepts connections.
    init(name: String, executable: String, arguments: [String], ports: [Int], logPath: String,
         environment: [String: String]? = nil) throws {
        self.name = name
        self.logPath = logPath
        guard FileManager.default.isExecutableFile(atPath: executable) else {
            throw Missing(description: "\(executable) is not installed: scripts/test installs nginx-light, apache2, caddy and haproxy")
        }
        // The console file keeps what the server prints before its own log is open.
        switch Spawn.start(executable, arguments: arguments, output: logPath + ".console", environment: environment) {
        case let .success(started): pid = started
        case let .failure(error): throw Missing(description: "cannot start \(executable): \(error.localizedDescription)")
        }
        for port in ports where !HTTPClient.waitForListener(port: port, while: { [unowned self] in self.isRunning }) {
            stop()
            throw Missing(description: "\(name) did not listen on 127.0.0.1:\(port); its log says:\n\(log)")
        }
    }

    var log: String {
        [logPath + ".console", logPath].compactMap { try? String(contentsOfFile: $0, encoding: .utf8) }
            .joined(separator: "\n")
    }

    /// Whether the server is still running (reaps it if it has exited).
    var isRunning: Bool {
        guard !exited else { return false }
        var status: Int32 = 0
        if waitpid(pid, &status, WNOHANG) == pid {
            exited = true
            exitStatus = (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
        }
        return !exited
    }

    /// The process id while it runs.
    var processID: pid_t? { isRunning ? pid : nil }

    /// Asks the server to stop (SIGTERM), then kills it after ten seconds.
    func stop() {
        guard isRunning else { return }
        kill(pid, SIGTERM)
        let deadline = Date().addingTimeInterval(10)
        while isRunning, Date() < deadline { usleep(20_000) }
        if isRunning {
            kill(pid, SIGKILL)
            var status: Int32 = 0
            waitpid(pid, &status, 0)
            exited = true
        }
    }

    deinit { stop() }
}

/// A build of the built-in content made for server tests, in a folder of its own.
struct ErrorPagesBuild {
    let folder: String
    let output: String
    let strings: StringsCatalog

    init(codes: [Int]? = nil) throws {
        folder = NSTemporaryDirectory() + "erratum-servers-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        output = folder + "/Output"
        let root = Self.repoRoot
        _ = try Builder(options: BuildOptions(contentRoots: [root + "/content"], templatesRoot: root + "/templates",
                                              outputPath: output, codes: codes)).build()
        strings = try Builder.loadStrings(from: TemplateFiles(overrides: root + "/templates"))
    }

    static let repoRoot: String = {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().path
    }()

    func title(_ code: Int, _ language: String) -> String {
        strings.text("errors.status.\(code).title", language: language) ?? "?"
    }

    func remove() {
        try? FileManager.default.removeItem(atPath: folder)
    }
}
