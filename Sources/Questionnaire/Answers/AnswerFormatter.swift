import Foundation

/// Renders answers for people (review screens, listings) and for answers files.
public enum AnswerFormatter {
    /// How an answer reads on screen: choice labels, `4 h 30 min`, `yes`.
    public static func display(_ value: AnswerValue, for question: Question, choices: [Choice]) -> String {
        switch value {
        case .skipped: return "(skipped)"
        case .bool(let b): return b ? "yes" : "no"
        case .text(let s):
            return question.type == .singleChoice ? label(s, in: choices) : s
        case .choices(let items):
            return items.isEmpty ? "(none)" : items.map { label($0, in: choices) }.joined(separator: ", ")
        case .number(let d):
            switch question.type {
            case .duration: return duration(d)
            case .scale:
                let point = NSDecimalNumber(decimal: d).intValue
                return question.scaleLabels[point].map { "\(point) — \($0)" } ?? "\(point)"
            default:
                let text = "\(d)"
                return question.unit.map { "\(text) \(unit($0, count: d))" } ?? text
            }
        }
    }

    /// A unit written `singular|plural` (`person|people`), in the form that fits `count`;
    /// the plural when there is no count. A unit without `|` is used as written.
    public static func unit(_ spec: String, count: Decimal? = nil) -> String {
        let forms = spec.split(separator: "|", maxSplits: 1).map(String.init)
        guard forms.count == 2 else { return spec }
        return count == 1 ? forms[0] : forms[1]
    }

    /// A duration in minutes as a person writes it: `30 min`, `4h`, `1h30m`, `2 days`.
    public static func duration(_ minutes: Decimal) -> String {
        let total = NSDecimalNumber(decimal: minutes).doubleValue
        if total == 0 { return "0 min" }
        if total < 60 || total != total.rounded() { return "\(Value.format(total)) min" }
        let whole = Int(total)
        if whole % (24 * 60) == 0 {
            let days = whole / (24 * 60)
            return days == 1 ? "1 day" : "\(days) days"
        }
        let hours = whole / 60
        let rest = whole % 60
        return rest == 0 ? "\(hours)h" : "\(hours)h\(rest)m"
    }

    private static func label(_ value: String, in choices: [Choice]) -> String {
        choices.first { $0.value == value }?.label ?? value
    }
}
