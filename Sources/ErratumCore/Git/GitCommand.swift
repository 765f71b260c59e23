import Foundation

/// Why git could not answer.
public enum GitError: Error, Sendable, Equatable, CustomStringConvertible {
    /// No `git` program could be started.
    case unavailable(String)
    /// git ran and failed: the arguments, the exit status and what it printed on standard error.
    case failed(arguments: [String], status: Int32, message: String)

    public var description: String {
        switch self {
        case let .unavailable(reason):
            "git is not available: \(reason)"
        case let .failed(arguments, status, message):
            "'git \(arguments.joined(separator: " "))' exited with status \(status): \(message)"
        }
    }
}

/// Runs the `git` command line in a folder and returns what it prints.
///
/// Coverage reads history through git's own porcelain formats rather than a library, so it
/// sees exactly what a translator's `git log` sees. Variables that would point git at another
/// repository (`GIT_DIR` and friends, set inside hooks) are removed from its environment.
struct GitCommand: Sendable {
    /// The folder git runs in, as with `git -C`.
    let folder: String
    /// Folders git does not look above for a repository (`GIT_CEILING_DIRECTORIES`); empty
    /// for the environment's own.
    var ceiling: [String] = []

    /// Settings that make the output stable whatever the user's configuration says.
    static let settings = [
        "-c", "core.quotepath=off", "-c", "log.showSignature=false", "-c", "color.ui=false",
        // MDN moves hundreds of pages in one commit, editing each page's slug: inexact renames
        // that git's default limit (1,000 files) would stop following.
        "-c", "diff.renameLimit=50000",
    ]

    /// Environment variables that redirect git to another repository or index.
    static let repositoryVariables: Set<String> = [
        "GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE", "GIT_OBJECT_DIRECTORY", "GIT_COMMON_DIR",
        "GIT_ALTERNATE_OBJECT_DIRECTORIES", "GIT_NAMESPACE", "GIT_PREFIX",
    ]

    /// Runs `git -C folder <settings> <arguments>` and returns its standard output.
    ///
    /// - Throws: `GitError.unavailable` when git cannot be started, `GitError.failed` when it
    ///   exits with a non-zero status.
    func run(_ arguments: [String]) throws(GitError) -> Data {
        try start(arguments).finish()
    }

    /// Runs git with `input` on its standard input (`cat-file --batch` takes its questions so).
    ///
    /// - Throws: as `run(_:)`.
    func run(_ arguments: [String], input: Data) throws(GitError) -> Data {
        let path = NSTemporaryDirectory() + "erratum-git-\(UUID().uuidString).in"
        guard FileManager.default.createFile(atPath: path, contents: input), let handle = FileHandle(forReadingAtPath: path) else {
            throw .unavailable("cannot create temporary files in \(NSTemporaryDirectory())")
        }
        defer {
            try? handle.close()
            try? FileManager.default.removeItem(atPath: path)
        }
        return try start(arguments, input: handle).finish()
    }

    /// Starts git and returns at once: it writes into temporary files while the caller works
    /// (coverage loads the content meanwhile).
    ///
    /// - Throws: `GitError.unavailable` when git cannot be started.
    func start(_ arguments: [String], input: FileHandle = .nullDevice) throws(GitError) -> RunningGit {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["git", "-C", folder] + Self.settings + arguments
        var environment = ProcessInfo.processInfo.environment.filter { !Self.repositoryVariables.contains($0.key) }
        environment["LC_ALL"] = "C"
        environment["GIT_TERMINAL_PROMPT"] = "0"
        if !ceiling.isEmpty { environment["GIT_CEILING_DIRECTORIES"] = ceiling.joined(separator: ":") }
        process.environment = environment
        // Files rather than pipes: nobody has to drain them while git runs.
        let base = NSTemporaryDirectory() + "erratum-git-\(UUID().uuidString)"
        let running = RunningGit(process: process, arguments: arguments, outputPath: base + ".out", errorPath: base + ".err")
        guard FileManager.default.createFile(atPath: running.outputPath, contents: nil),
              FileManager.default.createFile(atPath: running.errorPath, contents: nil),
              let output = FileHandle(forWritingAtPath: running.outputPath),
              let errors = FileHandle(forWritingAtPath: running.errorPath) else {
            throw .unavailable("cannot create temporary files in \(NSTemporaryDirectory())")
        }
        defer {
            try? output.close()
            try? errors.close()
        }
        process.standardOutput = output
        process.standardError = errors
        process.standardInput = input
        do {
            try process.run()
        } catch {
            throw .unavailable("cannot start /usr/bin/env git: \(error.localizedDescription)")
        }
        return running
    }
}

/// A git process running in the background; `finish()` waits for it and returns its output.
/// Dropped unfinished, it stops git and removes its files.
final class RunningGit {
    let process: Process
    let arguments: [String]
    let outputPath: String
    let errorPath: String

    init(process: Process, arguments: [String], outputPath: String, errorPath: String) {
        self.process = process
        self.arguments = arguments
        self.outputPath = outputPath
        self.errorPath = errorPath
    }

    deinit {
        if process.isRunning {
            process.terminate()
            process.waitUntilExit()
        }
        try? FileManager.default.removeItem(atPath: outputPath)
        try? FileManager.default.removeItem(atPath: errorPath)
    }

    /// Waits for git to end.
    ///
    /// - Throws: `GitError.unavailable` when there is no git to run, `GitError.failed` when it
    ///   exits with a non-zero status.
    func finish() throws(GitError) -> Data {
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            let message = (FileManager.default.contents(atPath: errorPath).map { String(decoding: $0, as: UTF8.self) } ?? "")
                .trimmingCharacters(in: .whitespacesAndNewlines)
            if process.terminationStatus == 127, message.contains("git") {
                throw .unavailable(message.isEmpty ? "no git program on PATH" : message)
            }
            throw .failed(arguments: arguments, status: process.terminationStatus, message: message)
        }
        return FileManager.default.contents(atPath: outputPath) ?? Data()
    }
}
