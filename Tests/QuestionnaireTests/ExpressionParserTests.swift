import Testing

@testable import Questionnaire

struct ExpressionParserTests {
    private func evaluate(_ source: String, _ answers: [String: Value] = [:]) throws -> Value {
        let expression = try ExpressionParser.parse(source)
        return ExpressionEvaluator(resolve: { answers[$0.description] ?? .null }).evaluate(expression)
    }

    @Test(arguments: [
        ("1 + 2 * 3", Value.number(7)),
        ("(1 + 2) * 3", .number(9)),
        ("10 / 4", .number(2.5)),
        ("10 % 4", .number(2)),
        ("-3 + 5", .number(2)),
        ("1_000 * 2", .number(2000)),
        ("2 > 1 and 1 > 2", .bool(false)),
        ("2 > 1 or 1 > 2", .bool(true)),
        ("not 1 > 2", .bool(true)),
        ("!(1 == 1)", .bool(false)),
        ("1 == 1 && 2 != 3", .bool(true)),
        ("'a' in ['a', 'b']", .bool(true)),
        ("'c' not in ['a', 'b']", .bool(true)),
        ("'lo' in 'hello'", .bool(true)),
        ("'abc' < 'abd'", .bool(true)),
        ("\"x\" + 'y'", .string("xy")),
        ("null == null", .bool(true)),
        ("true", .bool(true)),
    ])
    func evaluatesLiterals(source: String, expected: Value) throws {
        #expect(try evaluate(source) == expected)
    }

    @Test func readsAnswersAndPathsIntoRepeatGroups() throws {
        let answers: [String: Value] = [
            "team_size": .number(4),
            "workflows": .list([.string("lead_intake"), .string("scheduling")]),
            "workflow_details[lead_intake].hours": .number(6),
            "workflow_details.hours": .list([.number(6), .number(3)]),
        ]
        #expect(try evaluate("team_size * 2", answers) == .number(8))
        #expect(try evaluate("'scheduling' in workflows", answers) == .bool(true))
        #expect(try evaluate("workflow_details[lead_intake].hours + 1", answers) == .number(7))
        #expect(try evaluate("workflow_details['lead_intake'].hours", answers) == .number(6))
        #expect(try evaluate("sum(workflow_details.hours)", answers) == .number(9))
        #expect(try evaluate("count(workflows) >= 2", answers) == .bool(true))
    }

    @Test func missingAnswersAreNullAndNeverCrash() throws {
        #expect(try evaluate("missing + 1") == .null)
        #expect(try evaluate("missing > 1") == .bool(false))
        #expect(try evaluate("missing < 1") == .bool(false))
        #expect(try evaluate("1 / 0") == .null)
        #expect(try evaluate("5 % 0") == .null)
        #expect(try evaluate("'a' in missing") == .bool(false))
        #expect(try evaluate("count(missing)") == .number(0))
        #expect(try evaluate("max(missing)") == .null)
    }

    @Test(arguments: [
        ("count(['a', null, 'b'])", Value.number(2)),
        ("sum(1, 2, 3)", .number(6)),
        ("sum([1, null, 2])", .number(3)),
        ("min(4, 2, 8)", .number(2)),
        ("max([4, 2, 8])", .number(8)),
        ("round(2.345, 2)", .number(2.35)),
        ("round(2.5)", .number(3)),
        ("round(-2.5)", .number(-3)),
        ("coalesce(null, 3, 4)", .number(3)),
        ("selected(['a', 'b'], 'b')", .bool(true)),
        ("selected(['a', 'b'], 'c')", .bool(false)),
        ("answered(null)", .bool(false)),
        ("answered(0)", .bool(true)),
    ])
    func functions(source: String, expected: Value) throws {
        #expect(try evaluate(source) == expected)
    }

    @Test(arguments: [
        ("", "the expression is empty", 0),
        ("1 +", "expected a value, found end of expression", 3),
        ("(1 + 2", "expected ')'", 6),
        ("a = 1", "use == to compare", 2),
        ("a == 'open", "never closed", 5),
        ("1 < 2 < 3", "cannot be chained", 6),
        ("a # b", "unexpected character '#'", 2),
        ("f(1, 2", "')' to close the call to f", 6),
        ("x[1]", "expected an item name", 2),
        ("1 2", "unexpected number 2", 2),
        ("a and or b", "expected a value, found 'or'", 6),
    ])
    func syntaxErrorsCarryTheirOffset(source: String, message: String, offset: Int) {
        #expect {
            _ = try ExpressionParser.parse(source)
        } throws: { error in
            guard let error = error as? ExpressionError else { return false }
            return error.message.contains(message) && error.offset == offset
        }
    }

    @Test func precedenceBindsAndTighterThanOr() throws {
        let parsed = try ExpressionParser.parse("a or b and c")
        guard case .binary(.or, _, .binary(.and, _, _, _), _) = parsed else {
            Issue.record("expected a or (b and c), got \(parsed)")
            return
        }
    }
}
