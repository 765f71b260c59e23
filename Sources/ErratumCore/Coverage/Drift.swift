/// One way a translation's structure differs from its English source, with the lines
/// concerned in both files.
public struct Drift: Sendable, Hashable {
    /// What differs.
    public enum Kind: String, Sendable, Hashable, CaseIterable {
        /// The heading sequence (levels, in order).
        case sections
        /// The fenced code blocks (their number and languages, in order).
        case codeBlocks = "code-blocks"
        /// How often each macro is called.
        case macros
        /// How often each link target is linked.
        case links
    }

    /// What differs.
    public let kind: Kind
    /// What it concerns: `headings`, `code blocks`, a macro's name, a link's target.
    public let subject: String
    /// A sentence saying how it differs.
    public let message: String
    /// Lines of the English source that have no counterpart in the translation.
    public let sourceLines: [Int]
    /// Lines of the translation that have no counterpart in the source.
    public let translationLines: [Int]
}

/// A translation's outline against its source's.
struct OutlineComparison: Sendable {
    /// Every difference, sections first.
    let drift: [Drift]
    /// Headings in the source.
    let sourceHeadings: Int
    /// Headings in the translation.
    let translationHeadings: Int
    /// Source headings the translation has a counterpart for, in order.
    let matchedHeadings: Int

    /// Whether sections of the source are missing from the translation: it has fewer headings.
    var isPartial: Bool { translationHeadings < sourceHeadings }

    /// The share of the source's headings the translation has, 1 when the source has none.
    var translatedShare: Double {
        sourceHeadings == 0 ? 1 : Double(matchedHeadings) / Double(sourceHeadings)
    }

    init(source: DocumentOutline, translation: DocumentOutline) {
        var drift: [Drift] = []
        let headings = Self.align(source.headings.map(\.name), translation.headings.map(\.name))
        sourceHeadings = source.headings.count
        translationHeadings = translation.headings.count
        matchedHeadings = headings.matched
        if !headings.onlyInFirst.isEmpty || !headings.onlyInSecond.isEmpty {
            drift.append(Drift(
                kind: .sections, subject: "headings",
                message: "the source has \(Self.count(source.headings.count, "heading")) (\(Self.levels(source.headings))), "
                    + "the translation \(translation.headings.count) (\(Self.levels(translation.headings)))",
                sourceLines: headings.onlyInFirst.map { source.headings[$0].line },
                translationLines: headings.onlyInSecond.map { translation.headings[$0].line }))
        }
        let blocks = Self.align(source.codeBlocks.map(\.name), translation.codeBlocks.map(\.name))
        if !blocks.onlyInFirst.isEmpty || !blocks.onlyInSecond.isEmpty {
            drift.append(Drift(
                kind: .codeBlocks, subject: "code blocks",
                message: "the source has \(Self.count(source.codeBlocks.count, "code block")), the translation \(translation.codeBlocks.count)"
                    + (source.codeBlocks.count == translation.codeBlocks.count ? ", in other languages" : ""),
                sourceLines: blocks.onlyInFirst.map { source.codeBlocks[$0].line },
                translationLines: blocks.onlyInSecond.map { translation.codeBlocks[$0].line }))
        }
        drift += Self.countDrift(.macros, source.macros, translation.macros) { name, inSource, inTranslation in
            "macro '\(name)' is called \(Self.times(inSource)) in the source, \(Self.times(inTranslation)) in the translation"
        }
        drift += Self.countDrift(.links, source.links, translation.links) { target, inSource, inTranslation in
            "'\(target)' is linked \(Self.times(inSource)) in the source, \(Self.times(inTranslation)) in the translation"
        }
        self.drift = drift
    }

    /// One drift per name whose count differs; each lists every line of that name on both sides.
    private static func countDrift(_ kind: Drift.Kind, _ source: [DocumentOutline.Mark], _ translation: [DocumentOutline.Mark],
                                   message: (String, Int, Int) -> String) -> [Drift] {
        let inSource = Dictionary(grouping: source, by: \.name)
        let inTranslation = Dictionary(grouping: translation, by: \.name)
        return Set(inSource.keys).union(inTranslation.keys).sorted().compactMap { name in
            let here = inSource[name] ?? [], there = inTranslation[name] ?? []
            guard here.count != there.count else { return nil }
            return Drift(kind: kind, subject: name, message: message(name, here.count, there.count),
                         sourceLines: here.map(\.line), translationLines: there.map(\.line))
        }
    }

    /// The longest common subsequence of two short sequences: how many items match, and the
    /// positions of those that do not.
    static func align(_ first: [String], _ second: [String]) -> (matched: Int, onlyInFirst: [Int], onlyInSecond: [Int]) {
        let rows = first.count, columns = second.count
        var lengths = [[Int]](repeating: [Int](repeating: 0, count: columns + 1), count: rows + 1)
        for row in stride(from: rows - 1, through: 0, by: -1) {
            for column in stride(from: columns - 1, through: 0, by: -1) {
                lengths[row][column] = first[row] == second[column]
                    ? lengths[row + 1][column + 1] + 1
                    : max(lengths[row + 1][column], lengths[row][column + 1])
            }
        }
        var onlyInFirst: [Int] = [], onlyInSecond: [Int] = []
        var row = 0, column = 0
        while row < rows, column < columns {
            if first[row] == second[column] {
                row += 1
                column += 1
            } else if lengths[row + 1][column] >= lengths[row][column + 1] {
                onlyInFirst.append(row)
                row += 1
            } else {
                onlyInSecond.append(column)
                column += 1
            }
        }
        onlyInFirst += Array(row..<rows)
        onlyInSecond += Array(column..<columns)
        return (lengths[0][0], onlyInFirst, onlyInSecond)
    }

    private static func levels(_ headings: [DocumentOutline.Mark]) -> String {
        let counts = Dictionary(grouping: headings, by: \.name).mapValues(\.count)
        let text = counts.keys.sorted().map { "\(counts[$0] ?? 0) \($0)" }.joined(separator: ", ")
        return text.isEmpty ? "none" : text
    }

    private static func count(_ number: Int, _ noun: String) -> String {
        "\(number) \(noun)\(number == 1 ? "" : "s")"
    }

    private static func times(_ number: Int) -> String {
        number == 1 ? "once" : "\(number) times"
    }
}
