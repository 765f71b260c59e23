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

        init() throws {
            root = try TestSupport.temporaryFolder("interrupted")
            content = try CorpusTests.httpSection(in: root)
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

        /// The output's files as fingerprints, by path.
        func fingerprint() -> [String: Digest] {
            TestSupport.snapshot(output).mapValues { Digest.of($0) }
        }

        var leftovers: [String] {
            ((try? FileManager.default.contentsOfDirectory(atPath: root)) ?? []).filter { $0.contains(".staging-") }
        }
    }

    @Test("SIGKILL at 20 moments of a corpus build leaves the previous output byte for byte")
    func killedBuilds() throws {
        try #require(FileManager.default.fileExists(atPath: CorpusTests.corpus + "/de/web/http"), "the corpus is at ../shared/corpus")
        let space = try Workspace()
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

        var killedMidway = 0
        var killedAfterSwap = 0
        for round in 0..<20 {
            try space.edit(round + 2)
            let useCache = round % 2 == 0
            let length = (useCache ? cached : clean).seconds
            // From the first instants to the very end (the write and the swap), one step each.
            let delay = length * (Double(round / 2) + 0.5) / 10
            let process = try space.start(useCache ? [] : ["--no-cache"])
            Thread.sleep(forTimeInterval: delay)
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            if process.terminationReason == .uncaughtSignal {
                killedMidway += 1
                let now = space.fingerprint()
                if now != expected {
                    // Killed after the swap (while saving the cache): the output must then be
                    // the new build, whole.
                    let whole = try Workspace.clean(of: space)
                    #expect(now == whole, "round \(round): killed after \(delay) s, the output is neither the previous build nor the new one: \(Set(now.keys).symmetricDifference(expected.keys).sorted().prefix(5))")
                    killedAfterSwap += 1
                    expected = now
                }
            } else {
                // It finished first: that output is the new reference.
                #expect(process.terminationStatus == 0)
                expected = space.fingerprint()
            }
            if round % 5 == 4 {
                // The next build cleans up and gives what a clean build gives.
                try space.edit(100 + round)
                #expect(try space.build().0 == 0)
                #expect(space.leftovers.isEmpty, "no staging folder after a finished build: \(space.leftovers)")
                let reference = try Workspace.clean(of: space)
                #expect(space.fingerprint() == reference, "round \(round): the build after kills equals a clean build")
                expected = space.fingerprint()
            }
        }
        #expect(killedMidway >= 15, "most kills land during the build (\(killedMidway) of 20)")
        #expect(killedAfterSwap <= 5, "most kills land before the swap (\(killedAfterSwap) after)")
    }

    @Test("SIGTERM and SIGINT stop a build with a message, the output as it was and nothing staged", arguments: [SIGTERM, SIGINT])
    func stoppedBySignal(_ signal: Int32) throws {
        try #require(FileManager.default.fileExists(atPath: CorpusTests.corpus + "/de/web/http"), "the corpus is at ../shared/corpus")
        let space = try Workspace()
        defer { TestSupport.cleanUp(space.root) }
        #expect(try space.build().0 == 0)
        let expected = space.fingerprint()
        try space.edit(1)
        var started = ContinuousClock.now
        #expect(try space.build(["--no-cache"]).0 == 0)
        let length = ContinuousClock.now - started
        let reference = space.fingerprint()
        try space.edit(2)

        started = ContinuousClock.now
        let process = try space.start(["--no-cache"])
        Thread.sleep(forTimeInterval: length.seconds / 3)
        kill(process.processIdentifier, signal)
        let errors = String(decoding: (process.standardError as? Pipe)?.fileHandleForReading.readDataToEndOfFile() ?? Data(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationReason == .exit)
        #expect(process.terminationStatus == 128 + signal)
        let name = signal == SIGTERM ? "SIGTERM" : "SIGINT"
        #expect(errors.contains("erratum: build stopped by \(name); \(space.output) left as it was"), "\(errors)")
        #expect(space.fingerprint() == reference && reference != expected, "the output is the last finished build's")
        #expect(space.leftovers.isEmpty, "a stopped build removes its staging folder: \(space.leftovers)")
    }

    @Test("a disk that fills up ends the build with output-io, the output as it was and nothing staged",
          arguments: [["--no-cache"], []])
    func fullDiskByFault(_ extra: [String]) throws {
        try #require(FileManager.default.fileExists(atPath: CorpusTests.corpus + "/de/web/http"), "the corpus is at ../shared/corpus")
        let space = try Workspace()
        defer { TestSupport.cleanUp(space.root) }
        #expect(try space.build().0 == 0)
        try space.edit(1)
        #expect(try space.build().0 == 0)
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
        let space = try Workspace()
        defer { TestSupport.cleanUp(space.root) }
        let mountPoint = space.root + "/small"
        try FileManager.default.createDirectory(atPath: mountPoint, withIntermediateDirectories: true)
        let mount = Process()
        mount.executableURL = URL(fileURLWithPath: "/bin/mount")
        mount.arguments = ["-t", "tmpfs", "-o", "size=6m", "tmpfs", mountPoint]
        try mount.run()
        mount.waitUntilExit()
        // Where a container forbids mounting, the fault-injection test above covers the same path.
        guard mount.terminationStatus == 0 else {
            print("note: could not mount a tmpfs at \(mountPoint); the full disk is covered by fault injection only")
            return
        }
        defer {
            let unmount = Process()
            unmount.executableURL = URL(fileURLWithPath: "/bin/umount")
            unmount.arguments = [mountPoint]
            try? unmount.run()
            unmount.waitUntilExit()
        }
        // A first build that fits: the error pages only (a few hundred KB), no site.
        let output = mountPoint + "/Output"
        let empty = space.root + "/empty"
        try FileManager.default.createDirectory(atPath: empty, withIntermediateDirectories: true)
        func build(_ content: String) throws -> (Int32, String) {
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
        #expect(try build(empty).0 == 0)
        let before = TestSupport.snapshot(output)
        #expect(!before.isEmpty)
        // The corpus section does not fit in what is left.
        let (status, errors) = try build(space.content)
        #expect(status == 1)
        #expect(errors.contains("error: no space left on device while writing "), "\(errors)")
        #expect(errors.contains("[output-io]"))
        #expect(TestSupport.snapshot(output) == before, "the previous output is intact")
        let staging = ((try? FileManager.default.contentsOfDirectory(atPath: mountPoint)) ?? []).filter { $0.contains(".staging-") }
        #expect(staging.isEmpty, "no staging folder: \(staging)")
    }
}

extension InterruptedBuildTests.Workspace {
    /// The fingerprint of a clean build of the same content, in a folder of its own.
    static func clean(of space: Self) throws -> [String: Digest] {
        let folder = space.root + "/clean-\(UUID().uuidString)"
        defer { TestSupport.cleanUp(folder) }
        var options = BuildOptions(contentRoots: [space.content], templatesRoot: TestSupport.templatesRoot,
                                   outputPath: folder + "/Output", errorsRoot: "/srv/errors")
        options.cache = false
        _ = try Builder(options: options).build()
        return TestSupport.snapshot(folder + "/Output").mapValues { Digest.of($0) }
    }
}
