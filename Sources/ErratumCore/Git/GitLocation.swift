import Foundation

/// Where a folder lies in a git work tree.
public struct GitLocation: Sendable, Hashable {
    /// The top folder of the work tree, as git prints it (absolute, symbolic links resolved).
    public let top: String
    /// The folder's path relative to `top`: empty at the top, else ending in `/`.
    public let prefix: String
    /// Whether the clone is shallow, so that its oldest commits are missing.
    public let isShallow: Bool

    /// Creates a location.
    public init(top: String, prefix: String, isShallow: Bool) {
        self.top = top
        self.prefix = prefix
        self.isShallow = isShallow
    }

    /// Asks git where `folder` lies: one `git rev-parse`, looking no higher than the folders of
    /// `ceiling` (as `GIT_CEILING_DIRECTORIES`: a repository above them is not found).
    ///
    /// - Throws: `GitError.unavailable` without git, `GitError.failed` when the folder is in no
    ///   work tree.
    public static func of(_ folder: String, ceiling: [String] = []) throws(GitError) -> GitLocation {
        let data = try GitCommand(folder: folder, ceiling: ceiling).run(["rev-parse", "--show-toplevel", "--show-prefix", "--is-shallow-repository"])
        let lines = String(decoding: data, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        guard lines.count >= 3 else {
            throw .failed(arguments: ["rev-parse"], status: 0, message: "unexpected answer '\(lines.joined(separator: "|"))'")
        }
        return GitLocation(top: lines[0], prefix: lines[1], isShallow: lines[2] == "true")
    }
}
