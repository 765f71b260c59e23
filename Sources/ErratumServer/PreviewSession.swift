import ErratumCore
import Foundation
import Synchronization

/// Keeps a preview's site in step with its sources: builds once, then again after each burst
/// of changes the watcher reports, through the incremental builder (only what a change
/// affects is made again), and tells the open pages what changed.
///
/// An edit that leaves every changed document's front matter as it was is shown first: the
/// pages of those documents are rendered alone, with the last build's catalog, and announced;
/// the build that follows brings everything else up to date (pages listing the documents'
/// bodies) and announces only pages that came out different. An edit made while a build runs
/// is rendered first too, without waiting for that build.
///
/// A build that fails leaves the last good output served, with its problems over the pages
/// they concern; the server never stops for bad content.
public final class PreviewSession: Sendable {
    /// How long the sources must stay quiet before a build starts: one editor's save (vim
    /// writes a test file, renames, writes, changes modes) is one build.
    public static let quietPeriod: Duration = .milliseconds(40)
    /// The longest a build waits for quiet once changes started (`git checkout` of a tree).
    public static let longestWait: Duration = .milliseconds(400)

    private struct State {
        var dirty = false
        /// The paths changed since the last build; nil when not every change is known (the
        /// kernel dropped events).
        var paths: Set<String>? = []
        /// What the last successful build left for rendering single pages.
        var preview: PreviewState?
        /// Whether a build is running.
        var building = false
        /// The paths changed since pages were last rendered first; nil when unknown.
        var unrendered: Set<String>? = []
        /// When the last of them changed.
        var lastUnrendered: ContinuousClock.Instant?
        /// The pages rendered first and not yet built the same, with their bytes' fingerprints.
        var shown: [String: Digest] = [:]
        var firstChange: ContinuousClock.Instant?
        var lastChange: ContinuousClock.Instant?
        var stopped = false
        var builds = 0
        /// What makes pages on request until the first build is done.
        var onDemand: PreviewState?
    }

    /// The longest a build waits for a git command that holds its index (a checkout) to finish.
    public static let longestGitWait: Duration = .seconds(30)

    private let options: BuildOptions
    private let server: PreviewServer
    /// The `.git` folders of the repositories holding the sources.
    private let gitFolders: [String]
    private let log: @Sendable (String) -> Void
    private let state = Mutex(State())
    private let wakeUp = DispatchSemaphore(value: 0)
    private let fastWakeUp = DispatchSemaphore(value: 0)
    /// One page render at a time, whichever thread asks.
    private let rendering = NSLock()
    /// Stops the build under way when the session stops.
    private let cancellation = BuildCancellation()
    /// Signalled when the building thread has ended.
    private let ended = DispatchSemaphore(value: 0)
    /// Signalled once the sources are watched: the first build reads them after that, so that
    /// no change falls between its reading and the watching.
    private let watched = DispatchSemaphore(value: 0)
    /// Signalled once what makes pages on request is loaded (at once when nothing is).
    private let prepared = DispatchSemaphore(value: 0)

    /// A session building with `options` (its output is what `server` serves).
    public init(options: BuildOptions, server: PreviewServer, log: @escaping @Sendable (String) -> Void) {
        var options = options
        options.cache = true
        options.reportsOutputChanges = true
        // Another preview of the same project builds into the same folder: each build waits
        // for the other's to end.
        options.waitsForOtherBuild = true
        let output = options.outputPath
        options.waitingForOtherBuild = { holder in
            log("waiting for another build\(holder.map { " (pid \($0))" } ?? "") to finish writing \(output)")
        }
        options.retainsPreviewState = true
        options.cancellation = cancellation
        self.options = options
        self.server = server
        self.log = log
        gitFolders = Self.gitFolders(of: options.contentRoots + (options.templatesRoot.map { [$0] } ?? []))
    }

    /// Builds finished so far.
    public var builds: Int { state.withLock { $0.builds } }

    /// Starts the thread that builds: first the whole site (its pages made on request
    /// meanwhile, when no earlier preview left an output to serve), then after each change.
    /// The first build waits for `sourcesWatched()`, so that every change after its reading is
    /// seen; a page made on request reads its file when asked.
    public func start() {
        let onDemand = !server.site.isReady
        // Requests from now on wait for what makes pages, not for the build.
        if onDemand { server.site.preparing() }
        let thread = Thread { [self] in
            if onDemand { prepare() }
            prepared.signal()
            watched.wait()
            if state.withLock({ $0.stopped }) {
                ended.signal()
                return
            }
            build(firstBuild: true)
            loop()
            ended.signal()
        }
        thread.name = "erratum-rebuild"
        thread.start()
        let fast = Thread { [self] in fastLane() }
        fast.name = "erratum-render-first"
        fast.start()
    }

    /// Loads what makes pages on request (front matter and catalog, no output written).
    private func prepare() {
        let started = ContinuousClock.now
        do {
            let preview = try Builder(options: options).preview()
            state.withLock { $0.onDemand = preview }
            server.site.serveOnDemand(preview)
            log("loaded \(preview.documentPages.count) documents in \(Self.milliseconds(since: started)) ms; "
                + "pages are made on request until the first build is done")
        } catch {
            server.site.serveOnDemand(nil, problems: error.diagnostics)
            for problem in error.diagnostics.filter({ $0.severity == .error }).prefix(5) { log(problem.description) }
        }
    }

    /// Waits until what makes pages on request is loaded: the sources' folders are then
    /// walked for watching without taking a core from that loading.
    public func waitForPreparation() {
        prepared.wait()
    }

    /// Tells the session that the sources are watched (or that they never will be, the
    /// session stopping): the first build may read them.
    public func sourcesWatched() {
        watched.signal()
    }

    /// Notes changed sources (nil: unknown ones); a build follows once they are quiet.
    public func sourcesChanged(_ paths: Set<String>?) {
        let now = ContinuousClock.now
        state.withLock { state in
            state.dirty = true
            if let paths, let known = state.paths { state.paths = known.union(paths) } else { state.paths = nil }
            if let paths, let known = state.unrendered { state.unrendered = known.union(paths) } else { state.unrendered = nil }
            state.lastUnrendered = now
            state.lastChange = now
            if state.firstChange == nil { state.firstChange = now }
        }
        wakeUp.signal()
        fastWakeUp.signal()
    }

    /// Stops the build under way (its output left as it was) and the building thread.
    public func stop() {
        state.withLock { $0.stopped = true }
        cancellation.cancel("the preview stopped")
        watched.signal()
        wakeUp.signal()
        fastWakeUp.signal()
        // A cancelled build stops at its next document and removes what it staged.
        _ = ended.wait(timeout: .now() + 30)
    }

    /// While a build runs, renders edited pages first once their files are quiet, with the
    /// catalog of the build before it.
    private func fastLane() {
        while true {
            fastWakeUp.wait()
            while true {
                let (stopped, building, unrendered, last) = state.withLock { ($0.stopped, $0.building, $0.unrendered, $0.lastUnrendered) }
                if stopped { return }
                guard building, let unrendered, !unrendered.isEmpty, let last else { break }
                let due = last + Self.quietPeriod
                if ContinuousClock.now < due {
                    Thread.sleep(forTimeInterval: (due - ContinuousClock.now).seconds)
                    continue
                }
                if gitIsBusy() {
                    Thread.sleep(forTimeInterval: 0.05)
                    continue
                }
                renderUnrendered()
            }
        }
    }

    /// Renders first the pages of the paths changed since the last such render, if they all
    /// allow it; notes what was shown for the build that follows.
    private func renderUnrendered() {
        rendering.lock()
        defer { rendering.unlock() }
        let (paths, preview) = state.withLock { state in
            defer { state.unrendered = [] }
            return (state.unrendered, state.preview)
        }
        if let paths, let onDemand = state.withLock({ $0.preview == nil ? $0.onDemand : nil }), !server.site.isReady {
            // Pages made on request are made from their files as they are now: asking again is enough.
            let pages = onDemand.documentPages
            let changed = paths.compactMap { pages[$0] }
            if !changed.isEmpty { server.announce(pages: Self.urlPaths(Set(changed)).sorted()) }
            return
        }
        guard let paths, !paths.isEmpty, paths.allSatisfy({ $0.hasSuffix("/index.md") }), let preview else {
            if ProcessInfo.processInfo.environment["ERRATUM_SERVE_DEBUG"] != nil, paths?.isEmpty != true {
                log("no first render: paths \(paths.map { $0.sorted().joined(separator: ", ") } ?? "unknown")")
            }
            return
        }
        let shown = renderFirst(paths, with: preview)
        state.withLock { $0.shown.merge(shown) { _, new in new } }
    }

    private func loop() {
        while true {
            if state.withLock({ $0.stopped }) { return }
            wakeUp.wait()
            while true {
                let (stopped, dirty, first, last) = state.withLock { ($0.stopped, $0.dirty, $0.firstChange, $0.lastChange) }
                if stopped { return }
                guard dirty, let first, let last else { break }
                let now = ContinuousClock.now
                let due = min(last + Self.quietPeriod, first + Self.longestWait)
                if now < due {
                    Thread.sleep(forTimeInterval: (due - now).seconds)
                    continue
                }
                // A checkout or merge under way holds the index: its files are half written.
                if gitIsBusy(), now < first + Self.longestGitWait {
                    Thread.sleep(forTimeInterval: 0.05)
                    continue
                }
                renderUnrendered()
                state.withLock { state in
                    state.dirty = false
                    state.firstChange = nil
                    state.lastChange = nil
                    state.paths = []
                }
                build(firstBuild: false)
            }
        }
    }

    /// Renders the pages of edited documents with the last build's catalog and announces
    /// them; returns what it wrote (nothing when the edit needs a build first).
    private func renderFirst(_ paths: Set<String>, with preview: PreviewState) -> [String: Digest] {
        let started = ContinuousClock.now
        guard let pages = preview.renderChanged(paths) else {
            if ProcessInfo.processInfo.environment["ERRATUM_SERVE_DEBUG"] != nil { log("no first render for \(paths.sorted())") }
            return [:]
        }
        let problemPages = server.site.replaceProblems(of: pages.diagnostics)
        server.announce(pages: Self.urlPaths(Set(pages.written.keys).union(problemPages)).sorted())
        log("rendered \(pages.written.count) page\(pages.written.count == 1 ? "" : "s") in \(Self.milliseconds(since: started)) ms; a build follows")
        return pages.written
    }

    private func build(firstBuild: Bool) {
        let started = ContinuousClock.now
        // The last build's catalog stays for pages rendered first while this one runs.
        state.withLock { $0.building = true }
        defer { state.withLock { $0.building = false } }
        do {
            let report = try Builder(options: options).build()
            state.withLock { state in
                state.preview = report.previewState
                state.onDemand = nil
            }
            let problemPages = server.site.update(documentPages: report.documentPages, diagnostics: report.diagnostics)
            var changed = Self.changedPages(report.changedFiles, problemPages: problemPages)
            // Pages shown already, and built the same, are not announced again; the others wait
            // for the build that includes their edit.
            let shown = state.withLock { $0.shown }
            var matched: Set<String> = []
            for (file, fingerprint) in shown {
                let data = FileManager.default.contents(atPath: options.outputPath.appendingPathComponent(file))
                if let data, PreviewState.fingerprint(data) == fingerprint {
                    matched.insert(file)
                    if problemPages?.contains(file) != true { changed?.subtract(Self.urlPaths([file])) }
                }
            }
            state.withLock { state in
                for file in matched where state.shown[file] == shown[file] { state.shown.removeValue(forKey: file) }
            }
            if !firstBuild, changed?.isEmpty != true { server.announce(pages: changed.map { Array($0).sorted() }) }
            let what = changed.map { "\($0.count) page\($0.count == 1 ? "" : "s") changed" } ?? "every page changed"
            log("built \(report.documents) documents in \(Self.milliseconds(since: started)) ms (\(report.rendered) rendered); \(what)"
                + (report.warnings > 0 ? "; \(report.warnings) warning\(report.warnings == 1 ? "" : "s")" : ""))
        } catch {
            if cancellation.cancelledReason != nil { return }
            let problemPages = server.site.update(documentPages: nil, diagnostics: error.diagnostics)
            if !firstBuild { server.announce(pages: problemPages.map { Array(Self.urlPaths($0)).sorted() }) }
            let errors = error.diagnostics.filter { $0.severity == .error }
            for problem in errors.prefix(5) { log(problem.description) }
            log("build failed in \(Self.milliseconds(since: started)) ms: \(errors.count) error\(errors.count == 1 ? "" : "s"); "
                + "serving the last good build, with the problems over the pages")
        }
        state.withLock { $0.builds += 1 }
    }

    /// Whether a git command holds the index of a repository the sources are in.
    private func gitIsBusy() -> Bool {
        gitFolders.contains { FileManager.default.fileExists(atPath: $0.appendingPathComponent("index.lock")) }
    }

    /// The git folders of the repositories holding `folders`: `.git` found upwards, or where a
    /// `.git` file (a worktree) points.
    static func gitFolders(of folders: [String]) -> [String] {
        var found: Set<String> = []
        for folder in folders {
            var current = URL(fileURLWithPath: folder).standardizedFileURL
            while true {
                let candidate = current.appendingPathComponent(".git").path
                var isDirectory: ObjCBool = false
                if FileManager.default.fileExists(atPath: candidate, isDirectory: &isDirectory) {
                    if isDirectory.boolValue {
                        found.insert(candidate)
                    } else if let text = try? String(contentsOfFile: candidate, encoding: .utf8), text.hasPrefix("gitdir: ") {
                        let target = text.dropFirst("gitdir: ".count).trimmingCharacters(in: .whitespacesAndNewlines)
                        found.insert(target.hasPrefix("/") ? target : current.appendingPathComponent(target).standardizedFileURL.path)
                    }
                    break
                }
                let parent = current.deletingLastPathComponent()
                if parent.path == current.path { break }
                current = parent
            }
        }
        return found.sorted()
    }

    /// The URL paths of the pages to reload, or nil for all.
    static func changedPages(_ files: [String]?, problemPages: Set<String>?) -> Set<String>? {
        guard let files, let problemPages else { return nil }
        // A stylesheet or script shows on every page.
        if files.contains(where: { $0.hasPrefix("docs/static/erratum.") }) { return nil }
        let pages = urlPaths(Set(files)).union(urlPaths(problemPages))
        return pages.count > 5_000 ? nil : pages
    }

    /// `docs/en-US/docs/Web/index.html` → `/en-US/docs/Web/`; files that are no page, none.
    static func urlPaths(_ files: Set<String>) -> Set<String> {
        Set(files.compactMap { file -> String? in
            guard file.hasPrefix("docs/"), file.hasSuffix("index.html") else { return nil }
            return "/" + file.dropFirst("docs/".count).dropLast("index.html".count)
        })
    }

    static func milliseconds(since start: ContinuousClock.Instant) -> Int {
        Int(((ContinuousClock.now - start).seconds * 1000).rounded())
    }
}

extension Duration {
    var seconds: Double {
        let parts = components
        return Double(parts.seconds) + Double(parts.attoseconds) / 1e18
    }
}
