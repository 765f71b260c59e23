import Foundation
import Synchronization
import Testing
@testable import ErratumCore

/// Two builds into one output folder at once: the second waits for the first (or, with
/// `--no-wait`, stops at once), and the output is one build's result, never a mix.
@Suite("Builds of one output at once", .serialized)
struct ConcurrentBuildTests {
    /// A folder with generated content trees and an output folder.
    struct Workspace {
        let root: String
        var output: String { root + "/Output" }
        var lockFile: String { root + "/.Output.lock" }

        init() throws {
            root = try TestSupport.temporaryFolder("concurrent")
        }

        /// A content tree of `count` English pages whose titles and text start with `word`, so
        /// two trees differ in every page.
        func content(_ name: String, word: String, count: Int) throws -> String {
            let folder = root + "/" + name
            var files: [String: String] = [:]
            for number in 1...count {
                files["en-us/web/gen/page-\(number)/index.md"] = """
                ---
                title: \(word) \(number)
                slug: Web/Gen/Page-\(number)
                ---

                \(word) page \(number), linking [the first page](/en-US/docs/Web/Gen/Page-1).

                ## \(word) section

                More \(word.lowercased()) text.

                """
            }
            try TestSupport.write(files, under: folder)
            return folder
        }

        /// Starts `erratum build` of a content tree into the output folder.
        func start(_ content: String, _ extra: [String] = []) throws -> BuildProcess {
            try BuildProcess(["build", "--content", content, "--templates", TestSupport.templatesRoot, "--output", output,
                              "--errors-root", "/srv/errors", "--quiet"] + extra)
        }

        /// What a clean build of a content tree writes, built elsewhere.
        func clean(of content: String) throws -> [String: Data] {
            let folder = root + "/clean-\(UUID().uuidString)"
            defer { TestSupport.cleanUp(folder) }
            var options = BuildOptions(contentRoots: [content], templatesRoot: TestSupport.templatesRoot,
                                       outputPath: folder + "/Output", errorsRoot: "/srv/errors")
            options.cache = false
            _ = try Builder(options: options).build()
            return TestSupport.snapshot(folder + "/Output")
        }

        /// The process id the lock file names.
        var lockHolder: Int32? {
            (try? String(contentsOfFile: lockFile, encoding: .utf8)).flatMap { Int32($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
        }

        var leftovers: [String] {
            ((try? FileManager.default.contentsOfDirectory(atPath: root)) ?? []).filter { $0.contains(".staging-") }
        }
    }

    /// A running `erratum`, its standard error collected as it comes.
    final class BuildProcess {
        private final class Log: Sendable {
            let text = Mutex("")
        }

        let process: Process
        private let log = Log()

        init(_ arguments: [String]) throws {
            process = Process()
            process.executableURL = URL(fileURLWithPath: ErratumRun.executable)
            process.arguments = arguments
            process.standardOutput = FileHandle.nullDevice
            let pipe = Pipe()
            process.standardError = pipe
            let log = log
            pipe.fileHandleForReading.readabilityHandler = { handle in
                let data = handle.availableData
                if data.isEmpty {
                    handle.readabilityHandler = nil
                } else {
                    log.text.withLock { $0 += String(decoding: data, as: UTF8.self) }
                }
            }
            try process.run()
        }

        var standardError: String { log.text.withLock { $0 } }

        /// Waits until standard error holds `text`, or the process has ended, or a minute passed.
        func waitFor(_ text: String) -> Bool {
            let deadline = ContinuousClock.now + .seconds(60)
            while ContinuousClock.now < deadline {
                if standardError.contains(text) { return true }
                if !process.isRunning { return standardError.contains(text) }
                Thread.sleep(forTimeInterval: 0.01)
            }
            return false
        }

        /// Waits for the process to end; its exit status, or nil when a signal ended it. A
        /// watchdog kills it after `limit`: a build that waits for a lock nobody releases would
        /// otherwise hang the test instead of failing it.
        func finish(killingAfter limit: Duration = .seconds(600)) -> Int32? {
            let deadline = ContinuousClock.now + limit
            while process.isRunning, ContinuousClock.now < deadline {
                Thread.sleep(forTimeInterval: 0.01)
            }
            if process.isRunning { kill(process.processIdentifier, SIGKILL) }
            process.waitUntilExit()
            // The pipe may still hold the last lines.
            Thread.sleep(forTimeInterval: 0.05)
            return process.terminationReason == .exit ? process.terminationStatus : nil
        }
    }

    /// Holds the lock the way another erratum would, from this process: `flock(2)` on the lock
    /// file, this process's id written into it.
    final class HeldLock {
        private var descriptor: Int32

        init(_ path: String) throws {
            descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
            try #require(descriptor >= 0, "the lock file opens")
            try #require(flock(descriptor, LOCK_EX | LOCK_NB) == 0, "no one else holds the lock")
            ftruncate(descriptor, 0)
            let id = Array("\(getpid())\n".utf8)
            _ = id.withUnsafeBytes { pwrite(descriptor, $0.baseAddress, $0.count, 0) }
        }

        func release() {
            if descriptor >= 0 { close(descriptor) }
            descriptor = -1
        }

        deinit { release() }
    }

    @Test("a build started while another runs waits for it, says so once, and the output is the later build's, byte for byte")
    func secondBuildWaits() throws {
        let space = try Workspace()
        defer { TestSupport.cleanUp(space.root) }
        // The first build is the larger, so the second surely starts while it runs.
        let first = try space.content("first", word: "Alpha", count: 400)
        let second = try space.content("second", word: "Beta", count: 60)
        // Builds before, so both below update the spare tree and reuse the cache.
        let (status, _) = try Self.run(space.start(second))
        #expect(status == 0)
        #expect(try Self.run(space.start(first)).0 == 0)

        // Held here until the first build waits, then let go: the first build takes it, and
        // the second starts while the first holds it.
        let held = try HeldLock(space.lockFile)
        let alpha = try space.start(first)
        #expect(alpha.waitFor("erratum: waiting for another build of \(space.output) (pid \(getpid())) to finish…"),
                "the first build waits for this process: \(alpha.standardError)")
        held.release()
        let deadline = ContinuousClock.now + .seconds(60)
        while space.lockHolder != alpha.process.processIdentifier, alpha.process.isRunning, ContinuousClock.now < deadline {
            Thread.sleep(forTimeInterval: 0.005)
        }
        #expect(space.lockHolder == alpha.process.processIdentifier, "the first build holds the lock")
        let beta = try space.start(second)
        let waiting = "erratum: waiting for another build of \(space.output) (pid \(alpha.process.processIdentifier)) to finish…"
        #expect(beta.waitFor(waiting), "the second build waits for the first: \(beta.standardError)")

        #expect(alpha.finish() == 0, "\(alpha.standardError)")
        #expect(beta.finish() == 0, "\(beta.standardError)")
        #expect(beta.standardError.components(separatedBy: "waiting for another build").count == 2,
                "the second build says once that it waits: \(beta.standardError)")
        #expect(!alpha.standardError.contains("error"), "\(alpha.standardError)")
        #expect(space.leftovers.isEmpty, "no staging folder is left: \(space.leftovers)")
        let output = TestSupport.snapshot(space.output)
        let expected = try space.clean(of: second)
        #expect(output.count == expected.count)
        let differing = TestSupport.differences(output, expected)
        #expect(differing.isEmpty, "the output is the second build's byte for byte; these differ: \(differing.prefix(5))")

        // The next cached build of the same content still equals a clean one: the cache and the
        // spare were not mixed either.
        #expect(try Self.run(space.start(first)).0 == 0)
        let after = TestSupport.differences(TestSupport.snapshot(space.output), try space.clean(of: first))
        #expect(after.isEmpty, "a cached build after both equals a clean build; these differ: \(after.prefix(5))")
    }

    @Test("--no-wait stops at once with output-locked and exit 1 while another build holds the output, and touches nothing")
    func noWait() throws {
        let space = try Workspace()
        defer { TestSupport.cleanUp(space.root) }
        let first = try space.content("first", word: "Alpha", count: 5)
        let second = try space.content("second", word: "Beta", count: 5)
        #expect(try Self.run(space.start(first)).0 == 0)
        let output = TestSupport.snapshot(space.output)
        let cache = TestSupport.snapshot(space.root + "/.Output.cache")
        #expect(!cache.isEmpty)

        let held = try HeldLock(space.lockFile)
        defer { held.release() }
        // The lock is held until the end of the test: a build that waited would be killed.
        let build = try space.start(second, ["--no-wait"])
        let status = build.finish(killingAfter: .seconds(120))
        let errors = build.standardError
        #expect(status == 1, "it stops at once, without waiting")
        #expect(errors.contains("error: another build (pid \(getpid())) is writing '\(space.output)'; this build stopped without waiting for it [output-locked]"),
                "\(errors)")
        #expect(errors.contains("build failed: 1 error, 0 warnings; \(space.output) left as it was"), "\(errors)")
        #expect(!errors.contains("waiting for another build"), "\(errors)")
        #expect(TestSupport.differences(TestSupport.snapshot(space.output), output).isEmpty, "the output is untouched")
        #expect(TestSupport.differences(TestSupport.snapshot(space.root + "/.Output.cache"), cache).isEmpty, "the cache is untouched")
        #expect(space.lockHolder == getpid(), "the lock file still names its holder")

        held.release()
        #expect(try Self.run(space.start(second, ["--no-wait"])).0 == 0, "with the lock free, --no-wait builds")
        #expect(TestSupport.differences(TestSupport.snapshot(space.output), try space.clean(of: second)).isEmpty)
    }

    @Test("SIGTERM and SIGINT stop a build that waits for the lock", arguments: [SIGTERM, SIGINT])
    func signalWhileWaiting(_ signal: Int32) throws {
        let space = try Workspace()
        defer { TestSupport.cleanUp(space.root) }
        let content = try space.content("content", word: "Alpha", count: 3)
        let held = try HeldLock(space.lockFile)
        defer { held.release() }
        let build = try space.start(content)
        #expect(build.waitFor("waiting for another build"), "\(build.standardError)")
        kill(build.process.processIdentifier, signal)
        #expect(build.finish() == 128 + signal)
        let name = signal == SIGTERM ? "SIGTERM" : "SIGINT"
        #expect(build.standardError.contains("erratum: build stopped by \(name); \(space.output) left as it was"), "\(build.standardError)")
        #expect(!FileManager.default.fileExists(atPath: space.output))
        #expect(space.leftovers.isEmpty)
    }

    @Test("the lock lives beside the output, names its holder, refuses a second holder until released")
    func lockInProcess() throws {
        let folder = try TestSupport.temporaryFolder()
        defer { TestSupport.cleanUp(folder) }
        let output = folder + "/site/Output/"
        #expect(OutputLock.path(forOutput: output) == folder + "/site/.Output.lock")
        #expect(OutputLock.path(forOutput: "Output") == "./.Output.lock")
        let lock = try OutputLock.acquire(forOutput: output)
        #expect(try String(contentsOfFile: lock.path, encoding: .utf8) == "\(getpid())\n")
        // A second open of the file is a second lock, even in the same process.
        #expect {
            _ = try OutputLock.acquire(forOutput: output, wait: false)
        } throws: { error in
            let diagnostic = (error as? DiagnosticError)?.diagnostics.first
            return diagnostic?.code == .outputLocked && diagnostic?.message.contains("(pid \(getpid()))") == true
        }
        // A cancelled wait ends with `interrupted`, having said once that it waited.
        let cancellation = BuildCancellation()
        cancellation.cancel("build stopped by SIGINT")
        let told = Mutex(0)
        #expect {
            _ = try OutputLock.acquire(forOutput: output, cancellation: cancellation, waiting: { _ in told.withLock { $0 += 1 } })
        } throws: { error in
            (error as? DiagnosticError)?.diagnostics.first?.code == .interrupted
        }
        #expect(told.withLock { $0 } == 1)
        lock.release()
        lock.release()
        let again = try OutputLock.acquire(forOutput: output, wait: false)
        again.release()
    }

    /// Runs a started build to its end: exit status and standard error.
    static func run(_ build: BuildProcess) -> (Int32?, String) {
        let status = build.finish()
        return (status, build.standardError)
    }
}
