import Testing
@testable import ErratumCore

@Suite("Macro parser")
struct MacroParserTests {
    let parser = MacroParser()

    @Test("reads names and every kind of argument MDN writes")
    func argumentKinds() throws {
        let result = parser.parse(#"See {{HTTPStatus("413", '413 Content Too Large')}} and {{RFC(9110, `a \`b\``, 15, true)}}."#)
        #expect(result.problems.isEmpty)
        try #require(result.calls.count == 2)
        #expect(result.calls[0].name == "HTTPStatus")
        #expect(result.calls[0].arguments == [.string("413"), .string("413 Content Too Large")])
        #expect(result.calls[1].arguments == [.number(9110), .string("a `b`"), .number(15), .bool(true)])
        #expect(result.calls[1].argument(0) == "9110")
    }

    @Test("an empty string argument counts as absent")
    func emptyArgument() throws {
        let call = try #require(parser.parse(#"{{RFC(9110, "", 15)}}"#).calls.first)
        #expect(call.argument(1) == nil)
        #expect(call.argument(2) == "15")
    }

    @Test("names fold case and '-' to '_'")
    func nameFolding() throws {
        let call = try #require(parser.parse("{{Non-standard_Inline}}").calls.first)
        #expect(call.normalizedName == "non_standard_inline")
        #expect(call.arguments.isEmpty)
    }

    @Test("positions are 0-based body lines and 1-based columns in Unicode scalars")
    func positions() throws {
        let result = parser.parse("Première ligne\nCôté {{Glossary(\"WebDAV\")}}\n")
        let call = try #require(result.calls.first)
        #expect(call.line == 1)
        #expect(call.column == 6)
        #expect(call.source == #"{{Glossary("WebDAV")}}"#)
    }

    @Test("calls inside code spans, fenced blocks and after a backslash are left alone")
    func codeIsSkipped() {
        let body = """
        Inline `{{HTTPStatus(404)}}` and ``a `{{x}}` b`` stay code.

        ```md
        {{Specifications}}
        ```

        ~~~~
        {{Compat}}
        ~~~~

        \\{{Glossary("no")}} is escaped; {{Glossary("yes")}} is a call.
        """
        let result = parser.parse(body)
        #expect(result.calls.map(\.source) == [#"{{Glossary("yes")}}"#])
        #expect(result.calls.first?.line == 10)
    }

    @Test("an unclosed fence swallows the rest, as CommonMark does")
    func unclosedFence() {
        #expect(parser.parse("```\n{{A}}\n").calls.isEmpty)
    }

    @Test("braces that do not start a macro name are plain text")
    func notMacros() {
        let result = parser.parse("JSX style={{ color: 1 }} and {{ }} and {{1abc}}")
        #expect(result.calls.isEmpty)
        #expect(result.problems.isEmpty)
    }

    @Test("malformed calls are problems at the call's position, and scanning goes on",
          arguments: [
              (#"x {{HTTPStatus("404"}} {{Glossary("a")}}"#, "expected ',' or ')' after a macro argument"),
              ("x {{HTTPStatus(\"404) y}}\n{{Glossary(\"a\")}}", "a quoted macro argument is not closed with \""),
              (#"x {{HTTPStatus(foo)}} {{Glossary("a")}}"#, "macro argument 'foo' is not a quoted string, a number or a boolean"),
          ])
    func malformed(source: String, message: String) throws {
        let result = parser.parse(source)
        let problem = try #require(result.problems.first)
        #expect(problem.message == message)
        #expect(problem.line == 0)
        #expect(problem.column == 3)
        #expect(result.calls.map(\.name) == ["Glossary"])
    }

    @Test("a call never closed is a problem")
    func neverClosed() throws {
        let result = parser.parse("Text {{Specifications\nmore text")
        let problem = try #require(result.problems.first)
        #expect(problem.message == "macro 'Specifications' is not closed with '}}'")
        #expect((problem.line, problem.column) == (0, 6))
        #expect(result.calls.isEmpty)
    }
}
