import ErratumCore
import Foundation
import Synchronization

/// `erratum serve-errors`' answers: the error page a front server asks for, in the format and
/// language its client asked for, with the real status. Made without NIO, to be tested as a
/// value.
///
/// The code comes from `X-Code` (ingress controllers' custom default backend), else from the
/// path (`/503`, `/503.json`, `/503.problem.json`, `/503.html`: Traefik's `errors` middleware
/// and Gateway API filters), else it is 404 (a default backend's answer for what no route
/// serves). A code that is no status of the build gets 500's page, with 500. The format comes
/// from the path's suffix, else from `X-Format` (the client's `Accept`, as ingress-nginx passes
/// it), else from `Accept`; the language from `Accept-Language`: `ErrorNegotiation`.
public struct ErrorService: Sendable {
    /// What is served.
    public let bodies: ErrorBodies
    /// `Retry-After` sent with 429 and 503, in seconds; nil sends none.
    public let retryAfter: Int?
    /// Every answer but its request's own parts (the `X-Request-ID` echoed, `HEAD`'s empty
    /// body), made once: `/healthz`'s first, then each code's (the codes of `bodies`, and 500)
    /// in each language, each format, with `Vary` naming `Accept` and without. A request costs
    /// finding its index, not building its answer.
    let answers: [PreviewResponse]
    /// A status' place among the codes answered, by `status - 400` (-1: none, so 500's).
    private let slots: [Int]
    /// The choices made for header values seen before: a front server's clients send a few
    /// dozen different `Accept` and `Accept-Language` values, each negotiated once.
    private let choices: NegotiationMemo

    /// `/healthz`' answer's index.
    static let health = 0

    public init(bodies: ErrorBodies, retryAfter: Int? = nil) {
        self.bodies = bodies
        self.retryAfter = retryAfter
        choices = NegotiationMemo(languages: bodies.languages)
        let codes = bodies.codes.contains(500) ? bodies.codes : bodies.codes + [500]
        var slots = [Int](repeating: -1, count: 200)
        var answers = [PreviewResponse(status: 200, headers: [("Content-Type", "text/plain; charset=utf-8"), ("Cache-Control", "no-store")],
                                       body: Array("ok\n".utf8))]
        for (slot, code) in codes.enumerated() {
            slots[code - 400] = slot
            for language in bodies.languages.isEmpty ? ["en"] : bodies.languages {
                for format in ErrorPages.Format.allCases {
                    for named in [false, true] {
                        answers.append(Self.page(code: code, language: language, format: format, named: named, bodies: bodies,
                                                 retryAfter: retryAfter))
                    }
                }
            }
        }
        for index in answers.indices {
            answers[index].headers.append(("Content-Length", String(answers[index].body.count)))
        }
        self.answers = answers
        self.slots = slots
    }

    /// Answers a request of any method (the front server forwards its client's): `HEAD`
    /// without the body.
    public func respond(method: String, target: String, headers: [(name: String, value: String)]) -> PreviewResponse {
        respond(method: method, target: target) { name in headers.first { $0.name.lowercased() == name }?.value }
    }

    /// Answers a request whose header values `header` gives by lower-case name.
    public func respond(method: String, target: String, header: (String) -> String?) -> PreviewResponse {
        var response = answers[answer(target: target, code: header("x-code"), format: header("x-format"), accept: header("accept"),
                                      language: header("accept-language"))]
        if let id = header("x-request-id"), Self.isRequestID(id) { response.headers.append(("X-Request-ID", id)) }
        if method == "HEAD" { response.body = [] }
        return response
    }

    /// The index in `answers` of the answer to a request for `target` with these header values
    /// (`X-Code`, `X-Format`, `Accept`, `Accept-Language`).
    func answer(target: String, code: String?, format: String?, accept: String?, language: String?) -> Int {
        guard let (status, named) = Self.request(target: target, code: code) else { return Self.health }
        let slot = (400..<600).contains(status) && slots[status - 400] >= 0 ? slots[status - 400] : slots[100]
        let requested = format.flatMap { $0.isEmpty ? nil : $0 } ?? accept
        let chosen = named ?? choices.format(requested)
        let languages = max(1, bodies.languages.count)
        let formats = ErrorPages.Format.allCases.count
        let place = (slot * languages + choices.language(language)) * formats + ErrorPages.Format.allCases.firstIndex(of: chosen)!
        return 1 + place * 2 + (named == nil ? 0 : 1)
    }

    /// The code asked for and, when the path names it, the format; nil for `/healthz`. A path
    /// names a code by its last segment (`/errors/503.html` as well as `/503`), and only an
    /// error status (400–599): `/users/123` is a path like any other, answered 404. Read as
    /// bytes: this runs for every request.
    static func request(target: String, code: String?) -> (code: Int, format: ErrorPages.Format?)? {
        var path = Substring(target).utf8
        if let query = path.firstIndex(of: UInt8(ascii: "?")) { path = path[..<query] }
        if path.elementsEqual("/healthz".utf8) { return nil }
        while path.last == UInt8(ascii: "/") { path = path.dropLast() }
        let name = path.lastIndex(of: UInt8(ascii: "/")).map { path[path.index(after: $0)...] } ?? path
        var named: (code: Int, format: ErrorPages.Format?)?
        if let status = Self.status(name.prefix(3)), (400...599).contains(status) {
            let suffix = name.dropFirst(3)
            if suffix.isEmpty {
                named = (status, nil)
            } else if let format = ErrorPages.Format.allCases.first(where: { suffix.elementsEqual($0.suffix.utf8) }) {
                named = (status, format)
            }
        }
        if let code {
            // A present but unreadable X-Code is a code we have no page for.
            var value = Substring(code).utf8
            while let first = value.first, first == 0x20 || first == 0x09 { value = value.dropFirst() }
            while let last = value.last, last == 0x20 || last == 0x09 { value = value.dropLast() }
            return (value.count <= 3 ? Self.status(value) ?? 0 : 0, named?.format)
        }
        return named ?? (404, nil)
    }

    /// The number that one to three ASCII digits make, else nil.
    private static func status(_ digits: Substring.UTF8View) -> Int? {
        guard (1...3).contains(digits.count) else { return nil }
        var value = 0
        for byte in digits {
            guard (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) else { return nil }
            value = value * 10 + Int(byte - UInt8(ascii: "0"))
        }
        return value
    }

    /// `code`'s page in `language` and `format`; `named`: the path named the format, so only
    /// the language varies.
    private static func page(code: Int, language: String, format: ErrorPages.Format, named: Bool, bodies: ErrorBodies,
                             retryAfter: Int?) -> PreviewResponse {
        guard let body = bodies.bytes(code, language: language, format: format) else {
            return PreviewResponse(status: code, headers: [("Content-Type", "text/plain; charset=utf-8"), ("Cache-Control", "no-store")],
                                   body: Array("\(code) \(HTTPStatusRegistry.reason(for: code) ?? "Error")\n".utf8))
        }
        var headers: [(name: String, value: String)] = [
            ("Content-Type", format.mediaType), ("Content-Language", language),
            ("Vary", named ? "Accept-Language" : "Accept, Accept-Language"), ("Cache-Control", "no-store"),
        ]
        if let retryAfter, code == 429 || code == 503 { headers.append(("Retry-After", String(retryAfter))) }
        return PreviewResponse(status: code, headers: headers, body: body)
    }

    /// An `X-Request-ID` worth echoing: up to 200 visible ASCII characters.
    static func isRequestID(_ value: String) -> Bool {
        !value.isEmpty && value.utf8.count <= 200 && value.utf8.allSatisfy { $0 > 0x20 && $0 < 0x7F }
    }
}

/// `ErrorNegotiation`'s answers for the header values seen, up to a few thousand of each (then
/// forgotten all at once, so that a client sending a new value each time costs no more than
/// negotiating).
final class NegotiationMemo: Sendable {
    private struct Seen {
        var formats: [String: ErrorPages.Format] = [:]
        var languages: [String: Int] = [:]
    }

    static let capacity = 4096
    /// The languages chosen among, the first the one when none is accepted.
    let languages: [String]
    private let seen = Mutex(Seen())

    init(languages: [String]) {
        self.languages = languages
    }

    func format(_ accept: String?) -> ErrorPages.Format {
        guard let accept else { return .html }
        if let known = seen.withLock({ $0.formats[accept] }) { return known }
        let format = ErrorNegotiation.format(accept)
        seen.withLock { seen in
            if seen.formats.count >= Self.capacity { seen.formats.removeAll() }
            seen.formats[accept] = format
        }
        return format
    }

    /// The index in `languages` of the language for `header`, 0 when none is accepted.
    func language(_ header: String?) -> Int {
        guard let header else { return 0 }
        if let known = seen.withLock({ $0.languages[header] }) { return known }
        let language = ErrorNegotiation.language(header, among: languages).flatMap { languages.firstIndex(of: $0) } ?? 0
        seen.withLock { seen in
            if seen.languages.count >= Self.capacity { seen.languages.removeAll() }
            seen.languages[header] = language
        }
        return language
    }
}
