/// A deterministic mix of requests for the load tests: error paths × `Accept` ×
/// `Accept-Language`, with real browsers' and API clients' headers among headers composed of
/// q-values, wildcards, upper case, regional tags and languages and types we do not serve.
struct LoadMix {
    struct Request: Sendable {
        let path: String
        let code: Int
        let accept: String?
        let acceptLanguage: String?

        var headers: [(String, String)] {
            [("Accept-Language", acceptLanguage), ("Accept", accept)].compactMap { name, value in value.map { (name, $0) } }
        }

        var summary: String { "GET \(path) Accept-Language: \(acceptLanguage ?? "-") Accept: \(accept ?? "-")" }
    }

    /// Headers real clients send, as they send them.
    static let clientLanguages = [
        "fr-FR,fr;q=0.9,en-US;q=0.8,en;q=0.7",  // Chrome
        "de,en-US;q=0.7,en;q=0.3",  // Firefox
        "en-US,en;q=0.5", "es-ES,es;q=0.9", "ja,en-US;q=0.9,en;q=0.8", "pt-BR,pt;q=0.9,fr;q=0.8",
    ]
    static let clientTypes = [
        "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,image/apng,*/*;q=0.8,"
            + "application/signed-exchange;v=b3;q=0.7",  // Chrome
        "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",  // Firefox
        "application/json, text/plain, */*",  // axios
        "application/json, text/javascript, */*; q=0.01",  // jQuery
        "*/*",  // curl, fetch()
        "application/problem+json, application/json;q=0.8",
    ]

    /// Language ranges to compose from, several per primary language; none of ours: es, ja, pt.
    static let languageRanges = [
        ["en", "en-GB", "EN-us"], ["fr", "fr-CA", "FR"], ["de", "de-AT", "De-CH"],
        ["es"], ["ja"], ["pt-BR"], ["*"],
    ]
    static let mediaRanges = [
        "text/html", "TEXT/HTML", "application/xhtml+xml", "application/json", "Application/JSON",
        "application/problem+json", "application/vnd.api+json", "application/xml", "image/webp", "text/plain",
        "*/*", "text/*", "application/*",
    ]
    /// Weights: none most often, q=0 (not acceptable) among them.
    static let weights = ["", "", "", ";q=1", ";q=0.9", ";q=0.8", ";q=0.5", ";q=0.3", ";q=0.1", ";q=0"]

    private var state: UInt64

    init(seed: UInt64) {
        state = seed
    }

    /// `count` requests over `paths`; the same seed gives the same requests.
    ///
    /// A header Apache's rules leave tied between two formats is not sent: Apache then picks
    /// the smaller file, and no answer is the right one.
    mutating func requests(count: Int, paths: [(path: String, code: Int)]) -> [Request] {
        var requests: [Request] = []
        while requests.count < count {
            let (path, code) = paths[next(paths.count)]
            let request = Request(path: path, code: code, accept: accept(), acceptLanguage: acceptLanguage())
            guard NegotiationModel.format(request.accept, server: .apache) != nil else { continue }
            requests.append(request)
        }
        return requests
    }

    private mutating func acceptLanguage() -> String? {
        switch next(10) {
        case 0: return nil
        case 1, 2: return Self.clientLanguages[next(Self.clientLanguages.count)]
        default:
            // One range per primary language, so that no language is weighed twice.
            var groups = Array(Self.languageRanges.indices)
            return (0..<(1 + next(4))).map { _ in
                let group = Self.languageRanges[groups.remove(at: next(groups.count))]
                return group[next(group.count)] + Self.weights[next(Self.weights.count)]
            }.joined(separator: next(2) == 0 ? ", " : ",")
        }
    }

    private mutating func accept() -> String? {
        switch next(10) {
        case 0: return nil
        case 1, 2: return Self.clientTypes[next(Self.clientTypes.count)]
        default:
            var ranges = Self.mediaRanges
            var seen: Set<String> = []
            var items: [String] = []
            for _ in 0..<(1 + next(4)) {
                let range = ranges.remove(at: next(ranges.count))
                guard seen.insert(range.lowercased()).inserted else { continue }
                items.append(range + Self.weights[next(Self.weights.count)])
            }
            return items.joined(separator: next(2) == 0 ? ", " : ",")
        }
    }

    /// SplitMix64: a small generator whose sequence is the same on every platform.
    private mutating func next(_ bound: Int) -> Int {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        z ^= z >> 31
        return Int(z % UInt64(bound))
    }
}
