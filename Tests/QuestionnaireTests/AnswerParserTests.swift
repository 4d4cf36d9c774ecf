import Foundation
import Testing

@testable import Questionnaire

struct AnswerParserTests {
    @Test(arguments: [
        ("30", Decimal(30)), ("30 min", 30), ("30m", 30), ("4h", 240), ("4 hours", 240), ("1h30m", 90),
        ("1.5h", 90), ("2 days", 2880), ("1 day", 1440), ("1 week", 10080), ("immediately", 0),
    ])
    func durationsBecomeMinutes(text: String, minutes: Decimal) throws {
        #expect(try AnswerParser.minutes(text) == minutes)
    }

    @Test(arguments: ["soon", "4 parsecs", "h4", "1..5h"])
    func badDurationsAreRejected(text: String) {
        #expect(throws: AnswerProblem.self) { _ = try AnswerParser.minutes(text) }
    }

    @Test(arguments: [
        ("1200", Decimal(1200)), ("$1,200", 1200), ("1 200", 1200), ("CAD 45.50", Decimal(string: "45.5")!),
        ("45k", 45000),
        ("-3", -3), ("0.5", Decimal(string: "0.5")!),
    ])
    func numbersAllowCurrencyAndSeparators(text: String, value: Decimal) throws {
        #expect(try AnswerParser.number(text) == value)
    }

    @Test func hoursMayCarryTheirUnitOnlyWhereTheQuestionIsAboutHours() throws {
        #expect(try AnswerParser.number("6h", allowingHours: true) == 6)
        #expect(throws: AnswerProblem.self) { _ = try AnswerParser.number("12h") }
    }

    @Test(arguments: ["", "abc", "1.2.3", "1-2", "$", "2,5", "1,20"])
    func badNumbersAreRejected(text: String) {
        #expect(throws: AnswerProblem.self) { _ = try AnswerParser.number(text) }
    }

    @Test func durationsFormatBackToWhatTheyParseFrom() throws {
        for minutes in [0, 15, 60, 90, 240, 1440, 2880, 10080] as [Decimal] {
            #expect(try AnswerParser.minutes(AnswerFormatter.duration(minutes)) == minutes)
        }
    }

    @Test func answerKeysRoundTripThroughText() {
        for text in ["team", "details[leads].hours"] {
            #expect(AnswerKey(text)?.description == text)
        }
        #expect(AnswerKey("details[leads]") == nil)
        #expect(AnswerKey("a.b") == nil)
    }
}
