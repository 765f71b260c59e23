import Synchronization
/// How serious a diagnostic is.
public enum Severity: String, Sendable, Comparable, CaseIterable {
    case note
    case warning
    case error

    private var rank: Int {
        switch self {
        case .note: 0
        case .warning: 1
        case .error: 2
        }
    }

    public static func < (lhs: Severity, rhs: Severity) -> Bool { lhs.rank < rhs.rank }
}

/// A position in a source file: 1-based line and column (columns count Unicode scalars).
public struct FileLocation: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The file as the user named it (a path relative to the working folder when possible).
    public var file: String
    /// The 1-based line.
    public var line: Int
    /// The 1-based column, in Unicode scalars.
    public var column: Int

    /// Creates a location.
    public init(file: String, line: Int, column: Int) {
        self.file = file
        self.line = line
        self.column = column
    }

    public var description: String { "\(file):\(line):\(column)" }

    public static func < (lhs: FileLocation, rhs: FileLocation) -> Bool {
        (lhs.file, lhs.line, lhs.column) < (rhs.file, rhs.line, rhs.column)
    }
}

/// A stable identifier for a kind of diagnostic, printed in brackets after the message.
///
/// Codes never change once published: editors, CI filters and `--strict` rules match on them.
public struct DiagnosticCode: RawRepresentable, Sendable, Hashable, Comparable, CustomStringConvertible {
    public var rawValue: String
    /// Creates a code from its printed form.
    public init(rawValue: String) { self.rawValue = rawValue }
    public var description: String { rawValue }
    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }

    /// The front matter is missing, not closed, or not valid YAML.
    public static let frontMatter = Self(rawValue: "front-matter")
    /// A front-matter value has the wrong type, or a required key is missing.
    public static let frontMatterType = Self(rawValue: "front-matter-type")
    /// A front-matter key Erratum and MDN do not know (often a typo such as `ln10:`).
    public static let unknownKey = Self(rawValue: "unknown-front-matter-key")
    /// A source file is not valid UTF-8 or cannot be read.
    public static let sourceIO = Self(rawValue: "source-io")
    /// A symbolic link in a content root that leads back to a folder holding it; it is not
    /// followed, so the walk ends.
    public static let linkLoop = Self(rawValue: "link-loop")
    /// The content roots hold no document at all (no `<locale>/<slug>/index.md`).
    public static let noDocuments = Self(rawValue: "no-documents")
    /// Two documents claim the same locale and slug.
    public static let duplicateSlug = Self(rawValue: "duplicate-slug")
    /// A slug (or `original_slug`) that is no path below the locale: with a `..`, `.` or empty
    /// segment, or a control character. Such a page would land outside its folder.
    public static let invalidSlug = Self(rawValue: "invalid-slug")
    /// A document's folder does not match its slug.
    public static let slugPath = Self(rawValue: "slug-path-mismatch")
    /// A line of `_redirects.txt` is malformed.
    public static let redirects = Self(rawValue: "redirects")
    /// A macro Erratum does not implement.
    public static let unknownMacro = Self(rawValue: "unknown-macro")
    /// A macro call with the wrong number or type of arguments.
    public static let macroArguments = Self(rawValue: "macro-arguments")
    /// A macro call that is never closed with `}}`.
    public static let macroSyntax = Self(rawValue: "macro-syntax")
    /// A link to a docs page that exists nowhere in the content.
    public static let brokenLink = Self(rawValue: "broken-link")
    /// A link whose `#fragment` names no id on the target page.
    public static let brokenAnchor = Self(rawValue: "broken-anchor")
    /// A redirect whose target redirects again.
    public static let redirectChain = Self(rawValue: "redirect-chain")
    /// Redirects that lead back to where they started.
    public static let redirectLoop = Self(rawValue: "redirect-loop")
    /// `<script>`, an `on…=` event attribute or a `javascript:` URL in a document.
    public static let unsafeHTML = Self(rawValue: "unsafe-html")
    /// A template that does not parse or is missing.
    public static let template = Self(rawValue: "template")
    /// A UI strings file that is malformed or lacks a key.
    public static let strings = Self(rawValue: "strings")
    /// Writing the output failed.
    public static let outputIO = Self(rawValue: "output-io")
    /// Another build holds the output folder's lock, and this one was told not to wait.
    public static let outputLocked = Self(rawValue: "output-locked")
    /// A command-line setting that cannot work.
    public static let usage = Self(rawValue: "usage")
    /// The preview server cannot listen or watch (`erratum serve`).
    public static let serve = Self(rawValue: "serve")
    /// The build was stopped by a signal (SIGINT, SIGTERM) before it finished.
    public static let interrupted = Self(rawValue: "interrupted")
    /// A translation's `l10n.sourceCommit` that is no commit of the en-US history (a typo, a
    /// commit of another repository, or a shallow clone).
    public static let sourceCommitNotInHistory = Self(rawValue: "source-commit-not-in-history")
    /// Git history that could not be read (no git, not a repository); coverage says *unknown*.
    public static let gitHistory = Self(rawValue: "git-history")
    /// `erratum coverage --mark-updated` refused a file: not a translation, no English page,
    /// uncommitted English changes, or front matter it cannot edit.
    public static let markUpdated = Self(rawValue: "mark-updated")
}

/// One finding about the input: what is wrong, where, and how serious it is.
public struct Diagnostic: Sendable, Hashable, CustomStringConvertible {
    /// How serious it is; errors fail the build.
    public var severity: Severity
    /// The stable code printed in brackets.
    public var code: DiagnosticCode
    /// A sentence a user can act on.
    public var message: String
    /// Where the problem is, when it lies in a file.
    public var location: FileLocation?

    /// Creates a diagnostic.
    public init(_ severity: Severity, _ code: DiagnosticCode, _ message: String, at location: FileLocation? = nil) {
        self.severity = severity
        self.code = code
        self.message = message
        self.location = location
    }

    /// The form editors and CI parse: `path:line:col: severity: message [code]`.
    public var description: String {
        let prefix = location.map { "\($0): " } ?? ""
        return "\(prefix)\(severity.rawValue): \(message) [\(code)]"
    }
}

extension Diagnostic: Comparable {
    /// Diagnostics sort by file and position, so output is stable whatever order the work ran in.
    public static func < (lhs: Diagnostic, rhs: Diagnostic) -> Bool {
        switch (lhs.location, rhs.location) {
        case let (l?, r?) where l != r: return l < r
        case (nil, _?): return true
        case (_?, nil): return false
        default: return (lhs.code, lhs.message) < (rhs.code, rhs.message)
        }
    }
}

/// An error that carries the diagnostics explaining it.
public struct DiagnosticError: Error, Sendable, CustomStringConvertible {
    /// What went wrong; at least one has severity `error`.
    public var diagnostics: [Diagnostic]

    /// Wraps diagnostics into a throwable error.
    public init(_ diagnostics: [Diagnostic]) { self.diagnostics = diagnostics }

    /// Wraps one error-severity diagnostic.
    public init(_ code: DiagnosticCode, _ message: String, at location: FileLocation? = nil) {
        self.diagnostics = [Diagnostic(.error, code, message, at: location)]
    }

    public var description: String { diagnostics.map(\.description).joined(separator: "\n") }
}

/// Messages made from one word (a macro's name), each made once and shared by every warning
/// that says it.
final class MessageTable: Sendable {
    private let made = Mutex<[String: String]>([:])
    private let make: @Sendable (String) -> String

    init(_ make: @escaping @Sendable (String) -> String) { self.make = make }

    func message(for word: String) -> String {
        if let known = made.withLock({ $0[word] }) { return known }
        let message = make(word)
        return made.withLock { made in
            if let known = made[word] { return known }
            made[word] = message
            return message
        }
    }
}
