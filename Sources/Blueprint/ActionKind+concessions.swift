import Foundation

extension ActionKind {
    /// What a message gives away, if it does: `a discount`, `a payment plan` or `a write-off`. An
    /// action whose subject or body offers one is high stakes whatever its kind
    /// (``isHighStakes(offering:)``): a reminder that offers to spread a payment, drafted by rules
    /// or by a model, waits for a person like a refund does.
    ///
    /// ```swift
    /// ActionKind.concession(in: ["body": "We can agree a payment plan."])  // "a payment plan"
    /// ```
    public static func concession(in payload: [String: String]) -> String? {
        let text = ConcessionText([payload["subject"], payload["body"]].compactMap { $0 }.joined(separator: "\n"))
        guard !text.isEmpty else { return nil }
        for (name, patterns) in concessions where patterns.contains(where: { $0.matches(text) }) {
            return name
        }
        return nil
    }

    /// Whether the action waits for a person whatever the rules say: a high-stakes kind
    /// (``isHighStakes``), or any action whose text offers a ``concession(in:)``.
    public func isHighStakes(offering payload: [String: String]) -> Bool {
        isHighStakes || self == .discountOffer || Self.concession(in: payload) != nil
    }

    /// The words of each concession, as regular expressions over the lowercased text, each with a
    /// word any match of it contains (its cue).
    static let concessions: [(String, [ConcessionPattern])] = [
        (
            "a discount",
            [
                .init(#"\bdiscount"#, cue: "discount"), .init(#"\b\d+(\.\d+)?\s?% off\b"#, cue: "% off"),
                .init(#"\breduce\w*\b[^.\n]{0,30}\b(price|invoice|balance|amount|bill)"#, cue: "reduce"),
                .init(#"\blower\w*\b[^.\n]{0,30}\b(price|invoice|balance|amount|bill)"#, cue: "lower"),
                .init(#"\bknock\w*\b[^.\n]{0,30}\b(price|invoice|balance|amount|bill)"#, cue: "knock"),
            ]
        ),
        (
            "a payment plan",
            [
                .init(#"\bpayment (plan|schedule|arrangement)"#, cue: "payment "),
                .init(#"\binstal+ments?\b"#, cue: "instal"),
                .init(#"\bsplit\w*\b[^.\n]{0,30}\b(payment|balance|amount|invoice)"#, cue: "split"),
                .init(#"\bspread\w*\b[^.\n]{0,30}\b(payment|balance|amount|invoice)"#, cue: "spread"),
                .init(#"\bpay\w*\b[^.\n]{0,20}\bin (two|three|four|several|\d+) (parts|payments|instal+ments)"#, cue: "pay"),
            ]
        ),
        (
            "a write-off",
            [
                .init(#"\bwrit(e|es|ing|ten)[ -]?off\b"#, cue: "writ"),
                .init(#"\bwrit(e|es|ing|ten) (it|this|the balance|the invoice) off\b"#, cue: "writ"),
                .init(#"\bwaiv(e|ed|ing)\b"#, cue: "waiv"),
                .init(#"\bforgiv(e|en|ing)\b[^.\n]{0,30}\b(debt|balance|invoice|amount)"#, cue: "forgiv"),
                .init(#"\b(no need|don't need|do not need) to pay\b"#, cue: " to pay"),
            ]
        ),
    ]
}
