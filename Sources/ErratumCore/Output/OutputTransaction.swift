import CErratumSystem
import Foundation
import Synchronization

/// One build's output while it is being made: files go to disk as soon as they are made, from
/// any thread, so a build holds no page longer than it takes to write it; `commit` then swaps
/// the whole tree in at once.
///
/// Two ways to make the new tree (`OutputWriter.begin` picks one):
/// - **staged**: a new folder beside the output, every file written or hard-linked from the
///   current output, then exchanged with the output;
/// - **spare**: the build before the current one (`.Output.cache/spare`) updated in place —
///   changed files written under a temporary name and renamed over, never written into,
///   since a file may be shared with the output — then exchanged with the output.
///
/// Until `commit` the output folder itself is never touched, so a failed, stopped or killed
/// build leaves it exactly as it was.
final class OutputTransaction: Sendable {
    enum Mode: Sendable {
        /// A new folder; with `keepRetired`, the replaced output becomes the next spare.
        case staged(String, keepRetired: Bool)
        /// The spare tree, whose files the manifest lists.
        case spare(SpareManifest)
    }

    let writer: OutputWriter
    let mode: Mode
    let previous: PreviousOutput?
    /// Every file written so far, by path.
    private let written = Mutex(OutputManifest())
    /// How many files were written anew rather than taken from an earlier tree.
    private let made = Atomic<Int>(0)

    init(writer: OutputWriter, mode: Mode, previous: PreviousOutput?) {
        self.writer = writer
        self.mode = mode
        self.previous = previous
    }

    /// The paths written so far.
    var paths: Set<String> { written.withLock { Set($0.entries.keys) } }

    /// How many files were written anew rather than linked or kept from an earlier tree.
    var madeCount: Int { made.load(ordering: .relaxed) }

    /// The folder the new tree is made in.
    var root: String {
        switch mode {
        case let .staged(folder, _): folder
        case .spare: writer.spare
        }
    }

    /// Writes one file of the new build (or links it from an earlier tree when it was made from
    /// the same inputs). Safe to call from several threads at once, each with its own file.
    ///
    /// - Throws: `DiagnosticError` (`output-io`) when the path would leave the output, another
    ///   file of this build already has it, or the file system fails.
    ///
    /// - Returns: the key the manifest records for the file; without a cache, where no manifest
    ///   is kept, a zero digest, and the file's bytes are not hashed.
    @discardableResult
    func write(_ file: OutputFile) throws(DiagnosticError) -> Digest {
        try OutputWriter.validate(file.path)
        let key = keepsManifest ? file.manifestKey : Digest(high: 0, low: 0)
        let claimed = written.withLock { written in
            guard written.entries[file.path] == nil else { return false }
            // A placeholder until the file is on disk; its identity is filled in below.
            written.entries[file.path] = OutputManifest.Entry(key: key, inode: 0, size: 0,
                                                              modifiedSeconds: 0, modifiedNanoseconds: 0)
            return true
        }
        guard claimed else {
            throw DiagnosticError(.outputIO, "two files of the build would be written to \(writer.destination.appendingPathComponent(file.path))")
        }
        let entry = try make(file, key: key)
        written.withLock { $0.entries[file.path] = entry }
        return key
    }

    /// Whether the manifest is saved for the next build (a build with a cache), so that the
    /// files' keys are worth making.
    private var keepsManifest: Bool { previous != nil }

    private func make(_ file: OutputFile, key: Digest) throws(DiagnosticError) -> OutputManifest.Entry {
        let destination = writer.destination
        let shown = OutputWriter.display(destination, file.path)
        let target = root.appendingPathComponent(file.path)
        switch mode {
        case .staged:
            try OutputWriter.createFolders(of: file.path, in: root)
            if let entry = previous?.current?.intactEntry(file.path, in: destination), entry.key == key,
               link(destination.appendingPathComponent(file.path), target) == 0 {
                return entry
            }
            made.add(1, ordering: .relaxed)
            return try OutputWriter.make(file, key: key, at: target, previous: previous, shownAs: shown)
        case let .spare(spareFiles):
            if let entry = spareFiles.intactEntry(file.path, in: root), entry.key == key { return entry }
            made.add(1, ordering: .relaxed)
            // Never write into an existing file: it may be a link shared with the output.
            let temporary = OutputWriter.temporaryName(for: target)
            try OutputWriter.createFolders(of: file.path, in: root)
            var entry: OutputManifest.Entry
            if let current = previous?.current?.intactEntry(file.path, in: destination), current.key == key,
               link(destination.appendingPathComponent(file.path), temporary) == 0 {
                entry = current
            } else {
                entry = try OutputWriter.make(file, key: key, at: temporary, previous: previous, shownAs: shown)
            }
            guard rename(temporary, target) == 0 else {
                let code = errno
                unlink(temporary)
                throw OutputWriter.failure("writing", shown, errno: code)
            }
            entry.key = key
            return entry
        }
    }

    /// Swaps the new tree in as the output, keeps the replaced one as the next spare when there
    /// is a cache, and saves the manifests.
    ///
    /// - Returns: the new output's manifest.
    /// - Throws: `DiagnosticError` when the build was cancelled (nothing is swapped in) or the
    ///   file system refuses the swap.
    func commit(cancellation: BuildCancellation? = nil) throws(DiagnosticError) -> OutputManifest {
        let manifest = written.withLock { $0 }
        switch mode {
        case let .staged(staging, keepRetired):
            try cancellation?.check()
            let retired = try writer.swapIn(staging)
            if keepRetired, let retired, let current = previous?.current, rename(retired, writer.spare) == 0 {
                try writer.saveManifests(current: manifest, spare: current)
            } else {
                if let retired { FileTree.remove(retired) }
                if previous != nil { try writer.saveManifests(current: manifest, spare: nil) }
            }
        case let .spare(spareFiles):
            // Files of the spare's build that this build does not have.
            for path in spareFiles.paths where manifest.entries[path] == nil {
                let full = root.appendingPathComponent(path)
                guard unlink(full) == 0 || errno == ENOENT else { throw OutputWriter.failure("removing", full, errno: errno) }
                writer.removeEmptyFolders(above: path, in: root)
            }
            try cancellation?.check()
            if let retired = try writer.swapIn(root), retired != root {
                // Swapped by two renames: the replaced output is the next spare all the same.
                guard rename(retired, root) == 0 else { throw OutputWriter.failure("moving", retired, errno: errno) }
            }
            try writer.saveManifests(current: manifest, spare: previous?.current)
        }
        if previous != nil { unlink(writer.updatingMarker) }
        return manifest
    }

    /// Gives the build up: a staging folder is removed; a half-updated spare stays, and the
    /// marker left beside it tells the next build not to trust it. The output is untouched.
    func abandon() {
        if case let .staged(staging, _) = mode { FileTree.remove(staging) }
    }
}
