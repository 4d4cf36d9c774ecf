import Diagnostics
import Foundation

/// The checks that need the whole pack: ids, references, types, cycles, and conditions that cannot hold.
///
/// Pure: it reads a ``Pack`` and returns issues; ``PackLoader`` runs it on every load.
struct PackLinter {
    let pack: Pack
    private var found: [PackIssue] = []
    /// Position of every top-level question in asking order, for "asked later" checks.
    private var ordinals: [String: Int] = [:]
    private var computedTypes: [String: ValueType] = [:]

    static let reservedNames: Set<String> = ["item", "item_label", "true", "false", "null", "and", "or", "not", "in"]

    init(pack: Pack) {
        self.pack = pack
    }

    /// Where an expression stands, which decides the names it may use.
    private struct Place {
        /// The repeat group the expression is inside, if any.
        var group: Section?
        /// Ordinal of the question the expression belongs to; `nil` for computed values.
        var ordinal: Int?
        /// The question the expression belongs to.
        var ownQuestion: String?
        /// Whether the expression may read its own question's answer (validations do, conditions do not).
        var readsOwnAnswer = false
        /// What the expression is, for messages.
        var what: String
    }

    func issues() -> [PackIssue] {
        var linter = self
        linter.run()
        return linter.found
    }

    private mutating func error(_ location: SourceLocation, _ message: String) {
        found.append(PackIssue(.error, at: location, message))
    }

    private mutating func warning(_ location: SourceLocation, _ message: String) {
        found.append(PackIssue(.warning, at: location, message))
    }

    private mutating func run() {
        checkIds()
        var ordinal = 0
        for section in pack.sections {
            for question in section.questions where section.repeatFor == nil {
                ordinals[question.id] = ordinal
                ordinal += 1
            }
            if section.repeatFor == nil { continue }
            ordinals[section.id] = ordinal
            ordinal += 1
        }
        checkTiming()
        checkComputedCycles()
        for computed in pack.computed {
            computedTypes[computed.id] = infer(computed.expression, Place(what: "computed value '\(computed.id)'"))
        }
        for section in pack.sections {
            checkSection(section)
        }
    }

    // MARK: Ids

    private mutating func checkIds() {
        var seen: [String: SourceLocation] = [:]
        func claim(_ id: String, _ location: SourceLocation, _ what: String, into seen: inout [String: SourceLocation])
        {
            if id.isEmpty || !id.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" }) || id.first!.isNumber {
                error(location, "\(what) id '\(id)' must be letters, digits and _, not starting with a digit")
            } else if Self.reservedNames.contains(id) || BuiltinFunction(rawValue: id) != nil {
                error(location, "\(what) id '\(id)' is a reserved word of the expression language")
            } else if let first = seen[id] {
                error(location, "duplicate id '\(id)': already used at \(first.line):\(first.column)")
            } else {
                seen[id] = location
            }
        }
        var sectionIds: [String: SourceLocation] = [:]
        for section in pack.sections {
            if let first = sectionIds[section.id] {
                error(
                    section.location,
                    "duplicate section id '\(section.id)': already used at \(first.line):\(first.column)")
            }
            sectionIds[section.id] = section.location
            if section.repeatFor != nil {
                claim(section.id, section.location, "repeat group", into: &seen)
            }
            if section.questions.isEmpty {
                warning(section.location, "section '\(section.id)' has no questions")
            }
        }
        for section in pack.sections where section.repeatFor == nil {
            for q in section.questions { claim(q.id, q.location, "question", into: &seen) }
        }
        for c in pack.computed { claim(c.id, c.location, "computed value", into: &seen) }
        for section in pack.sections where section.repeatFor != nil {
            var local = seen
            for q in section.questions { claim(q.id, q.location, "question", into: &local) }
        }
    }

    private mutating func checkTiming() {
        let used = Set(pack.sections.flatMap { $0.questions.map(\.type) })
        let location = SourceLocation(file: pack.file, line: 1, column: 1)
        for type in QuestionType.allCases where used.contains(type) && pack.secondsPerType[type] == nil {
            error(location, "timing has no seconds for '\(type.rawValue)', which the pack uses")
        }
    }

    // MARK: Sections and questions

    private mutating func checkSection(_ section: Section) {
        var group: Section?
        if let source = section.repeatFor {
            if let (_, q) = topLevelQuestion(source), q.type == .multipleChoice {
                group = section
                if ordinals[source, default: 0] > ordinals[section.id, default: 0] {
                    error(
                        section.location, "repeat group '\(section.id)' repeats for '\(source)', which is asked later")
                }
            } else {
                error(
                    section.location,
                    "repeat.for_each must name an earlier multiple_choice question; '\(source)' is not one")
            }
        }
        let firstOrdinal = section.questions.first.flatMap { ordinals[$0.id] } ?? ordinals[section.id]
        if let when = section.when {
            checkCondition(
                when, Place(group: nil, ordinal: firstOrdinal, what: "the condition of section '\(section.id)'"))
        }
        for question in section.questions {
            checkQuestion(question, in: group, ordinal: ordinals[question.id] ?? ordinals[section.id])
        }
    }

    private mutating func checkQuestion(_ q: Question, in group: Section?, ordinal: Int?) {
        let place = Place(group: group, ordinal: ordinal, ownQuestion: q.id, what: "the condition of '\(q.id)'")
        if let when = q.when {
            checkCondition(when, place)
        }
        checkShape(q)
        for (index, rule) in q.validations.enumerated() {
            let p = Place(
                group: group, ordinal: ordinal, ownQuestion: q.id, readsOwnAnswer: true,
                what: "validation \(index + 1) of '\(q.id)'")
            checkCondition(rule.rule, p)
        }
        for choice in q.choices {
            if let when = choice.when {
                checkCondition(
                    when,
                    Place(
                        group: group, ordinal: ordinal, ownQuestion: q.id,
                        what: "the condition of choice '\(choice.value)'"))
            }
        }
        for placeholder in PromptText.placeholders(in: q.prompt) {
            let location = q.location
            do {
                let parsed = try ExpressionParser.parse(placeholder)
                let expression = PackExpression(
                    source: placeholder, expression: parsed, location: location, mapsColumns: false)
                _ = infer(
                    expression,
                    Place(group: group, ordinal: ordinal, ownQuestion: q.id, what: "the prompt of '\(q.id)'"))
            } catch {
                self.error(location, "in the prompt of '\(q.id)', {{ \(placeholder) }}: \(error.message)")
            }
        }
    }

    /// Checks that the keys a question uses fit its type.
    private mutating func checkShape(_ q: Question) {
        let at = q.location
        if q.type.hasChoices {
            if q.choices.isEmpty && q.choicesFrom == nil {
                error(at, "'\(q.id)' is a \(q.type.rawValue) question and needs choices or choices_from")
            }
            if !q.choices.isEmpty && q.choicesFrom != nil {
                error(at, "'\(q.id)' has both choices and choices_from; keep one")
            }
            var values: Set<String> = []
            for c in q.choices where !values.insert(c.value).inserted {
                error(at, "'\(q.id)' lists choice '\(c.value)' twice")
            }
            if let source = q.choicesFrom {
                if let (_, sourceQuestion) = topLevelQuestion(source), sourceQuestion.type == .multipleChoice {
                    if ordinals[source, default: 0] >= ordinals[q.id, default: Int.max] {
                        error(at, "'\(q.id)' takes its choices from '\(source)', which is asked later")
                    }
                } else {
                    error(
                        at,
                        "choices_from of '\(q.id)' must name an earlier multiple_choice question; '\(source)' is not one"
                    )
                }
            }
        } else if !q.choices.isEmpty || q.choicesFrom != nil {
            error(
                at,
                "'\(q.id)' is a \(q.type.rawValue) question; choices only apply to single_choice and multiple_choice")
        }
        if (q.min != nil || q.max != nil) && !q.type.isNumeric {
            error(at, "min and max apply to numeric questions; '\(q.id)' is \(q.type.rawValue)")
        }
        if let min = q.min, let max = q.max, min > max {
            error(at, "'\(q.id)' has min \(min) above max \(max)")
        }
        if (q.minSelected != nil || q.maxSelected != nil || q.realisticMax != nil) && q.type != .multipleChoice {
            error(
                at,
                "min_selected, max_selected and realistic_max apply to multiple_choice; '\(q.id)' is \(q.type.rawValue)"
            )
        }
        if let pattern = q.pattern {
            if q.type != .text && q.type != .longText {
                error(at, "pattern applies to text questions; '\(q.id)' is \(q.type.rawValue)")
            } else if (try? NSRegularExpression(pattern: pattern)) == nil {
                error(at, "pattern of '\(q.id)' is not a valid regular expression: \(pattern)")
            }
        }
        if !q.scaleLabels.isEmpty && q.type != .scale {
            error(at, "labels apply to scale questions; '\(q.id)' is \(q.type.rawValue)")
        }
        if q.prompt.trimmingCharacters(in: .whitespaces).isEmpty {
            error(at, "'\(q.id)' has an empty prompt")
        }
    }

    // MARK: Expressions

    private mutating func checkCondition(_ expression: PackExpression, _ place: Place) {
        let type = infer(expression, place)
        if type != .bool && type != .any {
            error(expression.location, "\(place.what) must be true or false, but it gives \(type.name)")
        }
        if expression.expression.paths.isEmpty {
            let constant = ExpressionEvaluator(resolve: { _ in .null }).evaluate(expression.expression)
            if !constant.isTrue {
                error(expression.location, "\(place.what) can never be true: it does not depend on any answer")
            }
        }
        findImpossibleComparisons(expression.expression, expression, place)
    }

    /// Infers the type of an expression, reporting unknown names and functions and mismatched types.
    private mutating func infer(_ expression: PackExpression, _ place: Place) -> ValueType {
        infer(expression.expression, expression, place)
    }

    private mutating func infer(_ node: Expression, _ source: PackExpression, _ place: Place) -> ValueType {
        let at = source.location(at: node.offset)
        switch node {
        case .literal(let value, _):
            switch value {
            case .null: return .null
            case .bool: return .bool
            case .number: return .number
            case .string: return .string
            case .list: return .list
            }
        case .list(let items, _):
            for item in items { _ = infer(item, source, place) }
            return .list
        case .path(let path, _):
            return pathType(path, at: at, place)
        case .unary(.not, let operand, _):
            let t = infer(operand, source, place)
            if !ValueType.bool.accepts(t) { error(at, "'not' needs true/false, got \(t.name)") }
            return .bool
        case .unary(.negate, let operand, _):
            let t = infer(operand, source, place)
            if !ValueType.number.accepts(t) { error(at, "'-' needs a number, got \(t.name)") }
            return .number
        case .binary(let op, let l, let r, _):
            let lt = infer(l, source, place)
            let rt = infer(r, source, place)
            return binaryType(op, lt, rt, at: at)
        case .call(let name, let arguments, _):
            let types = arguments.map { infer($0, source, place) }
            guard let function = BuiltinFunction(rawValue: name) else {
                let names = BuiltinFunction.allCases.map(\.rawValue)
                let hint = Spelling.hint(for: name, in: names)
                error(at, "unknown function '\(name)'\(hint); functions: \(names.joined(separator: ", "))")
                return .any
            }
            if !function.arity.contains(arguments.count) {
                let range = function.arity
                let expected = range.count == 1 ? "\(range.lowerBound)" : "\(range.lowerBound) or more"
                error(
                    at,
                    "\(name)() takes \(expected) argument\(range.lowerBound == 1 && range.count == 1 ? "" : "s"), got \(arguments.count)"
                )
            }
            for (index, type) in types.enumerated() {
                if let problem = function.argumentProblem(type, at: index) {
                    error(source.location(at: arguments[index].offset), problem)
                }
            }
            return function.resultType(types)
        }
    }

    private mutating func binaryType(_ op: BinaryOperator, _ lt: ValueType, _ rt: ValueType, at: SourceLocation)
        -> ValueType
    {
        switch op {
        case .and, .or:
            for t in [lt, rt] where !ValueType.bool.accepts(t) {
                error(at, "'\(op.rawValue)' joins true/false conditions, but one side is \(t.name)")
            }
            return .bool
        case .add where lt == .string && rt == .string:
            return .string
        case .add, .subtract, .multiply, .divide, .remainder:
            for t in [lt, rt] where !ValueType.number.accepts(t) {
                error(at, "'\(op.rawValue)' needs numbers, but one side is \(t.name)")
            }
            return .number
        case .equal, .notEqual:
            if !lt.accepts(rt) {
                error(at, "'\(op.rawValue)' compares \(lt.name) with \(rt.name), which is never equal")
            }
            return .bool
        case .less, .lessOrEqual, .greater, .greaterOrEqual:
            if !(lt.accepts(rt) && (lt == .number || lt == .string || lt == .any || lt == .null)) {
                error(at, "'\(op.rawValue)' orders numbers or text, not \(lt.name) and \(rt.name)")
            }
            return .bool
        case .in, .notIn:
            if !(rt == .list || rt == .string || rt == .any) {
                error(at, "'\(op.rawValue)' needs a list or text on its right, got \(rt.name)")
            }
            return .bool
        }
    }

    private mutating func pathType(_ path: AnswerPath, at: SourceLocation, _ place: Place) -> ValueType {
        let root = path.root
        if let group = place.group {
            if root == "item" || root == "item_label" {
                if path.item != nil || path.field != nil {
                    error(at, "'\(root)' is the current item's text; it has no parts")
                }
                return .string
            }
            if let q = group.questions.first(where: { $0.id == root }) {
                if path.item != nil || path.field != nil {
                    error(at, "inside its group, '\(root)' is the answer for the current item")
                }
                let target = group.questions.firstIndex { $0.id == root } ?? 0
                if let own = place.ownQuestion, let current = group.questions.firstIndex(where: { $0.id == own }),
                    target > current || (target == current && !place.readsOwnAnswer)
                {
                    error(at, "'\(root)' is not asked before \(place.what), so it has no answer there")
                }
                return q.type.valueType
            }
        } else if root == "item" || root == "item_label" {
            error(at, "'\(root)' is only known inside a repeat group")
            return .any
        }
        if let group = pack.repeatGroup(root) {
            guard let field = path.field else {
                error(
                    at,
                    "'\(root)' is a repeat group; name one of its questions, e.g. \(root).\(group.questions.first?.id ?? "question")"
                )
                return .any
            }
            guard let q = group.questions.first(where: { $0.id == field }) else {
                error(at, "repeat group '\(root)' has no question '\(field)'")
                return .any
            }
            if let item = path.item, let source = group.repeatFor, let (_, sourceQ) = topLevelQuestion(source),
                !sourceQ.choices.contains(where: { $0.value == item })
            {
                error(at, "'\(item)' is not a choice of '\(source)', so \(path) never has an answer")
            }
            checkOrder(root, at: at, place)
            return path.item == nil ? .list : q.type.valueType
        }
        if path.item != nil || path.field != nil {
            error(at, "'\(root)' is not a repeat group, so \(path) names nothing")
            return .any
        }
        if let (_, q) = topLevelQuestion(root) {
            checkOrder(root, at: at, place)
            return q.type.valueType
        }
        if pack.computedValue(root) != nil {
            return computedTypes[root] ?? .any
        }
        let known = Array(ordinals.keys) + pack.computed.map(\.id) + (place.group?.questions.map(\.id) ?? [])
        let hint = Spelling.hint(for: root, in: known)
        error(at, "unknown id '\(root)' in \(place.what)\(hint)")
        return .any
    }

    /// Reports a reference to a question that is asked at or after the place that reads it.
    private mutating func checkOrder(_ id: String, at: SourceLocation, _ place: Place) {
        guard let ordinal = place.ordinal, let target = ordinals[id] else { return }
        if target > ordinal || (target == ordinal && !(place.ownQuestion == id && place.readsOwnAnswer)) {
            error(at, "'\(id)' is asked after this point, so \(place.what) would read no answer")
        }
    }

    private func topLevelQuestion(_ id: String) -> (Section, Question)? {
        for section in pack.sections where section.repeatFor == nil {
            if let q = section.questions.first(where: { $0.id == id }) { return (section, q) }
        }
        return nil
    }

    // MARK: Conditions that cannot hold

    /// Finds comparisons against a choice that does not exist, or a number outside the question's range.
    private mutating func findImpossibleComparisons(_ node: Expression, _ source: PackExpression, _ place: Place) {
        switch node {
        case .binary(let op, let l, let r, let offset):
            if op == .and, let contradiction = Self.contradiction(in: node) {
                error(
                    source.location(at: offset),
                    "\(place.what) can never be true: '\(contradiction)' cannot satisfy every bound joined by 'and'")
            }
            findImpossibleComparisons(l, source, place)
            findImpossibleComparisons(r, source, place)
            let at = source.location(at: offset)
            switch (op, l, r) {
            case (.equal, .path(let p, _), .literal(let v, _)), (.notEqual, .path(let p, _), .literal(let v, _)),
                (.equal, .literal(let v, _), .path(let p, _)), (.notEqual, .literal(let v, _), .path(let p, _)):
                checkChoiceLiteral(p, v, at: at, place)
                if op == .equal, case .number(let n) = v { checkRange(p, op, n, at: at, place) }
            case (.in, .literal(let v, _), .path(let p, _)), (.notIn, .literal(let v, _), .path(let p, _)):
                checkChoiceLiteral(p, v, at: at, place)
            case (.in, .path(let p, _), .list(let items, _)), (.notIn, .path(let p, _), .list(let items, _)):
                for case .literal(let v, _) in items { checkChoiceLiteral(p, v, at: at, place) }
            case (.less, .path(let p, _), .literal(.number(let n), _)),
                (.lessOrEqual, .path(let p, _), .literal(.number(let n), _)),
                (.greater, .path(let p, _), .literal(.number(let n), _)),
                (.greaterOrEqual, .path(let p, _), .literal(.number(let n), _)):
                checkRange(p, op, n, at: at, place)
            default:
                break
            }
        case .unary(_, let operand, _):
            findImpossibleComparisons(operand, source, place)
        case .call(let name, let arguments, let offset) where name == "selected" && arguments.count == 2:
            if case .path(let p, _) = arguments[0], case .literal(let v, _) = arguments[1] {
                checkChoiceLiteral(p, v, at: source.location(at: offset), place)
            }
        case .call(_, let arguments, _), .list(let arguments, _):
            for argument in arguments { findImpossibleComparisons(argument, source, place) }
        default:
            break
        }
    }

    /// A path whose numeric bounds, joined by `and`, leave no value: `a > 5 and a < 3`.
    static func contradiction(in node: Expression) -> String? {
        var terms: [Expression] = []
        func flatten(_ e: Expression) {
            if case .binary(.and, let l, let r, _) = e {
                flatten(l)
                flatten(r)
            } else {
                terms.append(e)
            }
        }
        flatten(node)
        var bounds: [String: (low: Double, lowStrict: Bool, high: Double, highStrict: Bool)] = [:]
        for term in terms {
            guard case .binary(var op, let l, let r, _) = term else { continue }
            let path: AnswerPath
            let n: Double
            switch (l, r) {
            case (.path(let p, _), .literal(.number(let v), _)):
                path = p
                n = v
            case (.literal(.number(let v), _), .path(let p, _)):
                path = p
                n = v
                let flipped: [BinaryOperator: BinaryOperator] = [
                    .less: .greater, .lessOrEqual: .greaterOrEqual, .greater: .less, .greaterOrEqual: .lessOrEqual,
                ]
                op = flipped[op] ?? op
            default:
                continue
            }
            var b = bounds[path.description] ?? (-.infinity, false, .infinity, false)
            switch op {
            case .greater where n >= b.low: b.low = n; b.lowStrict = true
            case .greaterOrEqual where n > b.low: b.low = n; b.lowStrict = false
            case .less where n <= b.high: b.high = n; b.highStrict = true
            case .lessOrEqual where n < b.high: b.high = n; b.highStrict = false
            case .equal:
                if n > b.low || (n == b.low && !b.lowStrict) { b.low = n; b.lowStrict = false }
                if n < b.high || (n == b.high && !b.highStrict) { b.high = n; b.highStrict = false }
                if n < b.low || n > b.high { b.low = .infinity }
            default: break
            }
            bounds[path.description] = b
            if b.low > b.high || (b.low == b.high && (b.lowStrict || b.highStrict)) { return path.description }
        }
        return nil
    }

    /// The choices an answer at `path` can take, if it is a choice question (or the current repeat item).
    private func choiceValues(_ path: AnswerPath, _ place: Place) -> (owner: String, values: [String])? {
        if let group = place.group, path.root == "item", let source = group.repeatFor,
            let (_, q) = topLevelQuestion(source)
        {
            return (source, q.choices.map(\.value))
        }
        guard let q = question(at: path, place), q.type.hasChoices, q.choicesFrom == nil else { return nil }
        return (q.id, q.choices.map(\.value))
    }

    private func question(at path: AnswerPath, _ place: Place) -> Question? {
        if let group = place.group, path.field == nil, let q = group.questions.first(where: { $0.id == path.root }) {
            return q
        }
        if let field = path.field { return pack.repeatGroup(path.root)?.questions.first { $0.id == field } }
        return topLevelQuestion(path.root)?.1
    }

    private mutating func checkChoiceLiteral(_ path: AnswerPath, _ value: Value, at: SourceLocation, _ place: Place) {
        guard case .string(let text) = value, let (owner, values) = choiceValues(path, place), !values.contains(text)
        else { return }
        let hint = Spelling.hint(for: text, in: values)
        error(at, "'\(text)' is not a choice of '\(owner)'\(hint), so this comparison can never be true")
    }

    private mutating func checkRange(
        _ path: AnswerPath, _ op: BinaryOperator, _ n: Double, at: SourceLocation, _ place: Place
    ) {
        guard let q = question(at: path, place), q.type.isNumeric else { return }
        let min = q.min.map { NSDecimalNumber(decimal: $0).doubleValue } ?? (q.type == .scale ? 1 : -.infinity)
        let max = q.max.map { NSDecimalNumber(decimal: $0).doubleValue } ?? (q.type == .scale ? 5 : .infinity)
        let impossible: Bool
        switch op {
        case .equal: impossible = n < min || n > max
        case .less: impossible = min >= n
        case .lessOrEqual: impossible = min > n
        case .greater: impossible = max <= n
        case .greaterOrEqual: impossible = max < n
        default: impossible = false
        }
        if impossible {
            error(
                at,
                "'\(path)' ranges from \(Value.format(min)) to \(Value.format(max)), so '\(op.rawValue) \(Value.format(n))' can never be true"
            )
        }
    }

    // MARK: Computed values

    private mutating func checkComputedCycles() {
        var dependencies: [String: [String]] = [:]
        for c in pack.computed {
            dependencies[c.id] = c.expression.expression.paths.map(\.path.root).filter { pack.computedValue($0) != nil }
        }
        var reported: Set<String> = []
        for c in pack.computed {
            var stack: [String] = []
            if let cycle = findCycle(from: c.id, dependencies, &stack),
                !reported.contains(Set(cycle).sorted().joined(separator: ","))
            {
                reported.insert(Set(cycle).sorted().joined(separator: ","))
                error(c.location, "computed values depend on each other in a cycle: \(cycle.joined(separator: " → "))")
            }
        }
    }

    private func findCycle(from id: String, _ dependencies: [String: [String]], _ stack: inout [String]) -> [String]? {
        if let start = stack.firstIndex(of: id) { return Array(stack[start...]) + [id] }
        stack.append(id)
        defer { stack.removeLast() }
        for next in dependencies[id] ?? [] {
            if let cycle = findCycle(from: next, dependencies, &stack) { return cycle }
        }
        return nil
    }
}
