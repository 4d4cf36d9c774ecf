import Foundation

/// Turns what a person typed (or an answers file holds) into an ``AnswerValue`` for a question type.
///
/// Forgiving in what it reads: `$1,200`, `45k`, `4h`, `1h30m`, `2 days`, `y`, a choice's number,
/// value or label. A failure says what was expected, in words for the person answering.
public enum AnswerParser {
    /// Parses `input` for `question`, offering `choices` (already filtered). Empty input gives `nil`.
    public static func parse(_ input: String, for question: Question, choices: [Choice]) throws(AnswerProblem)
        -> AnswerValue?
    {
        let text = input.trimmingCharacters(in: .whitespacesAndNewlines)
        if text.isEmpty { return nil }
        switch question.type {
        case .text, .longText:
            let cleaned = try AnswerText.clean(text, multiline: question.type == .longText)
            return cleaned.isEmpty ? nil : .text(cleaned)
        case .yesNo:
            switch text.lowercased() {
            case "y", "yes", "true", "1", "oui": return .bool(true)
            case "n", "no", "false", "0", "non": return .bool(false)
            default: throw AnswerProblem("answer yes or no")
            }
        case .singleChoice:
            return .text(try choice(text, in: choices))
        case .multipleChoice:
            let parts = text.split(whereSeparator: { $0 == "," || $0 == ";" }).flatMap { part -> [Substring] in
                let trimmed = part.trimmingCharacters(in: .whitespaces)
                // "1 3 5" is three numbers; "Web forms" is one label.
                let words = trimmed.split(separator: " ")
                return words.allSatisfy({ Int($0) != nil }) ? words : [Substring(trimmed)]
            }
            var picked: [String] = []
            for part in parts {
                let value = try choice(String(part), in: choices)
                if !picked.contains(value) { picked.append(value) }
            }
            return .choices(choices.map(\.value).filter(picked.contains))
        case .integer, .scale:
            let n = try number(text)
            guard n == n.wholePart else { throw AnswerProblem("enter a whole number") }
            return .number(n)
        case .hoursPerWeek:
            return .number(try number(text, allowingHours: true))
        case .decimal, .money:
            return .number(try number(text))
        case .duration:
            return .number(try minutes(text))
        }
    }

    /// Parses a list of items for a multiple-choice question, as an answers file holds them.
    public static func parse(items: [String], for question: Question, choices: [Choice]) throws(AnswerProblem)
        -> AnswerValue
    {
        var picked: [String] = []
        for item in items {
            picked.append(try choice(item, in: choices))
        }
        return .choices(choices.map(\.value).filter(picked.contains))
    }

    /// Finds a choice by its number (1-based), its value or its label, ignoring case.
    static func choice(_ text: String, in choices: [Choice]) throws(AnswerProblem) -> String {
        if let n = Int(text), n >= 1, n <= choices.count { return choices[n - 1].value }
        let lowered = text.lowercased()
        if let c = choices.first(where: { $0.value.lowercased() == lowered || $0.label.lowercased() == lowered }) {
            return c.value
        }
        if choices.isEmpty { throw AnswerProblem("there is nothing to choose from here") }
        let options = choices.map(\.value).joined(separator: ", ")
        throw AnswerProblem("'\(text)' is not one of the choices: enter 1 to \(choices.count), or one of \(options)")
    }

    /// Reads a number, allowing currency signs, thousands separators and a `k` suffix (and an
    /// `h`/`hours` unit where the question is about hours).
    static func number(_ text: String, allowingHours: Bool = false) throws(AnswerProblem) -> Decimal {
        var cleaned = text.lowercased()
        // "2,5" is a decimal comma, not a thousands separator: refuse it rather than read 25.
        let groups = cleaned.split(separator: ",", omittingEmptySubsequences: false)
        if groups.count > 1, groups.dropFirst().contains(where: { $0.prefix { $0.isNumber }.count != 3 }) {
            throw AnswerProblem("'\(text)' is ambiguous: write decimals with a point (2.5) and thousands as 1,200")
        }
        var noise = ["cad", "usd", "eur", "gbp", "$", "€", "£", ",", " ", "_", "\u{00A0}"]
        if allowingHours { noise += ["hours", "hour", "hrs", "hr", "h"] }
        for word in noise {
            cleaned = cleaned.replacingOccurrences(of: word, with: "")
        }
        if cleaned.hasSuffix("%") { cleaned.removeLast() }
        var factor: Decimal = 1
        if cleaned.hasSuffix("k") {
            factor = 1000
            cleaned.removeLast()
        }
        guard cleaned.range(of: #"^-?([0-9]+\.?[0-9]*|\.[0-9]+)$"#, options: .regularExpression) != nil,
            let value = Decimal(string: cleaned, locale: Locale(identifier: "en_US_POSIX"))
        else { throw AnswerProblem("'\(text)' is not a number") }
        return value * factor
    }

    /// Reads a duration such as `4h`, `30 min`, `1h30m`, `2 days` or `1 week`; a bare number is minutes.
    static func minutes(_ text: String) throws(AnswerProblem) -> Decimal {
        let units: [(names: [String], minutes: Decimal)] = [
            (["weeks", "week", "wks", "wk", "w"], 7 * 24 * 60),
            (["days", "day", "d"], 24 * 60),
            (["hours", "hour", "hrs", "hr", "h"], 60),
            (["minutes", "minute", "mins", "min", "m"], 1),
        ]
        let lowered = text.lowercased().replacingOccurrences(of: " ", with: "")
        if ["immediately", "instant", "instantly", "none", "0"].contains(lowered) { return 0 }
        if let bare = Decimal(string: lowered, locale: Locale(identifier: "en_US_POSIX")),
            lowered.allSatisfy({ $0.isNumber || $0 == "." })
        {
            return bare
        }
        var total: Decimal = 0
        var rest = Substring(lowered)
        while !rest.isEmpty {
            let digits = rest.prefix { $0.isNumber || $0 == "." }
            guard !digits.isEmpty, digits.filter({ $0 == "." }).count <= 1,
                let amount = Decimal(string: String(digits), locale: Locale(identifier: "en_US_POSIX"))
            else {
                throw AnswerProblem("'\(text)' is not a duration: try 30 min, 4h, 1h30m or 2 days")
            }
            rest = rest.dropFirst(digits.count)
            let word = rest.prefix { $0.isLetter }
            guard let unit = units.first(where: { $0.names.contains(String(word)) }) else {
                throw AnswerProblem("'\(text)' is not a duration: try 30 min, 4h, 1h30m or 2 days")
            }
            rest = rest.dropFirst(word.count)
            total += amount * unit.minutes
        }
        return total
    }
}

extension Decimal {
    /// The number with its fraction dropped, rounding toward zero.
    var wholePart: Decimal {
        var copy = self
        var result = Decimal()
        NSDecimalRound(&result, &copy, 0, self < 0 ? .up : .down)
        return result
    }
}

/// Why an answer was not accepted, in words for the person answering.
public struct AnswerProblem: Error, Sendable, Equatable, CustomStringConvertible {
    public let message: String

    public init(_ message: String) {
        self.message = message
    }

    public var description: String { message }
}
