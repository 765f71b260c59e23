import Testing
@testable import ErratumCore

@Suite("RFC 9110 negotiation of an error body")
struct ErrorNegotiationTests {
    static let languages = ["en", "de", "fr"]

    static func choose(_ accept: String?, _ language: String?, languages: [String] = languages) -> String {
        let choice = ErrorNegotiation(accept: accept, acceptLanguage: language, languages: languages)
        return choice.language + choice.format.suffix
    }

    @Test("browsers, API clients and problem+json clients get what they ask for")
    func common() {
        #expect(Self.choose(nil, nil) == "en.html")
        #expect(Self.choose("text/html,application/xhtml+xml,*/*;q=0.8", "fr-CH, fr;q=0.9, en;q=0.8") == "fr.html")
        #expect(Self.choose("application/json", "de") == "de.json")
        #expect(Self.choose("application/problem+json", "es, de;q=0.5") == "de.problem.json")
        #expect(Self.choose("application/problem+json, application/json;q=0.9", nil) == "en.problem.json")
        #expect(Self.choose("application/json, text/html;q=0.5", "pt") == "en.json")
        #expect(Self.choose("*/*", "*") == "en.html", "a wildcard's tie goes to the server's order")
    }

    @Test("q-values weigh; q=0 refuses, also through a wildcard; the most specific range decides")
    func weights() {
        #expect(Self.choose("text/html;q=0.5, application/json;q=0.6", "de;q=0.4, fr;q=0.7") == "fr.json")
        #expect(Self.choose("*/*", "fr;q=0, de") == "de.html")
        #expect(Self.choose("*/*;q=0.1, text/html;q=0", nil) == "en.json", "html refused by name, the rest by */*")
        #expect(Self.choose("text/html;q=0, application/*", "*") == "en.json")
        #expect(Self.choose("application/*;q=0.2, application/problem+json;q=0.3", nil) == "en.problem.json")
        #expect(Self.choose("application/json;q=0, */*", nil) == "en.html")
        #expect(Self.choose(nil, "*;q=0.5, de;q=0") == "en.html", "* counts for those not named; de is refused")
        #expect(Self.choose(nil, "*, en;q=0, de;q=0") == "fr.html")
        #expect(Self.choose(nil, "fr;q=0.2, fr-CA, de;q=0.5") == "de.html", "the tag itself is more specific than a longer range")
        #expect(Self.choose(nil, "fr-CA") == "fr.html", "a longer range falls back to its language")
        #expect(Self.choose(nil, "pt, en;q=0.1", languages: ["en", "pt-BR"]) == "pt-BR.html", "a shorter range covers the tag")
    }

    @Test("ties go to the client's order, then the server's")
    func ties() {
        #expect(Self.choose("application/json, text/html", nil) == "en.json")
        #expect(Self.choose("text/html, application/json", nil) == "en.html")
        #expect(Self.choose("application/json, application/problem+json", nil) == "en.json")
        #expect(Self.choose("application/*", nil) == "en.json")
        #expect(Self.choose(nil, "fr, de") == "fr.html")
        #expect(Self.choose(nil, "de;q=0.8, fr;q=0.8") == "de.html")
        #expect(Self.choose(nil, "es, *") == "en.html")
    }

    @Test("malformed items are ignored, never trusted; nothing accepted still gets an answer")
    func malformed() {
        #expect(Self.choose("application/json;q=2, text/html;q=0.5", nil) == "en.html", "q above 1 is malformed")
        #expect(Self.choose("application/json;q=1.5", nil) == "en.html")
        #expect(Self.choose("application/json;q=0.0001, text/html;q=0.001", nil) == "en.html", "four decimals")
        #expect(Self.choose("application/json;q=abc", nil) == "en.html")
        #expect(Self.choose("application/json;q=, text/html;q=0.1", nil) == "en.html")
        #expect(Self.choose("json, text/html;q=0.1", nil) == "en.html", "not a media range")
        #expect(Self.choose("*/json", nil) == "en.html")
        #expect(Self.choose("application/json;charset=utf-8;q=0.9, text/html;q=0.8", nil) == "en.json", "parameters before q")
        #expect(Self.choose("image/png", "tlh") == "en.html")
        #expect(Self.choose("text/html;q=0, application/json;q=0, application/problem+json;q=0", nil) == "en.html")
        #expect(Self.choose(",,, ;q=1,", "  , fr ;  q=0.5 ,") == "fr.html")
        #expect(Self.choose(nil, "de-, fr") == "fr.html", "an empty subtag")
        #expect(Self.choose(nil, "dé, fr;q=0.1") == "fr.html")
        #expect(Self.choose(nil, "123, de;q=0.1") == "de.html")
    }

    @Test("headers of thousands of items and kilobytes are read in one pass")
    func large() {
        let many = Array(repeating: "text/plain;q=0.9", count: 5000).joined(separator: ",") + ",application/json"
        #expect(Self.choose(many, String(repeating: "x", count: 8192) + ", fr") == "fr.json")
        #expect(Self.choose(String(repeating: "a/b,", count: 4000), String(repeating: "*;q=0,", count: 2000)) == "en.html")
    }

    @Test("q-values: 0 and 1 with up to three decimals")
    func qvalues() {
        #expect(ErrorNegotiation.qvalue("0") == 0 && ErrorNegotiation.qvalue("1") == 1000)
        #expect(ErrorNegotiation.qvalue("0.5") == 500 && ErrorNegotiation.qvalue("0.123") == 123 && ErrorNegotiation.qvalue("0.") == 0)
        #expect(ErrorNegotiation.qvalue("1.000") == 1000 && ErrorNegotiation.qvalue("1.") == 1000)
        for bad in ["1.001", "0.1234", "2", "-0.5", ".5", "0,5", "", "1e0", "0.5 "] {
            #expect(ErrorNegotiation.qvalue(Substring(bad)) == nil, "\(bad)")
        }
    }
}
