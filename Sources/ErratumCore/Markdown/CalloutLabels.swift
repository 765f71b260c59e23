import Foundation

/// The words MDN's callouts start with, in one language.
public struct CalloutLabels: Sendable, Hashable {
    /// The kinds of callout.
    public enum Kind: Sendable, CaseIterable {
        case note, warning, callout

        /// The GFM alert marker that opens it.
        var marker: String {
            switch self {
            case .note: "[!NOTE]"
            case .warning: "[!WARNING]"
            case .callout: "[!CALLOUT]"
            }
        }

        /// The classes of MDN's wrapper.
        var classes: String {
            switch self {
            case .note: "notecard note"
            case .warning: "notecard warning"
            case .callout: "callout"
            }
        }
    }

    /// The label of a note, e.g. "Note:".
    public var note: String
    /// The label of a warning, e.g. "Warning:".
    public var warning: String

    /// Creates labels.
    public init(note: String, warning: String) {
        self.note = note
        self.warning = warning
    }

    /// MDN's English labels.
    public static let english = CalloutLabels(note: "Note:", warning: "Warning:")

    func label(for kind: Kind) -> String? {
        switch kind {
        case .note: note
        case .warning: warning
        case .callout: nil
        }
    }

    /// The kind of an older bold label (`**Note:**`), in English or this language.
    func kind(ofLegacyLabel label: String) -> Kind? {
        let folded = label.replacingOccurrences(of: "\u{00A0}", with: " ")
        if [Self.english.note, note].contains(folded) { return .note }
        if [Self.english.warning, warning].contains(folded) { return .warning }
        return nil
    }
}
