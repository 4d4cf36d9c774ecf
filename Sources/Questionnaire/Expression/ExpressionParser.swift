/// Parses the questionnaire expression language into an ``Expression``.
///
/// Precedence, loosest first: `or`, `and`, `not`, comparisons and `in`, `+ -`, `* / %`, unary `-`.
/// `&&`, `||` and `!` are accepted as spellings of `and`, `or` and `not`.
///
/// ```swift
/// let e = try ExpressionParser.parse("'lead_intake' in workflows and team_size >= 3")
/// ```
public struct ExpressionParser {
    private var tokens: [Token]
    private var index = 0

    /// Parses `source`, throwing an ``ExpressionError`` with the offset of the first problem.
    public static func parse(_ source: String) throws(ExpressionError) -> Expression {
        var parser = ExpressionParser(tokens: try ExpressionLexer(source).tokens())
        if case .end = parser.peek.kind { throw ExpressionError("the expression is empty", at: 0) }
        let expression = try parser.parseOr()
        guard case .end = parser.peek.kind else {
            throw ExpressionError(
                "unexpected \(parser.describe(parser.peek)) after a complete expression", at: parser.peek.offset)
        }
        return expression
    }

    private init(tokens: [Token]) {
        self.tokens = tokens
    }

    private var peek: Token { tokens[index] }

    private mutating func advance() -> Token {
        let token = tokens[index]
        if index < tokens.count - 1 { index += 1 }
        return token
    }

    private func isSymbol(_ s: String) -> Bool { peek.kind == .symbol(s) }
    private func isWord(_ w: String) -> Bool { peek.kind == .identifier(w) }

    private func describe(_ token: Token) -> String {
        switch token.kind {
        case .number(let n): return "number \(Value.format(n))"
        case .string(let s): return "text '\(s)'"
        case .identifier(let name): return "'\(name)'"
        case .symbol(let s): return "'\(s)'"
        case .end: return "end of expression"
        }
    }

    private mutating func expect(_ symbol: String, _ what: String) throws(ExpressionError) {
        guard isSymbol(symbol) else {
            throw ExpressionError("expected \(what), found \(describe(peek))", at: peek.offset)
        }
        _ = advance()
    }

    private mutating func parseOr() throws(ExpressionError) -> Expression {
        var left = try parseAnd()
        while isWord("or") || isSymbol("||") {
            let op = advance()
            left = .binary(.or, left, try parseAnd(), offset: op.offset)
        }
        return left
    }

    private mutating func parseAnd() throws(ExpressionError) -> Expression {
        var left = try parseNot()
        while isWord("and") || isSymbol("&&") {
            let op = advance()
            left = .binary(.and, left, try parseNot(), offset: op.offset)
        }
        return left
    }

    private mutating func parseNot() throws(ExpressionError) -> Expression {
        if isWord("not") || isSymbol("!") {
            let op = advance()
            return .unary(.not, try parseNot(), offset: op.offset)
        }
        return try parseComparison()
    }

    private mutating func parseComparison() throws(ExpressionError) -> Expression {
        let left = try parseAdditive()
        let start = peek.offset
        let op: BinaryOperator?
        switch peek.kind {
        case .symbol(let s):
            op = BinaryOperator(rawValue: s).flatMap {
                [.equal, .notEqual, .less, .lessOrEqual, .greater, .greaterOrEqual].contains($0) ? $0 : nil
            }
        case .identifier("in"): op = .in
        case .identifier("not") where tokens[index + 1].kind == .identifier("in"):
            _ = advance()
            op = .notIn
        default: op = nil
        }
        guard let op else { return left }
        _ = advance()
        let right = try parseAdditive()
        if case .symbol(let s) = peek.kind, ["==", "!=", "<", "<=", ">", ">="].contains(s) {
            throw ExpressionError("comparisons cannot be chained; join them with 'and'", at: peek.offset)
        }
        return .binary(op, left, right, offset: start)
    }

    private mutating func parseAdditive() throws(ExpressionError) -> Expression {
        var left = try parseMultiplicative()
        while isSymbol("+") || isSymbol("-") {
            let op = advance()
            let kind: BinaryOperator = op.kind == .symbol("+") ? .add : .subtract
            left = .binary(kind, left, try parseMultiplicative(), offset: op.offset)
        }
        return left
    }

    private mutating func parseMultiplicative() throws(ExpressionError) -> Expression {
        var left = try parseUnary()
        while isSymbol("*") || isSymbol("/") || isSymbol("%") {
            let op = advance()
            guard case .symbol(let s) = op.kind, let kind = BinaryOperator(rawValue: s) else { break }
            left = .binary(kind, left, try parseUnary(), offset: op.offset)
        }
        return left
    }

    private mutating func parseUnary() throws(ExpressionError) -> Expression {
        if isSymbol("-") {
            let op = advance()
            return .unary(.negate, try parseUnary(), offset: op.offset)
        }
        return try parsePrimary()
    }

    private mutating func parsePrimary() throws(ExpressionError) -> Expression {
        let token = advance()
        switch token.kind {
        case .number(let n):
            return .literal(.number(n), offset: token.offset)
        case .string(let s):
            return .literal(.string(s), offset: token.offset)
        case .identifier("true"):
            return .literal(.bool(true), offset: token.offset)
        case .identifier("false"):
            return .literal(.bool(false), offset: token.offset)
        case .identifier("null"):
            return .literal(.null, offset: token.offset)
        case .identifier(let name) where ["and", "or", "in", "not"].contains(name):
            throw ExpressionError("expected a value, found '\(name)'", at: token.offset)
        case .identifier(let name):
            if isSymbol("(") {
                _ = advance()
                var arguments: [Expression] = []
                if !isSymbol(")") {
                    arguments.append(try parseOr())
                    while isSymbol(",") {
                        _ = advance()
                        arguments.append(try parseOr())
                    }
                }
                try expect(")", "')' to close the call to \(name)")
                return .call(name, arguments, offset: token.offset)
            }
            return .path(try parsePathRest(root: name), offset: token.offset)
        case .symbol("("):
            let inner = try parseOr()
            try expect(")", "')'")
            return inner
        case .symbol("["):
            var items: [Expression] = []
            if !isSymbol("]") {
                items.append(try parseOr())
                while isSymbol(",") {
                    _ = advance()
                    items.append(try parseOr())
                }
            }
            try expect("]", "']' to close the list")
            return .list(items, offset: token.offset)
        default:
            throw ExpressionError("expected a value, found \(describe(token))", at: token.offset)
        }
    }

    private mutating func parsePathRest(root: String) throws(ExpressionError) -> AnswerPath {
        var path = AnswerPath(root: root)
        if isSymbol("[") {
            _ = advance()
            let key = advance()
            switch key.kind {
            case .identifier(let k), .string(let k): path.item = k
            default: throw ExpressionError("expected an item name inside [ ], found \(describe(key))", at: key.offset)
            }
            try expect("]", "']' after the item name")
        }
        if isSymbol(".") {
            _ = advance()
            let field = advance()
            guard case .identifier(let f) = field.kind else {
                throw ExpressionError("expected a question id after '.', found \(describe(field))", at: field.offset)
            }
            path.field = f
        }
        if isSymbol("[") || isSymbol(".") {
            throw ExpressionError("a path has at most one [item] and one .question", at: peek.offset)
        }
        return path
    }
}
