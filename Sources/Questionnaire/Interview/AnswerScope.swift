/// Resolves the names in expressions against a set of answers, from the point of view of one place
/// in the pack (top level, or one item of a repeat group).
struct AnswerScope {
    let pack: Pack
    let answers: AnswerSet
    /// The repeat group and item the expression is evaluated for, if any.
    var group: Section?
    var item: String?

    var evaluator: ExpressionEvaluator {
        ExpressionEvaluator(resolve: { path in resolve(path, depth: 0) })
    }

    private func resolve(_ path: AnswerPath, depth: Int) -> Value {
        if let group, let item {
            if path.root == "item" { return .string(item) }
            if path.root == "item_label" {
                let source = group.repeatFor.flatMap { pack.question($0)?.question }
                return .string(source?.choices.first { $0.value == item }?.label ?? item)
            }
            if group.questions.contains(where: { $0.id == path.root }) {
                return value(AnswerKey(question: path.root, group: group.id, item: item))
            }
        }
        if let repeatGroup = pack.repeatGroup(path.root), let field = path.field {
            if let item = path.item {
                return value(AnswerKey(question: field, group: repeatGroup.id, item: item))
            }
            let items = items(of: repeatGroup)
            return .list(items.map { value(AnswerKey(question: field, group: repeatGroup.id, item: $0)) })
        }
        if let computed = pack.computedValue(path.root), path.field == nil {
            guard depth < 32 else { return .null }
            // Computed values are defined at the top level, whatever scope reads them.
            let topLevel = AnswerScope(pack: pack, answers: answers)
            return ExpressionEvaluator(resolve: { topLevel.resolve($0, depth: depth + 1) }).evaluate(
                computed.expression.expression)
        }
        return value(AnswerKey(question: path.root))
    }

    private func value(_ key: AnswerKey) -> Value {
        answers[key]?.expressionValue ?? .null
    }

    /// The items a repeat group is asked for, in the order of its source question's choices.
    func items(of group: Section) -> [String] {
        guard let source = group.repeatFor, case .choices(let items) = answers[AnswerKey(question: source)] else {
            return []
        }
        return items
    }
}
