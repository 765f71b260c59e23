import ErratumBuiltIns
import Foundation

/// The templates, UI strings and site assets one run uses: the set built into Erratum, with
/// the files of an override folder in place of the built-in ones at the same path, and beside
/// them where the path is new (`strings/es.yaml` adds a language).
///
/// Paths are relative, with `/` between components: `site/page.html.mustache`.
public struct TemplateFiles: Sendable {
    /// How a file that did not come from disk is named in diagnostics and reports:
    /// `<built-in>/strings/en.yaml`.
    public static let builtInFolder = "<built-in>"

    /// The override folder, as given; nil when only built-in files are used.
    public let overrides: String?
    /// Every path, sorted: the built-in ones and the override folder's.
    public let paths: [String]
    private let builtIn: BuiltInFiles?
    private let overridden: Set<String>

    /// The built-in files, with those of `overrides` on top.
    ///
    /// - Parameters:
    ///   - overrides: a folder laid out as `templates/` is; nil for none.
    ///   - builtIn: whether the built-in files are used at all; without them, the override
    ///     folder is the whole set (tests, and the repository's own check of `templates/`).
    /// - Throws: `DiagnosticError` (`template`) when `overrides` is not a folder.
    public init(overrides: String?, builtIn: Bool = true) throws(DiagnosticError) {
        var overridden: Set<String> = []
        if let overrides {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: overrides, isDirectory: &isDirectory), isDirectory.boolValue else {
                throw DiagnosticError(.template, "templates folder '\(overrides)' does not exist")
            }
            overridden = Self.files(below: overrides)
        }
        self.init(overrides: overrides, overridden: overridden, builtIn: builtIn ? BuiltInFiles.templates : nil)
    }

    private init(overrides: String?, overridden: Set<String>, builtIn: BuiltInFiles?) {
        self.overrides = overrides
        self.overridden = overridden
        self.builtIn = builtIn
        paths = overridden.union(builtIn?.paths ?? []).sorted()
    }

    /// Only the built-in files.
    public static var builtIn: TemplateFiles {
        TemplateFiles(overrides: nil, overridden: [], builtIn: BuiltInFiles.templates)
    }

    /// Whether a file with this path exists, on disk or built in.
    public func contains(_ path: String) -> Bool {
        overridden.contains(path) || builtIn?[path] != nil
    }

    /// Whether the override folder holds this path (in place of a built-in file or beside them).
    public func isOverridden(_ path: String) -> Bool { overridden.contains(path) }

    /// Whether the built-in set has a file at this path.
    public func isBuiltIn(_ path: String) -> Bool { builtIn?[path] != nil }

    /// Where the file comes from, as diagnostics name it: the override folder's path, or
    /// `<built-in>/<path>`.
    public func location(_ path: String) -> String {
        if overridden.contains(path), let overrides { return overrides.appendingPathComponent(path) }
        return Self.builtInFolder + "/" + path
    }

    /// The bytes of a file; nil when there is no such file or it cannot be read.
    public func data(_ path: String) -> Data? {
        if overridden.contains(path), let overrides {
            return FileManager.default.contents(atPath: overrides.appendingPathComponent(path))
        }
        return builtIn?[path]?.data
    }

    /// The text of a file, as `SourceText` reads a source file.
    ///
    /// - Throws: `DiagnosticError` (`source-io`) when it cannot be read or is not UTF-8.
    public func text(_ path: String) throws(DiagnosticError) -> String {
        guard let data = data(path) else {
            throw DiagnosticError(.sourceIO, "cannot read file", at: FileLocation(file: location(path), line: 1, column: 1))
        }
        return try SourceText.decode(data, path: location(path))
    }

    /// The paths in a folder (`strings`) whose names end with a suffix (`.yaml`), sorted; not
    /// those of its subfolders.
    public func paths(in folder: String, suffix: String) -> [String] {
        let prefix = folder + "/"
        return paths.filter { $0.hasPrefix(prefix) && $0.hasSuffix(suffix) && !$0.dropFirst(prefix.count).contains("/") }
    }

    /// The regular files below a folder, relative, leaving out hidden files and editors'
    /// backups as the built-in set does (`.DS_Store`, `page.html.mustache~`), and the README
    /// at its top that `erratum init` writes there.
    static func files(below root: String) -> Set<String> {
        guard let enumerator = FileManager.default.enumerator(atPath: root) else { return [] }
        var files: Set<String> = []
        while let relative = enumerator.nextObject() as? String {
            let name = (relative as NSString).lastPathComponent
            let type = enumerator.fileAttributes?[.type] as? FileAttributeType
            if name.hasPrefix(".") || name.hasSuffix("~") {
                if type == .typeDirectory { enumerator.skipDescendants() }
                continue
            }
            if relative.hasPrefix("README") && !relative.contains("/") { continue }
            if type == .typeRegular || (type == .typeSymbolicLink && Self.isFile(root.appendingPathComponent(relative))) {
                files.insert(relative)
            }
        }
        return files
    }

    private static func isFile(_ path: String) -> Bool {
        var isDirectory: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && !isDirectory.boolValue
    }
}

extension TemplateFiles: CustomStringConvertible {
    /// "the built-in templates", or "'site-templates' and the built-in templates".
    public var description: String {
        switch (overrides, builtIn) {
        case let (overrides?, .some): "'\(overrides)' and the built-in templates"
        case let (overrides?, nil): "'\(overrides)'"
        case (nil, _): "the built-in templates"
        }
    }
}
