import Diagnostics
import Testing

@testable import Questionnaire

/// Every lint error, each with its message and its exact line and column.
struct PackLintTests {
    static let header = """
        id: t
        title: T
        timing: {single_choice: 5, multiple_choice: 5, integer: 5, decimal: 5, money: 5, hours_per_week: 5, duration: 5, scale: 5, yes_no: 5, text: 5, long_text: 5}
        sections:
          - id: s
            title: S
            questions:

        """

    /// A lint case: the pack's text, the message expected, and where: the line holding `marker`
    /// (its `occurrence`-th appearance in the text) at the marker's column.
    struct Case: CustomTestStringConvertible, Sendable {
        let name: String
        let yaml: String
        let message: String
        let marker: String
        var occurrence = 1
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        Case(
            name: "duplicate id",
            yaml: header + """
                      - {id: a, type: integer, prompt: A}
                      - {id: a, type: integer, prompt: B}
                """,
            message: "duplicate id 'a': already used at 8:9", marker: "{id: a", occurrence: 2),
        Case(
            name: "unknown key",
            yaml: header + "      - {id: a, type: integer, promt: A}\n",
            message: "unknown key 'promt' in a question (did you mean 'prompt'?)", marker: "promt"),
        Case(
            name: "unknown question type",
            yaml: header + "      - {id: a, type: integr, prompt: A}\n",
            message: "unknown question type 'integr' (did you mean 'integer'?)", marker: "integr"),
        Case(
            name: "unknown id in a condition",
            yaml: header + "      - {id: a, type: integer, prompt: A, when: \"sise > 1\"}\n",
            message: "unknown id 'sise'", marker: "sise"),
        Case(
            name: "unknown function",
            yaml: header + """
                      - {id: a, type: integer, prompt: A}
                      - {id: b, type: integer, prompt: B, when: "average(a) > 1"}
                """,
            message: "unknown function 'average'", marker: "average"),
        Case(
            name: "wrong number of arguments",
            yaml: header + """
                      - {id: a, type: integer, prompt: A}
                      - {id: b, type: integer, prompt: B, when: "round() > 1"}
                """,
            message: "round() takes 1 or more arguments, got 0", marker: "round"),
        Case(
            name: "type mismatch",
            yaml: header + """
                      - {id: name, type: text, prompt: A}
                      - {id: b, type: integer, prompt: B, when: "name > 3"}
                """,
            message: "'>' orders numbers or text, not text and a number", marker: "> 3"),
        Case(
            name: "condition that is not true/false",
            yaml: header + """
                      - {id: a, type: integer, prompt: A}
                      - {id: b, type: integer, prompt: B, when: "a + 1"}
                """,
            message: "must be true or false, but it gives a number", marker: "a + 1"),
        Case(
            name: "and with a number",
            yaml: header + """
                      - {id: a, type: integer, prompt: A}
                      - {id: b, type: integer, prompt: B, when: "a and true"}
                """,
            message: "'and' joins true/false conditions, but one side is a number", marker: "and true"),
        Case(
            name: "reference to a later question",
            yaml: header + """
                      - {id: a, type: integer, prompt: A, when: "b > 1"}
                      - {id: b, type: integer, prompt: B}
                """,
            message: "'b' is asked after this point", marker: "b > 1"),
        Case(
            name: "constant condition that can never be true",
            yaml: header + "      - {id: a, type: integer, prompt: A, when: \"1 > 2\"}\n",
            message: "can never be true: it does not depend on any answer", marker: "1 > 2"),
        Case(
            name: "comparison with a choice that does not exist",
            yaml: header + """
                      - {id: color, type: single_choice, prompt: C, choices: [red, blue]}
                      - {id: b, type: integer, prompt: B, when: "color == 'purple'"}
                """,
            message: "'purple' is not a choice of 'color', so this comparison can never be true", marker: "== 'purple'"),
        Case(
            name: "number outside the question's range",
            yaml: header + """
                      - {id: age, type: integer, prompt: A, min: 0, max: 120}
                      - {id: b, type: integer, prompt: B, when: "age > 200"}
                """,
            message: "'age' ranges from 0 to 120, so '> 200' can never be true", marker: "> 200"),
        Case(
            name: "bounds joined by and that leave no value",
            yaml: header + """
                      - {id: a, type: integer, prompt: A}
                      - {id: b, type: integer, prompt: B, when: "a > 5 and 3 > a"}
                """,
            message: "can never be true: 'a' cannot satisfy every bound joined by 'and'", marker: "and 3"),
        Case(
            name: "cyclic computed values",
            yaml: header + """
                      - {id: a, type: integer, prompt: A}
                computed:
                  - {id: x, expression: "y + a"}
                  - {id: y, expression: "x * 2"}
                """,
            message: "computed values depend on each other in a cycle: x → y → x", marker: "{id: x"),
        Case(
            name: "YAML syntax",
            yaml: header + "      - {id: a, type: integer, prompt: A\n",
            message: "YAML syntax", marker: "      - {id: a"),
        Case(
            name: "expression syntax error at its column",
            yaml: header + "      - {id: a, type: integer, prompt: A, when: \"a >\"}\n",
            message: "expected a value, found end of expression", marker: "\"}"),
        Case(
            name: "repeat over a question that is not a multiple choice",
            yaml: header + """
                      - {id: a, type: integer, prompt: A}
                  - id: g
                    title: G
                    repeat: {for_each: a}
                    questions:
                      - {id: h, type: integer, prompt: H}
                """,
            message: "repeat.for_each must name an earlier multiple_choice question", marker: "id: g"),
        Case(
            name: "path to a question a group does not have",
            yaml: header + """
                      - {id: w, type: multiple_choice, prompt: W, choices: [x, y]}
                  - id: g
                    title: G
                    repeat: {for_each: w}
                    questions:
                      - {id: h, type: integer, prompt: H}
                  - id: after
                    title: After
                    questions:
                      - {id: z, type: integer, prompt: Z, when: "g[x].nope > 1"}
                """,
            message: "repeat group 'g' has no question 'nope'", marker: "g[x].nope"),
        Case(
            name: "min above max",
            yaml: header + "      - {id: a, type: integer, prompt: A, min: 5, max: 1}\n",
            message: "'a' has min 5 above max 1", marker: "{id: a"),
        Case(
            name: "default that does not fit",
            yaml: header + "      - {id: a, type: integer, prompt: A, default: lots}\n",
            message: "default of 'a' does not fit its type", marker: "lots"),
        Case(
            name: "missing timing for a used type",
            yaml: """
                id: t
                title: T
                timing: {text: 5}
                sections:
                  - id: s
                    title: S
                    questions:
                      - {id: a, type: integer, prompt: A}
                """,
            message: "timing has no seconds for 'integer'", marker: "id: t"),
    ]

    @Test(arguments: cases)
    func reportsProblemAtItsPosition(_ c: Case) throws {
        let (_, issues) = PackLoader.check(yaml: c.yaml, file: "pack.yaml")
        let lines = c.yaml.split(separator: "\n", omittingEmptySubsequences: false)
        var seen = 0
        var expected: (line: Int, column: Int)?
        for (index, line) in lines.enumerated() {
            guard let range = line.range(of: c.marker) else { continue }
            seen += 1
            if seen == c.occurrence {
                expected = (index + 1, line.distance(from: line.startIndex, to: range.lowerBound) + 1)
                break
            }
        }
        let position = try #require(expected, "marker not found in the case's YAML")
        let matching = issues.filter { $0.message.contains(c.message) }
        #expect(
            !matching.isEmpty,
            "no issue says \"\(c.message)\"; got:\n\(issues.map(\.description).joined(separator: "\n"))")
        if c.name == "YAML syntax" {
            #expect(matching.allSatisfy { $0.location.line >= position.line })
        } else {
            #expect(
                matching.contains { $0.location.line == position.line && $0.location.column == position.column },
                "expected at \(position.line):\(position.column), got \(matching.map(\.location.description))")
        }
        #expect(matching.allSatisfy { $0.severity == .error && $0.location.file == "pack.yaml" })
    }

    @Test func loadThrowsEveryErrorAtOnce() {
        let yaml =
            Self.header + """
                      - {id: a, type: integer, promt: A}
                      - {id: a, type: integr, prompt: B}
                      - {id: c, type: integer, prompt: C, when: "zz > 1"}
                """
        #expect {
            _ = try PackLoader.load(yaml: yaml, file: "p.yaml")
        } throws: { error in
            guard let error = error as? PackLoadError else { return false }
            return error.errors.count >= 3 && error.description.contains("p.yaml:8:")
        }
    }

    @Test func theBundledPackHasNoIssues() throws {
        let pack = try PackLoader.load(path: Fixtures.bundledPack)
        let (_, issues) = PackLoader.check(
            yaml: try String(contentsOfFile: Fixtures.bundledPack + "/questionnaire.yaml", encoding: .utf8),
            file: "q.yaml")
        #expect(issues.isEmpty, "\(issues)")
        #expect(pack.id == "smb-ai-readiness")
        #expect(pack.repeatGroup("workflow_details") != nil)
    }
}
