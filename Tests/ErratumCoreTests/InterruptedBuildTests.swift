import Foundation
import Testing
@testable import ErratumCore

/// Builds killed, stopped and starved of disk: whatever happens, the previous output stays as it
/// was, byte for byte, and the next build cleans up and succeeds.
@Suite("Interrupted builds", .serialized)
struct InterruptedBuildTests {
    /// A corpus HTTP section and an output folder holding a finished build of it.
    struct Workspace {
        let root: String
        let content: String
        var output: String { root + "/Output" }

        /// The corpus' HTTP section, or only its 64 English pages (`englishOnly`) where a shorter
        /// build shows the same.
        init(englishOnly: Bool = false) throws {
            root = try TestSupport.temporaryFolder("interrupted")
            if englishOnly {
                content = root + "/content"
                try FileManager.default.createDirectory(atPath: content, withIntermediateDirectories: true)
                for folder in ["en-us", "jsondata"] {
                    try FileManager.default.copyItem(atPath: CorpusTests.corpus + "/" + folder, toPath: content + "/" + folder)
                }
            } else {
                content = try CorpusTests.httpSection(in: root)
            }
        }

        func start(_ extra: [String] = [], environment: [String: String] = [:]) throws -> Process {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: ErratumRun.executable)
            process.arguments = ["build", "--content", content, "--templates", TestSupport.templatesRoot, "--output", output,
                                 "--errors-root", "/srv/errors", "--quiet"] + extra
            process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
            process.standardOutput = FileHandle.nullDevice
            let errors = Pipe()
            process.standardError = errors
            try process.run()
            return process
        }

        /// Runs a build to its end; returns its exit status and standard error.
        @discardableResult
        func build(_ extra: [String] = [], environment: [String: String] = [:]) throws -> (Int32, String) {
            let process = try start(extra, environment: environment)
            let errors = (process.standardError as? Pipe)?.fileHandleForReading.readDataToEndOfFile() ?? Data()
            process.waitUntilExit()
            return (process.terminationStatus, String(decoding: errors, as: UTF8.self))
        }

        /// A page that every build changes, so a build that finished would show.
        func edit(_ round: Int) throws {
            let path = content + "/en-us/web/http/reference/status/404/index.md"
            let text = try String(contentsOfFile: path, encoding: .utf8)
            try Data((text + "\nEdit number \(round).\n").utf8).write(to: URL(fileURLWithPath: path))
        }

        /// The output's files, by path.
        func fingerprint() -> [String: Data] {
            TestSupport.snapshot(output)
        }

        var leftovers: [String] {
            ((try? FileManager.default.contentsOfDirectory(atPath: root)) ?? []).filter { $0.contains(".staging-") }
        }
    }

    @Test("SIGKILL at 20 moments of a corpus build leaves the previous output byte for byte")
    func killedBuilds() throws {
        try #require(FileManager.default.fileExists(atPath: CorpusTests.corpus + "/de/web/http"), "the corpus is at ../shared/corpus")
        // The section's 64 English pages: with its French and German pages too, the 20 kills
        // and the builds between them took ten minutes of a debug test run on two cores.
        let space = try Workspace(englishOnly: true)
        defer { TestSupport.cleanUp(space.root) }
        #expect(try space.build().0 == 0)
        var expected = space.fingerprint()

        // How long a build takes here, without and with the cache: the kills spread over both.
        try space.edit(0)
        var started = ContinuousClock.now
        #expect(try space.build(["--no-cache"]).0 == 0)
        let clean = ContinuousClock.now - started
        try space.edit(1)
        started = ContinuousClock.now
        #expect(try space.build().0 == 0)
        let cached = ContinuousClock.now - started
        expected = space.fingerprint()

        // Twenty kills that land while the build runs, at delays spread from the first instants
        // to the end (the write and the swap). A build that finishes first does not count, and
        // shortens the delays: the machine may be busier than when the builds were timed.
        var killedMidway = 0
        var killedAfterSwap = 0
        var attempts = 0
        var scale = 1.0
        while killedMidway < 20, attempts < 40 {
            attempts += 1
            try space.edit(attempts + 1)
            let useCache = attempts % 2 == 0
            let length = (useCache ? cached : clean).seconds * scale
            let delay = length * (Double(killedMidway % 10) + 0.5) / 10
            let process = try space.start(useCache ? [] : ["--no-cache"])
            Thread.sleep(forTimeInterval: delay)
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            guard process.terminationReason == .uncaughtSignal else {
                // It finished first: that output is the new reference.
                #expect(process.terminationStatus == 0)
                expected = space.fingerprint()
                scale *= 0.8
                continue
            }
            killedMidway += 1
            let now = space.fingerprint()
            if now != expected {
                // Killed after the swap (while saving the cache): the output must then be the
                // new build, whole.
                let whole = try Workspace.clean(of: space)
                #expect(now == whole, "kill \(killedMidway) after \(delay) s: the output is neither the previous build nor the new one: \(Set(now.keys).symmetricDifference(expected.keys).sorted().prefix(5))")
                killedAfterSwap += 1
                expected = now
            }
            if killedMidway == 10 || killedMidway == 20 {
                // The next build cleans up and gives what a clean build gives.
                try space.edit(100 + killedMidway)
                #expect(try space.build().0 == 0)
                #expect(space.leftovers.isEmpty, "no staging folder after a finished build: \(space.leftovers)")
                #expect(space.fingerprint() == (try Workspace.clean(of: space)), "the build after kills equals a clean build")
                expected = space.fingerprint()
            }
        }
        #expect(killedMidway == 20, "20 kills landed during a build (in \(attempts) attempts)")
        #expect(killedAfterSwap <= 5, "most kills land before the swap (\(killedAfterSwap) after)")
    }

    @Test("SIGTERM and SIGINT stop a build with a message, the output as it was and nothing staged", arguments: [SIGTERM, SIGINT])
    func stoppedBySignal(_ signal: Int32) throws {
        try #require(FileManager.default.fileExists(atPath: CorpusTests.corpus + "/de/web/http"), "the corpus is at ../shared/corpus")
        let space = try Workspace(englishOnly: true)
        defer { TestSupport.cleanUp(space.root) }
        let started = ContinuousClock.now
        #expect(try space.build(["--no-cache"]).0 == 0)
        let length = ContinuousClock.now - started
        var expected = space.fingerprint()

        // The signal must come while the build runs: a build that finished first is tried
        // again with a shorter wait, one that had not yet set up its handlers with a longer one.
        var wait = length.seconds / 3
        var process: Process
        var errors = ""
        var attempt = 0
        repeat {
            attempt += 1
            try space.edit(attempt)
            process = try space.start(["--no-cache"])
            Thread.sleep(forTimeInterval: wait)
            kill(process.processIdentifier, signal)
            errors = String(decoding: (process.standardError as? Pipe)?.fileHandleForReading.readDataToEndOfFile() ?? Data(), as: UTF8.self)
            process.waitUntilExit()
            if process.terminationReason == .exit, process.terminationStatus == 0 {
                expected = space.fingerprint()
                wait /= 2
            } else if process.terminationReason == .uncaughtSignal {
                wait *= 1.5
            } else {
                break
            }
        } while attempt < 6
        #expect(process.terminationReason == .exit)
        #expect(process.terminationStatus == 128 + signal)
        let name = signal == SIGTERM ? "SIGTERM" : "SIGINT"
        #expect(errors.contains("erratum: build stopped by \(name); \(space.output) left as it was"), "\(errors)")
        #expect(space.fingerprint() == expected, "the output is the last finished build's")
        #expect(space.leftovers.isEmpty, "a stopped build removes its staging folder: \(space.leftovers)")
    }

    @Test("a disk that fills up ends the build with output-io, the output as it was and nothing staged",
          arguments: [["--no-cache"], []])
    func fullDiskByFault(_ extra: [String]) throws {
        try #require(FileManager.default.fileExists(atPath: CorpusTests.corpus + "/de/web/http"), "the corpus is at ../shared/corpus")
        let space = try Workspace(englishOnly: true)
        defer { TestSupport.cleanUp(space.root) }
        #expect(try space.build(extra).0 == 0)
        if extra.isEmpty {
            // A second cached build, so that the failing one updates a spare tree.
            try space.edit(1)
            #expect(try space.build().0 == 0)
        }
        let expected = space.fingerprint()
        // Pages that change: every page of the section, through the sidebar's new title.
        let path = space.content + "/en-us/web/http/reference/status/404/index.md"
        let text = try String(contentsOfFile: path, encoding: .utf8)
        try Data(text.replacingOccurrences(of: "title: 404 Not Found", with: "title: 404 Page Not Found").utf8)
            .write(to: URL(fileURLWithPath: path))

        let (status, errors) = try space.build(extra, environment: ["ERRATUM_FAULT_DISK_BYTES": "200000"])
        #expect(status == 1)
        let line = errors.split(separator: "\n").first { $0.hasPrefix("error: no space left on device while writing ") }
        #expect(line?.hasSuffix(" [output-io]") == true, "\(errors)")
        #expect(line?.contains(space.output + "/") == true, "the message names the file in the output folder")
        #expect(space.fingerprint() == expected, "the previous output is intact")
        #expect(space.leftovers.isEmpty, "no staging folder: \(space.leftovers)")

        // With room again, the next build succeeds and equals a clean one.
        #expect(try space.build().0 == 0)
        #expect(space.fingerprint() == (try Workspace.clean(of: space)))
    }

    @Test("a real full file system: a 6 MB tmpfs", .enabled(if: getuid() == 0, "mounting needs root"))
    func fullDiskOnTmpfs() throws {
        try #require(FileManager.default.fileExists(atPath: CorpusTests.corpus + "/de/web/http"), "the corpus is at ../shared/corpus")
        let space = try Workspace(englishOnly: true)
        defer { TestSupport.cleanUp(space.root) }
        let mountPoint = space.root + "/small"
        try FileManager.default.createDirectory(atPath: mountPoint, withIntermediateDirectories: true)
        func run(_ tool: String, _ arguments: [String]) throws -> Int32 {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: tool)
            process.arguments = arguments
            try process.run()
            process.waitUntilExit()
            return process.terminationStatus
        }
        // Where a container forbids mounting, the fault-injection test above covers the same path.
        guard try run("/bin/mount", ["-t", "tmpfs", "-o", "size=64m", "tmpfs", mountPoint]) == 0 else {
            print("note: could not mount a tmpfs at \(mountPoint); the full disk is covered by fault injection only")
            return
        }
        defer { _ = try? run("/bin/umount", [mountPoint]) }
        func used() -> Int {
            var status = statvfs()
            statvfs(mountPoint, &status)
            return Int(status.f_blocks - status.f_bfree) * Int(status.f_frsize)
        }
        let output = mountPoint + "/Output"
        let empty = space.root + "/empty"
        try FileManager.default.createDirectory(atPath: empty, withIntermediateDirectories: true)
        func build(_ content: String, into output: String) throws -> (Int32, String) {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: ErratumRun.executable)
            process.arguments = ["build", "--content", content, "--output", output, "--errors-root", "/srv/errors",
                                 "--templates", TestSupport.templatesRoot, "--quiet", "--no-cache"]
            let errors = Pipe()
            process.standardError = errors
            process.standardOutput = FileHandle.nullDevice
            try process.run()
            let text = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            process.waitUntilExit()
            return (process.terminationStatus, text)
        }
        // How much the corpus build takes on this file system, then a first build without the
        // site (error pages and configs), then room for that and half the corpus build.
        let before = used()
        #expect(try build(space.content, into: mountPoint + "/probe").0 == 0)
        let corpusSize = used() - before
        TestSupport.cleanUp(mountPoint + "/probe")
        #expect(try build(empty, into: output).0 == 0)
        let room = used() + corpusSize / 2
        #expect(try run("/bin/mount", ["-o", "remount,size=\(room / 1024)k", mountPoint]) == 0)
        let previous = TestSupport.snapshot(output)
        #expect(!previous.isEmpty)

        let (status, errors) = try build(space.content, into: output)
        #expect(status == 1)
        #expect(errors.contains("error: no space left on device while writing "), "\(errors)")
        #expect(errors.contains("[output-io]"))
        #expect(TestSupport.snapshot(output) == previous, "the previous output is intact")
        let staging = ((try? FileManager.default.contentsOfDirectory(atPath: mountPoint)) ?? []).filter { $0.contains(".staging-") }
        #expect(staging.isEmpty, "no staging folder: \(staging)")
    }
}

extension InterruptedBuildTests.Workspace {
    /// The files of a clean build of the same content, in a folder of its own.
    static func clean(of space: Self) throws -> [String: Data] {
        let folder = space.root + "/clean-\(UUID().uuidString)"
        defer { TestSupport.cleanUp(folder) }
        var options = BuildOptions(contentRoots: [space.content], templatesRoot: TestSupport.templatesRoot,
                                   outputPath: folder + "/Output", errorsRoot: "/srv/errors")
        options.cache = false
        _ = try Builder(options: options).build()
        return TestSupport.snapshot(folder + "/Output")
    }
}
