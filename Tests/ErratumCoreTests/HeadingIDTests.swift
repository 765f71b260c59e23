import Testing
@testable import ErratumCore

@Suite("Heading ids")
struct HeadingIDTests {
    @Test("follow MDN's rule", arguments: [
        ("Server error responses", "server_error_responses"),
        ("Réponses d'erreur côté serveur", "réponses_derreur_côté_serveur"),
        ("  What's *new* in HTTP/2?  ", "whats_new_in_http2"),
        ("The <code>Accept</code>   header", "the_codeaccept/code_header".replacingOccurrences(of: "/", with: "")),
        ("Step 1.5 — done!", "step_1.5_—_done!"),
        ("(){}[]", "sect"),
        ("", "sect"),
    ])
    func slug(text: String, id: String) {
        #expect(HeadingIDs.slug(text) == id)
    }

    @Test("duplicates get _2, _3, and a trailing number counts on")
    func deduplication() {
        var ids = HeadingIDs()
        #expect(ids.claim("Examples") == "examples")
        #expect(ids.claim("Examples") == "examples_2")
        #expect(ids.claim("Examples") == "examples_3")
        #expect(ids.claim("Step 1") == "step_1")
        #expect(ids.claim("Step 1") == "step_2")
        #expect(ids.claim("") == "sect")
        #expect(ids.claim("") == "sect_2")
    }
}

import Foundation
