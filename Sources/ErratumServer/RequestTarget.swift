/// What a request's target names, once decoded and checked: a file of the served site, one
/// of the preview's own resources, or nothing that may be served.
public enum RequestTarget: Equatable, Sendable {
    /// A path inside the site (`docs/` of the output): its decoded segments, and whether the
    /// target ended with `/`.
    case site([String], trailingSlash: Bool)
    /// A path inside the error pages (`errors/` of the output), served at `/.erratum/`, where
    /// the nginx and Apache configs put them.
    case errors([String], trailingSlash: Bool)
    /// The live-reload event stream.
    case events
    /// The live-reload script.
    case script
    /// A target that can name no file of the site: `..` or `.` segments, an encoded `/` or
    /// NUL, a backslash — answered 404, as a path that is not there.
    case outside
    /// A target that is not a path at all (bad percent-encoding, not starting with `/`):
    /// answered 400.
    case malformed

    /// The preview's own prefix: no file of the site starts with a dot.
    static let previewPrefix = ".erratum-serve"

    /// Decodes and checks a request target (`/en-US/docs/Web/?q=1`).
    public init(_ target: String) {
        var path = Substring(target)
        if let end = path.firstIndex(where: { $0 == "?" || $0 == "#" }) { path = path[..<end] }
        guard path.hasPrefix("/") else {
            self = .malformed
            return
        }
        let trailingSlash = path.count > 1 && path.hasSuffix("/")
        var segments: [String] = []
        for raw in path.split(separator: "/", omittingEmptySubsequences: true) {
            guard let segment = Self.percentDecoded(raw) else {
                self = .malformed
                return
            }
            if segment == "." || segment == ".." || segment.contains("/") || segment.contains("\\") || segment.contains("\0") {
                self = .outside
                return
            }
            segments.append(segment)
        }
        switch segments.first {
        case Self.previewPrefix:
            switch Array(segments.dropFirst()) {
            case ["events"]: self = .events
            case ["reload.js"]: self = .script
            default: self = .outside
            }
        case ".erratum":
            self = .errors(Array(segments.dropFirst()), trailingSlash: trailingSlash)
        default:
            self = .site(segments, trailingSlash: trailingSlash)
        }
    }

    /// `%XX` decoded as UTF-8; nil when an escape is cut short, not hex, or the bytes are not
    /// UTF-8.
    static func percentDecoded(_ text: Substring) -> String? {
        guard text.contains("%") else { return String(text) }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.utf8.count)
        var iterator = text.utf8.makeIterator()
        while let byte = iterator.next() {
            guard byte == UInt8(ascii: "%") else {
                bytes.append(byte)
                continue
            }
            guard let high = iterator.next().flatMap(hexValue), let low = iterator.next().flatMap(hexValue) else { return nil }
            bytes.append(high << 4 | low)
        }
        return String(validating: bytes, as: UTF8.self)
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
