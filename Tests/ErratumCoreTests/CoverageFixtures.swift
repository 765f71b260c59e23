import Foundation
import Testing
@testable import ErratumCore

/// A git repository in a temporary folder, written to with the `git` command line at fixed
/// dates (one day apart from 2024-01-01), so hashes and dates are the same on every run.
///
/// Without git every use throws, and the test that needed it fails: coverage tests never skip.
struct GitFixture {
    /// The work tree.
    let root: String
    /// Commits made so far, oldest first.
    private(set) var commits: [String] = []

    /// Creates an empty repository on branch `main`.
    init(at root: String) throws {
        self.root = root
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        try git("init", "-q", "-b", "main")
        try git("config", "user.name", "Erratum Tests")
        try git("config", "user.email", "tests@erratum.invalid")
        try git("config", "commit.gpgsign", "false")
    }

    /// Runs git in the work tree and returns what it printed, trimmed.
    ///
    /// - Throws: `FixtureError` when git cannot run or fails.
    @discardableResult
    func git(_ arguments: String..., date: Int = 0) throws -> String {
        try Self.run(arguments, in: root, date: date)
    }

    static func run(_ arguments: [String], in folder: String, date: Int = 0) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["git", "-C", folder] + arguments
        var environment = ProcessInfo.processInfo.environment.filter { !GitCommand.repositoryVariables.contains($0.key) }
        let stamp = "\(1_704_067_200 + date * 86_400) +0000"
        environment["GIT_AUTHOR_DATE"] = stamp
        environment["GIT_COMMITTER_DATE"] = stamp
        environment["GIT_CONFIG_NOSYSTEM"] = "1"
        environment["GIT_CONFIG_GLOBAL"] = "/dev/null"
        process.environment = environment
        let output = Pipe(), errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        do {
            try process.run()
        } catch {
            throw FixtureError("git cannot be started (the coverage tests need the git command line): \(error)")
        }
        let data = output.fileHandleForReading.readDataToEndOfFile()
        let message = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw FixtureError("git \(arguments.joined(separator: " ")) failed (\(process.terminationStatus)): "
                               + String(decoding: message, as: UTF8.self))
        }
        return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Writes, moves and removes files, commits them all, and returns the commit's hash.
    @discardableResult
    mutating func commit(_ message: String, write files: [String: String] = [:], move: [(String, String)] = [],
                         remove: [String] = []) throws -> String {
        for (from, to) in move {
            try FileManager.default.createDirectory(atPath: ((root + "/" + to) as NSString).deletingLastPathComponent,
                                                    withIntermediateDirectories: true)
            try git("mv", from, to)
        }
        try TestSupport.write(files, under: root)
        for path in remove { try git("rm", "-q", path) }
        try git("add", "-A")
        try git("commit", "-q", "-m", message, date: commits.count + 1)
        let hash = try git("rev-parse", "HEAD")
        commits.append(hash)
        return hash
    }
}

struct FixtureError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// MDN-style documents for the coverage tests.
enum CoverageDocs {
    /// An `index.md`: front matter, then the body (which starts on line `bodyLine`).
    static func page(_ title: String, slug: String, sourceCommit: String? = nil, originalSlug: String? = nil,
                     body: String) -> String {
        var lines = ["---", "title: \(title)", "slug: \(slug)"]
        if let originalSlug { lines.append("original_slug: \(originalSlug)") }
        if let sourceCommit { lines += ["l10n:", "  sourceCommit: \(sourceCommit)"] }
        lines.append("---")
        return lines.joined(separator: "\n") + "\n\n" + body
    }

    /// A body with the given headings (`## A`), each followed by a line of prose.
    static func sections(_ names: [String], extra: String = "") -> String {
        "Intro.\n\n" + names.map { "## \($0)\n\nText about \($0).\n" }.joined(separator: "\n") + extra
    }

    /// The page of a report for a locale and slug.
    static func page(_ report: CoverageReport, _ locale: String, _ slug: String) throws -> TranslatedPage {
        let coverage = try #require(report.locales.first { $0.locale.tag == locale }, "no locale \(locale)")
        return try #require(coverage.pages.first { $0.translation.slug == slug }, "no page \(slug) in \(locale)")
    }

    static func locale(_ report: CoverageReport, _ locale: String) throws -> LocaleCoverage {
        try #require(report.locales.first { $0.locale.tag == locale }, "no locale \(locale)")
    }
}

/// A small JSON Schema checker for the keywords `coverage.schema.json` uses: type, const, enum,
/// properties, required, additionalProperties (false), items, minimum, maximum, $ref to $defs.
struct SchemaChecker {
    let root: [String: Any]

    func problems(_ value: Any, against schema: [String: Any], at path: String = "$") -> [String] {
        var schema = schema
        if let reference = schema["$ref"] as? String {
            let name = reference.replacingOccurrences(of: "#/$defs/", with: "")
            guard let definitions = root["$defs"] as? [String: Any], let target = definitions[name] as? [String: Any] else {
                return ["\(path): unknown $ref \(reference)"]
            }
            schema = target
        }
        var found: [String] = []
        if let constant = schema["const"], !Self.equal(constant, value) { found.append("\(path): is not \(constant)") }
        if let options = schema["enum"] as? [Any], !options.contains(where: { Self.equal($0, value) }) {
            found.append("\(path): \(value) is not one of \(options)")
        }
        if let type = schema["type"] {
            let types = (type as? [String]) ?? [(type as? String) ?? ""]
            if !types.contains(where: { Self.has(value, type: $0) }) { found.append("\(path): \(value) is not \(types)") }
        }
        if let number = value as? NSNumber, !Self.isBoolean(value) {
            if let minimum = schema["minimum"] as? Double, number.doubleValue < minimum { found.append("\(path): below \(minimum)") }
            if let maximum = schema["maximum"] as? Double, number.doubleValue > maximum { found.append("\(path): above \(maximum)") }
        }
        if let object = value as? [String: Any] {
            let properties = schema["properties"] as? [String: Any] ?? [:]
            for key in schema["required"] as? [String] ?? [] where object[key] == nil { found.append("\(path): lacks \(key)") }
            if schema["additionalProperties"] as? Bool == false {
                for key in object.keys where properties[key] == nil { found.append("\(path): has unexpected \(key)") }
            }
            for (key, child) in object {
                if let childSchema = properties[key] as? [String: Any] {
                    found += problems(child, against: childSchema, at: "\(path).\(key)")
                }
            }
        }
        if let array = value as? [Any], let items = schema["items"] as? [String: Any] {
            for (index, item) in array.enumerated() { found += problems(item, against: items, at: "\(path)[\(index)]") }
        }
        return found
    }

    static func has(_ value: Any, type: String) -> Bool {
        let isBool = isBoolean(value)
        switch type {
        case "null": return value is NSNull
        case "boolean": return isBool
        case "integer": return !isBool && (value as? NSNumber).map { $0.doubleValue.rounded() == $0.doubleValue } == true
        case "number": return !isBool && value is NSNumber
        case "string": return value is String
        case "array": return value is [Any]
        case "object": return value is [String: Any]
        default: return false
        }
    }

    /// JSONSerialization gives booleans as NSNumbers whose C type is `char`.
    static func isBoolean(_ value: Any) -> Bool {
        (value as? NSNumber).map { String(cString: $0.objCType) == "c" } ?? false
    }

    static func equal(_ a: Any, _ b: Any) -> Bool {
        if a is NSNull || b is NSNull { return a is NSNull && b is NSNull }
        if let a = a as? String, let b = b as? String { return a == b }
        if let a = a as? NSNumber, let b = b as? NSNumber { return a == b }
        return false
    }
}
