import Foundation
import Synchronization
import Testing

/// A real `erratum serve` process on a loopback port the system chose, in a project folder of
/// its own, with its log in a file the test reads.
final class ServeProcess: Sendable {
    let folder: String
    let port: Int
    let pid: pid_t
    let logPath: String

    /// The erratum binary built beside the tests.
    static var binary: String {
        let beside = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("erratum").path
        if FileManager.default.isExecutableFile(atPath: beside) { return beside }
        return ErrorPagesBuild.repoRoot + "/.build/debug/erratum"
    }

    /// Starts `erratum serve --port 0 <arguments>` in `folder` and waits for its first build
    /// (or, with `until`, for a log line holding one of those texts).
    init(folder: String, arguments: [String] = [], port requested: Int = 0,
         until markers: [String] = ["erratum: built ", "build failed"]) throws {
        self.folder = folder
        logPath = folder + "/serve.log"
        var environment = ProcessInfo.processInfo.environment
        environment["XDG_CACHE_HOME"] = folder + "/cache"
        environment.removeValue(forKey: "CONTENT_ROOT")
        // The shell closes every descriptor the test process had open (another test may be
        // writing a file at this moment): held open here, its closing would reach another
        // preview's watcher as a change whenever this process ends.
        let script = #"cd "$0" || exit 1; for fd in /proc/$$/fd/*; do fd=${fd##*/}; [ "$fd" -gt 2 ] && eval "exec $fd>&-"; done; exec "$@""#
        let started = Spawn.start("/bin/bash", arguments: ["-c", script, folder, Self.binary, "serve",
                                                         "--port", String(requested)] + arguments,
                                  output: logPath, environment: environment)
        pid = try started.get()
        var found: Int?
        let deadline = ContinuousClock.now + .seconds(60)
        while ContinuousClock.now < deadline {
            let log = (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? ""
            if let range = log.range(of: #"serving http://127\.0\.0\.1:(\d+)/"#, options: .regularExpression),
               markers.contains(where: log.contains) {
                found = Int(log[range].split(separator: ":").last?.dropLast() ?? "")
                break
            }
            var status: Int32 = 0
            if waitpid(pid, &status, WNOHANG) == pid {
                throw HTTPClient.Failure(description: "erratum serve ended at start: \(log)")
            }
            Thread.sleep(forTimeInterval: 0.05)
        }
        guard let found else {
            kill(pid, SIGKILL)
            let log = (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? ""
            throw HTTPClient.Failure(description: "erratum serve did not start: \(log)")
        }
        port = found
    }

    var log: String { (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? "" }

    func url(_ path: String) -> URL { URL(string: "http://127.0.0.1:\(port)" + path)! }

    /// Waits until the log has `count` lines containing `text`.
    @discardableResult
    func waitForLog(_ text: String, count: Int = 1, timeout: Duration = .seconds(20)) -> Bool {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if log.components(separatedBy: text).count - 1 >= count { return true }
            Thread.sleep(forTimeInterval: 0.02)
        }
        return false
    }

    /// Sends `signal` and returns the exit status, or nil if it did not end within 10 s.
    func stop(_ signal: Int32 = SIGTERM) -> Int32? {
        kill(pid, signal)
        let deadline = ContinuousClock.now + .seconds(10)
        while ContinuousClock.now < deadline {
            var status: Int32 = 0
            if waitpid(pid, &status, WNOHANG) == pid {
                return (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
            }
            Thread.sleep(forTimeInterval: 0.02)
        }
        kill(pid, SIGKILL)
        var status: Int32 = 0
        waitpid(pid, &status, 0)
        return nil
    }
}
