/// One token of the expression language.
struct Token: Equatable {
    enum Kind: Equatable {
        case number(Double)
        case string(String)
        case identifier(String)
        case symbol(String)
        case end
    }
    let kind: Kind
    let offset: Int
}

/// Splits expression text into tokens. Identifiers are letters, digits and `_`; symbols are the operators.
struct ExpressionLexer {
    private let chars: [Character]

    init(_ source: String) {
        chars = Array(source)
    }

    func tokens() throws(ExpressionError) -> [Token] {
        var result: [Token] = []
        var i = 0
        while i < chars.count {
            let c = chars[i]
            if c.isWhitespace {
                i += 1
            } else if c.isNumber {
                let start = i
                while i < chars.count, chars[i].isNumber || chars[i] == "_" { i += 1 }
                if i + 1 < chars.count, chars[i] == ".", chars[i + 1].isNumber {
                    i += 1
                    while i < chars.count, chars[i].isNumber { i += 1 }
                }
                let text = String(chars[start..<i]).replacingOccurrences(of: "_", with: "")
                guard let n = Double(text) else { throw ExpressionError("'\(text)' is not a number", at: start) }
                result.append(Token(kind: .number(n), offset: start))
            } else if c.isLetter || c == "_" {
                let start = i
                while i < chars.count, chars[i].isLetter || chars[i].isNumber || chars[i] == "_" { i += 1 }
                result.append(Token(kind: .identifier(String(chars[start..<i])), offset: start))
            } else if c == "'" || c == "\"" {
                let start = i
                i += 1
                var text = ""
                while i < chars.count, chars[i] != c {
                    if chars[i] == "\\", i + 1 < chars.count {
                        i += 1
                    }
                    text.append(chars[i])
                    i += 1
                }
                guard i < chars.count else { throw ExpressionError("text opened with \(c) is never closed", at: start) }
                i += 1
                result.append(Token(kind: .string(text), offset: start))
            } else {
                let two = i + 1 < chars.count ? String(chars[i...(i + 1)]) : ""
                if ["==", "!=", "<=", ">=", "&&", "||"].contains(two) {
                    result.append(Token(kind: .symbol(two), offset: i))
                    i += 2
                } else if "+-*/%<>()[],.!".contains(c) {
                    result.append(Token(kind: .symbol(String(c)), offset: i))
                    i += 1
                } else if c == "=" {
                    throw ExpressionError("use == to compare ('=' alone is not an operator)", at: i)
                } else {
                    throw ExpressionError("unexpected character '\(c)'", at: i)
                }
            }
        }
        result.append(Token(kind: .end, offset: chars.count))
        return result
    }
}
