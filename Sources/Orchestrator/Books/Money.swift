import Foundation

/// An amount of money as an accounting export spells it, read exactly as a `Decimal` (never a
/// binary floating point number): `1,234.56`, `$1,234.56`, `(1,234.56)` for a negative,
/// `-1234.5`, `1 234,56 €`, `1.234,56`, `CAD 1,200.00`, `1'234.50`. A currency named in the cell
/// (a code, or a symbol that names one currency) is kept so the import can check it.
public struct Money: Sendable, Hashable, CustomStringConvertible {
    public let amount: Decimal
    /// The ISO 4217 code, e.g. `CAD`.
    public let currency: String

    public init(_ amount: Decimal, _ currency: String) {
        self.amount = amount
        self.currency = currency
    }

    /// `1,234.50 CAD`: grouped, with the currency's minor units (two for most, none for `JPY`).
    public var description: String { Self.text(amount, currency) }

    /// The longest amount cell read (a spreadsheet's longest plausible amount with its currency).
    public static let maxCellLength = 40

    /// Symbols that name one currency; `$` names several (USD, CAD, AUD…) and names none here.
    static let symbols: [Character: String] = ["€": "EUR", "£": "GBP", "¥": "JPY", "₹": "INR", "₩": "KRW", "₪": "ILS"]

    /// Why a cell is not an amount.
    public struct ParseError: Error, Equatable, CustomStringConvertible {
        public let description: String
    }

    /// A cell read as an amount and the currency it names, if it names one.
    /// - Throws: ``ParseError`` saying why it is not an amount.
    public static func parse(_ cell: String) throws -> (amount: Decimal, currency: String?) {
        var text = cell.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !text.isEmpty else { throw ParseError(description: "no amount") }
        guard text.count <= maxCellLength else {
            throw ParseError(description: "an amount of \(text.count) characters (at most \(maxCellLength))")
        }
        let shown = text
        func fail() -> ParseError { ParseError(description: "'\(shown)' is not an amount") }
        var negative = false
        var currency: String?
        func name(_ code: String) throws {
            if let currency, currency != code { throw ParseError(description: "'\(shown)' names two currencies") }
            currency = code
        }
        if text.hasPrefix("(") && text.hasSuffix(")") {
            negative = true
            text = String(text.dropFirst().dropLast()).trimmingCharacters(in: .whitespaces)
        }
        // A three-letter code before or after the number.
        let letters = text.prefix { $0.isLetter }
        if letters.count == 3, letters.allSatisfy(\.isUppercase) {
            try name(String(letters))
            text = String(text.dropFirst(3)).trimmingCharacters(in: .whitespaces)
        }
        let trailing = String(text.reversed().prefix { $0.isLetter }.reversed())
        if trailing.count == 3, trailing.allSatisfy(\.isUppercase) {
            try name(trailing)
            text = String(text.dropLast(3)).trimmingCharacters(in: .whitespaces)
        }
        var digits = ""
        var separators: [(Character, Int)] = []  // each separator and the digits before it
        var signs = 0
        for c in text {
            switch c {
            case "0"..."9": digits.append(c)
            case "-", "\u{2212}":
                signs += 1
                negative.toggle()
            case "+": signs += 1
            case "$": break
            case ".", ",", "'", "’", " ", "\u{00A0}", "\u{202F}": separators.append((c, digits.count))
            default:
                guard let code = symbols[c] else { throw fail() }
                try name(code)
            }
        }
        guard !digits.isEmpty, signs <= 1, signs == 0 || !shown.hasPrefix("("), digits.count <= 30 else {
            throw fail()
        }
        // Spaces around the number (`$ 12`, `12 €`) separate nothing.
        separators.removeAll { $0.0.isWhitespace && ($0.1 == 0 || $0.1 == digits.count) }
        // The decimal mark: the last '.' or ','; a lone ',' before exactly three digits (`1,234`)
        // and a repeated mark (`1.234.567`) group thousands instead.
        var decimalMark: Int?
        let marks = separators.indices.filter { [".", ","].contains(separators[$0].0) }
        if let last = marks.last {
            let (mark, position) = separators[last]
            guard position < digits.count else { throw fail() }
            let sameKind = marks.filter { separators[$0].0 == mark }.count
            let mixed = marks.contains { separators[$0].0 != mark }
            if mixed || (sameKind == 1 && !(mark == "," && digits.count - position == 3)) {
                guard sameKind == 1 else { throw fail() }
                decimalMark = last
            }
        }
        let fraction = decimalMark.map { digits.count - separators[$0].1 } ?? 0
        guard fraction <= 4 else { throw fail() }
        // Every other separator groups thousands: 1 to 3 digits first, then three between each.
        let whole = digits.count - fraction
        let groups = separators.indices.filter { $0 != decimalMark }.map { separators[$0].1 }
        if let first = groups.first {
            guard (1...3).contains(first) else { throw fail() }
            // Threes (`1,234,567`), or twos then a three as in India (`12,34,567`).
            let steps = zip(groups, groups.dropFirst()).map { $1 - $0 }
            guard steps.allSatisfy({ $0 == 3 }) || steps.allSatisfy({ $0 == 2 }) else { throw fail() }
            guard whole - groups.last! == 3 else { throw fail() }
        }
        var plain = String(digits.dropLast(fraction))
        if plain.isEmpty { plain = "0" }
        if fraction > 0 { plain += "." + digits.suffix(fraction) }
        guard var amount = Decimal(string: plain, locale: Locale(identifier: "en_US_POSIX")) else { throw fail() }
        if negative { amount.negate() }
        return (amount, currency)
    }

    /// Digits after the decimal mark for `currency` (ISO 4217 minor units).
    static func minorUnits(_ currency: String) -> Int {
        switch currency {
        case "JPY", "KRW", "CLP", "ISK", "VND", "XAF", "XOF", "UGX", "PYG": 0
        case "BHD", "KWD", "OMR", "JOD", "TND", "LYD", "IQD": 3
        default: 2
        }
    }

    /// `amount` rounded to the currency's minor units, grouped by thousands, with the code after.
    public static func text(_ amount: Decimal, _ currency: String) -> String {
        var value = amount
        var rounded = Decimal()
        let places = minorUnits(currency)
        NSDecimalRound(&rounded, &value, places, .plain)
        let negative = rounded < 0
        var plain = (negative ? -rounded : rounded).description
        var fraction = ""
        if let dot = plain.firstIndex(of: ".") {
            fraction = String(plain[plain.index(after: dot)...])
            plain = String(plain[..<dot])
        }
        if places > 0 { fraction = "." + fraction.padding(toLength: places, withPad: "0", startingAt: 0) }
        var grouped = ""
        for (i, c) in plain.reversed().enumerated() {
            if i > 0 && i % 3 == 0 { grouped.append(",") }
            grouped.append(c)
        }
        return (negative ? "-" : "") + String(grouped.reversed()) + fraction + " " + currency
    }
}
