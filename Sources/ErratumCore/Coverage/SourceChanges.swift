import Foundation

/// What changed in a translation's English source since the translation was made: the English
/// file at the translation's `l10n.sourceCommit` (under the path it had then, renames followed)
/// against the file as its newest commit left it, with each hunk placed in the translation.
public struct SourceChanges: Sendable, Hashable {
    /// The commit the translation was made from (full hash).
    public let from: String
    /// The English file's path at `from`, relative to its repository (differs from `path`
    /// across a rename); nil when the file did not exist yet.
    public let fromPath: String?
    /// The newest commit that changed the English file (full hash).
    public let to: String
    /// The English file's path now, relative to its repository.
    public let path: String
    /// The lines that changed.
    public let diff: TextDiff
    /// Where each hunk of `diff` falls, in the English text and in the translation.
    public let places: [SectionPlace]
}

/// The section a hunk of the English changes falls in, and the translation's counterpart of
/// that section: where the translator makes the change.
public struct SectionPlace: Sendable, Hashable {
    /// The English section: a heading's title, `front matter`, or `introduction` (before the
    /// first heading).
    public let english: String
    /// The translation's counterpart (a heading's title, `front matter`, `introduction`).
    public let translation: String
    /// The translation's file line where that section starts.
    public let translationLine: Int
    /// Whether the English section itself has that counterpart; false when it has none (a
    /// section added in English, or not translated), so the place given is the nearest
    /// section before it that has one.
    public let isExact: Bool
}

/// Reads the English changes of many translations at once: one `git cat-file --batch` per
/// repository for every old and new English text, then a diff per page.
enum SourceChangesReader {
    /// One page to read.
    struct Request: Sendable {
        let translation: Document
        let source: Document
    }

    /// The changes of each request, in order, or why there are none (a sentence).
    static func read(_ requests: [Request], history: ContentHistory) -> [Result<SourceChanges, Unavailable>] {
        struct Planned: Sendable {
            let top: String
            let from: String
            let fromPath: String?
            let to: String
            let path: String
        }
        var plans: [Result<Planned, Unavailable>] = []
        var ancestries: [String: [Int: Ancestry]] = [:]
        for request in requests {
            guard let name = request.translation.frontMatter.sourceCommit?.trimmingCharacters(in: .whitespaces), !name.isEmpty else {
                plans.append(.failure(Unavailable("the translation has no l10n.sourceCommit")))
                continue
            }
            guard let (repository, path) = history.file(of: request.source) else {
                plans.append(.failure(Unavailable(history.unavailableReason ?? "the English file has no git history")))
                continue
            }
            let graph = repository.graph
            guard let commit = graph.commit(named: name) else {
                plans.append(.failure(Unavailable("l10n.sourceCommit '\(name)' is not a commit of the English history")))
                continue
            }
            guard let changes = repository.changes[path], let newest = changes.first else {
                plans.append(.failure(Unavailable("the English file has no commit")))
                continue
            }
            let top = repository.location.top
            let ancestry = ancestries[top]?[commit] ?? graph.ancestry(of: commit)
            ancestries[top, default: [:]][commit] = ancestry
            // The newest change the translation's commit already holds names the file as it
            // was then; none means the file came later.
            let fromPath = changes.first { ancestry.contains($0.commit) }?.path
            plans.append(.success(Planned(top: top, from: graph.commits[commit].hash, fromPath: fromPath,
                                          to: graph.commits[newest.commit].hash, path: path)))
        }

        // Every text needed, read in one batch per repository.
        var texts: [String: [String: String]] = [:]
        var names: [String: [String]] = [:]
        for case let .success(plan) in plans {
            if let fromPath = plan.fromPath { names[plan.top, default: []].append("\(plan.from):\(fromPath)") }
            names[plan.top, default: []].append("\(plan.to):\(plan.path)")
        }
        var failures: [String: String] = [:]
        for (top, wanted) in names {
            do throws(GitError) {
                texts[top] = try blobs(Array(Set(wanted)).sorted(), in: top)
            } catch {
                failures[top] = "the English texts could not be read: \(error)"
            }
        }

        let read = texts, failed = failures, planned = plans
        // `Parallel.map` rethrows only what the transform throws: nothing here.
        return (try? Parallel.map(Array(requests.indices)) { index -> Result<SourceChanges, Unavailable> in
            let plan: Planned
            switch planned[index] {
            case let .failure(reason): return .failure(reason)
            case let .success(found): plan = found
            }
            if let failure = failed[plan.top] { return .failure(Unavailable(failure)) }
            guard let new = read[plan.top]?["\(plan.to):\(plan.path)"] else {
                return .failure(Unavailable("the English file at \(plan.to.prefix(10)) could not be read"))
            }
            let old = plan.fromPath.flatMap { read[plan.top]?["\(plan.from):\($0)"] }
            if plan.fromPath != nil, old == nil {
                return .failure(Unavailable("the English file at \(plan.from.prefix(10)) could not be read"))
            }
            let diff = TextDiff(old: old ?? "", new: new)
            return .success(SourceChanges(from: plan.from, fromPath: plan.fromPath, to: plan.to, path: plan.path, diff: diff,
                                          places: places(of: diff, oldText: old ?? "", translation: requests[index].translation)))
        }) ?? []
    }

    /// Why a page has no English changes to show.
    struct Unavailable: Error, Sendable, Hashable {
        let reason: String
        init(_ reason: String) { self.reason = reason }
    }

    /// The contents of `names` (`commit:path`) in the repository at `top`, by name; a name
    /// git does not find is left out.
    ///
    /// - Throws: `GitError` when git cannot run or fails.
    static func blobs(_ names: [String], in top: String) throws(GitError) -> [String: String] {
        let input = Data(names.map { $0 + "\n" }.joined().utf8)
        let output = try GitCommand(folder: top).run(["cat-file", "--batch"], input: input)
        var result: [String: String] = [:]
        var offset = output.startIndex
        for name in names {
            guard let lineEnd = output[offset...].firstIndex(of: UInt8(ascii: "\n")) else { break }
            let header = output[offset..<lineEnd].split(separator: UInt8(ascii: " "))
            offset = output.index(after: lineEnd)
            // `<oid> blob <size>` then the bytes and a newline; `<name> missing` alone.
            guard header.count == 3, header[1].elementsEqual("blob".utf8),
                  let size = Int(String(decoding: header[2], as: UTF8.self)), output.distance(from: offset, to: output.endIndex) >= size else {
                continue
            }
            let end = output.index(offset, offsetBy: size)
            result[name] = String(decoding: output[offset..<end], as: UTF8.self)
            offset = end < output.endIndex ? output.index(after: end) : end
        }
        return result
    }

    /// Each hunk's place: the English section holding its first changed line (in the old text,
    /// which the translation was made from), and that section's counterpart in the translation
    /// by the heading alignment drift detection uses.
    static func places(of diff: TextDiff, oldText: String, translation: Document) -> [SectionPlace] {
        let oldLines = TextDiff.lines(of: oldText)
        let oldBodyLine = bodyLine(of: oldLines)
        let oldBody = oldLines.dropFirst(oldBodyLine - 1).joined(separator: "\n")
        let english = DocumentOutline(body: oldBody, bodyLine: oldBodyLine) { _ in nil }.headings
        let translated = DocumentOutline(body: translation.body, bodyLine: translation.bodyLine) { _ in nil }.headings
        let translationLines = TextDiff.lines(of: translation.body)
        let aligned = OutlineComparison.align(english.map(\.name), translated.map(\.name))
        let englishMatched = english.indices.filter { !aligned.onlyInFirst.contains($0) }
        let translationMatched = translated.indices.filter { !aligned.onlyInSecond.contains($0) }
        let counterpart = Dictionary(uniqueKeysWithValues: zip(englishMatched, translationMatched))

        func englishTitle(_ index: Int) -> String { headingTitle(oldLines[english[index].line - 1]) }
        func translationPlace(_ index: Int) -> (String, Int) {
            let line = translated[index].line
            let text = translationLines.indices.contains(line - translation.bodyLine) ? translationLines[line - translation.bodyLine] : ""
            return (headingTitle(text), line)
        }
        return diff.hunks.map { hunk in
            let line = hunk.firstChangedOldLine
            if line >= 1, line < oldBodyLine {
                return SectionPlace(english: "front matter", translation: "front matter", translationLine: 1, isExact: true)
            }
            guard let section = english.lastIndex(where: { $0.line <= line }) else {
                return SectionPlace(english: "introduction", translation: "introduction", translationLine: translation.bodyLine,
                                    isExact: true)
            }
            if let match = counterpart[section] {
                let (title, line) = translationPlace(match)
                return SectionPlace(english: englishTitle(section), translation: title, translationLine: line, isExact: true)
            }
            if let nearest = (0..<section).last(where: { counterpart[$0] != nil }), let match = counterpart[nearest] {
                let (title, line) = translationPlace(match)
                return SectionPlace(english: englishTitle(section), translation: title, translationLine: line, isExact: false)
            }
            return SectionPlace(english: englishTitle(section), translation: "introduction", translationLine: translation.bodyLine,
                                isExact: false)
        }
    }

    /// The file line a text's body starts on: after its front matter, when it has one.
    static func bodyLine(of lines: [Substring]) -> Int {
        guard lines.first?.trimmingCharacters(in: .whitespaces) == "---" else { return 1 }
        for index in lines.indices.dropFirst() where lines[index].trimmingCharacters(in: .whitespaces) == "---" {
            return index + 2
        }
        return 1
    }

    /// `## Examples ##` → `Examples`.
    static func headingTitle(_ line: Substring) -> String {
        var title = line.drop { $0 == " " || $0 == "\t" }.drop { $0 == "#" }.trimmingCharacters(in: .whitespaces)
        if let closing = title.lastIndex(where: { $0 != "#" }), closing < title.index(before: title.endIndex),
           title[closing] == " " || title[closing] == "\t" {
            title = String(title[...closing]).trimmingCharacters(in: .whitespaces)
        }
        return title
    }
}

extension SourceChanges {
    /// The changes as JSON (`changes` in `coverage.json`, and what the HTML report renders a
    /// diff from): hunks with both sides' line numbers, each line's kind and text and the UTF-16
    /// ranges of its changed words, and each hunk's place. `<` is escaped, so the same text
    /// can sit inside a `<script>` element.
    func json(translationFile: String) -> String {
        var out = "{\"from\": \(Self.string(from)), \"fromPath\": \(fromPath.map(Self.string) ?? "null"), "
        out += "\"to\": \(Self.string(to)), \"path\": \(Self.string(path)), \"translationFile\": \(Self.string(translationFile)), "
        out += "\"added\": \(diff.added), \"removed\": \(diff.removed), \"hunks\": ["
        for (index, (hunk, place)) in zip(diff.hunks, places).enumerated() {
            if index > 0 { out += ", " }
            out += "{\"oldStart\": \(hunk.oldStart), \"oldLines\": \(hunk.oldCount), \"newStart\": \(hunk.newStart), "
            out += "\"newLines\": \(hunk.newCount), \"section\": {\"english\": \(Self.string(place.english)), "
            out += "\"translation\": \(Self.string(place.translation)), \"translationLine\": \(place.translationLine), "
            out += "\"exact\": \(place.isExact)}, \"lines\": ["
            for (position, line) in hunk.lines.enumerated() {
                if position > 0 { out += ", " }
                let kind = switch line.kind {
                case .context: "context"
                case .removed: "removed"
                case .added: "added"
                }
                out += "{\"kind\": \"\(kind)\", \"old\": \(line.oldNumber.map(String.init) ?? "null"), "
                out += "\"new\": \(line.newNumber.map(String.init) ?? "null"), \"text\": \(Self.string(line.text)), \"words\": ["
                out += line.words.map { "[\($0.lowerBound), \($0.upperBound)]" }.joined(separator: ", ") + "]}"
            }
            out += "]}"
        }
        return out + "]}"
    }

    /// A JSON string literal that is also safe inside HTML's `<script>`.
    static func string(_ text: String) -> String {
        "\"" + JSONContentType().escapeText(text) + "\""
    }
}
