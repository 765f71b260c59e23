import Foundation

/// What each server must answer to any `Accept` and `Accept-Language`, worked out here from
/// the rules the README states, never from the generated configuration.
///
/// nginx's `map` cannot weigh q-values, so it takes the first language and the first media
/// type it can serve in the order the client lists them, skipping `q=0`. Apache weighs them
/// with mod_negotiation's own algorithm: the media type's q times the variant's source quality
/// (HTML 1.0, JSON 0.9), then the language's q, then `LanguagePriority` on a tie, with
/// Apache's documented fiddle for lists without q-values (`*/*` counts as 0.01, `type/*` as
/// 0.02). Neither refuses: what accepts none of our languages gets the default one, and
/// what accepts none of our types (a wildcard's `q=0` counts for nothing) gets HTML.
enum NegotiationModel {
    enum Server: String, CaseIterable, CustomStringConvertible {
        /// RFC 9110 negotiation as the README states it for `erratum serve-errors`: the most
        /// specific range decides each candidate's weight (the first of equals), `q=0` refuses,
        /// the heaviest wins, a tie goes to the item the client wrote first, then to our order.
        case nginx, apache, exact
        var description: String { rawValue }
    }

    /// The languages of the build, the default first; Apache breaks ties between languages of
    /// equal weight in this order (its `LanguagePriority`: the default, then by file name).
    static let languagePriority = ["en", "de", "fr"]

    /// One item of a header list: its value in lower case and its weight.
    struct Item {
        let value: String
        let q: Float
        let hasWeight: Bool
    }

    /// Reads a header the way RFC 9110 writes lists: `value;param=x;q=0.5, value2`.
    static func items(_ header: String) -> [Item] {
        header.split(separator: ",").compactMap { item in
            let parts = item.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
            guard let value = parts.first, !value.isEmpty else { return nil }
            var q: Float = 1
            var hasWeight = false
            for parameter in parts.dropFirst() {
                let pair = parameter.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
                if pair.count == 2, pair[0].lowercased() == "q", let weight = Float(pair[1]) {
                    q = weight
                    hasWeight = true
                }
            }
            return Item(value: value.lowercased(), q: q, hasWeight: hasWeight)
        }
    }

    /// The primary subtag: `fr-CA` counts for `fr`, as the README promises.
    static func primary(_ tag: String) -> String {
        String(tag.split(separator: "-", maxSplits: 1).first ?? "")
    }

    /// The language `server` must answer in.
    static func language(_ header: String?, server: Server) -> String {
        let listed = items(header ?? "")
        switch server {
        case .nginx:
            return listed.first { $0.q > 0 && languagePriority.contains(primary($0.value)) }
                .map { primary($0.value) } ?? languagePriority[0]
        case .exact:
            // Rank every item against every language; the best rank decides the weight.
            var best: (language: String, q: Float, position: Int)?
            for language in languagePriority {
                var deciding: (rank: Int, q: Float, position: Int)?
                for (position, item) in listed.enumerated() {
                    let rank = item.value == language ? 3 : item.value.hasPrefix(language + "-") ? 2
                        : language.hasPrefix(item.value + "-") ? 1 : item.value == "*" ? 0 : -1
                    if rank >= 0, rank > (deciding?.rank ?? -1) { deciding = (rank, item.q, position) }
                }
                guard let deciding, deciding.q > 0 else { continue }
                if best == nil || deciding.q > best!.q || (deciding.q == best!.q && deciding.position < best!.position) {
                    best = (language, deciding.q, deciding.position)
                }
            }
            return best?.language ?? languagePriority[0]
        case .apache:
            // A language's weight is that of the first item naming it, else that of `*`.
            let star = listed.first { $0.value == "*" }
            let weights = languagePriority.map { language in
                listed.first { $0.value != "*" && primary($0.value) == language }?.q ?? star?.q ?? 0
            }
            guard let best = weights.max(), best > 0 else { return languagePriority[0] }
            return languagePriority[weights.firstIndex(of: best)!]
        }
    }

    /// The format `server` must answer in, or nil when Apache's rules leave two formats tied
    /// (it then picks by file size, which no client can mean) or refuse all three.
    static func format(_ header: String?, server: Server) -> Negotiation.Format? {
        let listed = items(header ?? "")
        switch server {
        case .nginx:
            for item in listed where item.q > 0 {
                switch item.value {
                case "text/html", "application/xhtml+xml": return .html
                case "application/problem+json": return .problem
                case "application/json": return .json
                case let type where type.hasSuffix("+json") && !type.hasPrefix("*/"): return .json
                default: continue
                }
            }
            return .html
        case .exact:
            var best: (format: Negotiation.Format, q: Float, position: Int)?
            for (format, type) in [(Negotiation.Format.html, "text/html"), (.json, "application/json"), (.problem, "application/problem+json")] {
                let major = type.split(separator: "/")[0]
                var deciding: (rank: Int, q: Float, position: Int)?
                for (position, item) in listed.enumerated() {
                    let rank = item.value == type ? 2 : item.value == "\(major)/*" ? 1 : item.value == "*/*" ? 0 : -1
                    if rank >= 0, rank > (deciding?.rank ?? -1) { deciding = (rank, item.q, position) }
                }
                guard let deciding, deciding.q > 0 else { continue }
                if best == nil || deciding.q > best!.q || (deciding.q == best!.q && deciding.position < best!.position) {
                    best = (format, deciding.q, deciding.position)
                }
            }
            return best?.format ?? .html
        case .apache:
            // A wildcard refusing everything else counts for nothing: we answer anyway. With
            // no weight below 1 left, Apache counts wildcards as 0.01 and 0.02; an absent
            // header is `*/*`.
            let listed = listed.filter { !($0.q == 0 && $0.value.hasSuffix("/*")) }
            let fiddled = !listed.contains { $0.q < 1 }
            let accepted = listed.isEmpty ? [Item(value: "*/*", q: 1, hasWeight: false)] : listed
            let scores: [(Negotiation.Format, Float)] = [
                (.html, "text/html", 1.0), (.json, "application/json", 0.9), (.problem, "application/problem+json", 0.9),
            ].map { format, type, sourceQuality in
                (format, weight(of: type, in: accepted, fiddled: fiddled) * sourceQuality)
            }
            // A client refusing HTML, JSON and problem+json each by name gets Apache's own
            // short text (with the right status): none of our answers is the right one.
            guard let best = scores.map(\.1).max(), best > 0 else { return nil }
            let winners = scores.filter { $0.1 == best }
            return winners.count == 1 ? winners[0].0 : nil
        }
    }

    /// A media type's weight: that of the most specific range naming it (`type/subtype`, then
    /// `type/*`, then `*/*`), the first of equals; Apache's fiddle applies to wildcards.
    static func weight(of type: String, in accepted: [Item], fiddled: Bool) -> Float {
        let major = type.split(separator: "/")[0]
        if let exact = accepted.first(where: { $0.value == type }) { return exact.q }
        if accepted.contains(where: { $0.value == "\(major)/*" }) {
            return fiddled ? 0.02 : accepted.first { $0.value == "\(major)/*" }!.q
        }
        if let any = accepted.first(where: { $0.value == "*/*" }) { return fiddled ? 0.01 : any.q }
        // Erratum's own rule: a type the client names nowhere weighs 0.01, so that what accepts
        // none of ours still gets a body (HTML, by its source quality), never a 406.
        return 0.01
    }
}
