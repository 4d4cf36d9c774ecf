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
        let text = [payload["subject"], payload["body"]].compactMap { $0 }.joined(separator: "\n").lowercased()
        guard !text.isEmpty else { return nil }
        for (name, patterns) in concessions
        where patterns.contains(where: { text.range(of: $0, options: .regularExpression) != nil }) {
            return name
        }
        return nil
    }

    /// Whether the action waits for a person whatever the rules say: a high-stakes kind
    /// (``isHighStakes``), or any action whose text offers a ``concession(in:)``.
    public func isHighStakes(offering payload: [String: String]) -> Bool {
        isHighStakes || self == .discountOffer || Self.concession(in: payload) != nil
    }

    /// The words of each concession, as regular expressions over the lowercased text.
    static let concessions: [(String, [String])] = [
        (
            "a discount",
            [
                #"\bdiscount"#, #"\b\d+(\.\d+)?\s?% off\b"#,
                #"\b(reduce|lower|knock)\w*\b[^.\n]{0,30}\b(price|invoice|balance|amount|bill)"#,
            ]
        ),
        (
            "a payment plan",
            [
                #"\bpayment (plan|schedule|arrangement)"#, #"\binstal+ments?\b"#,
                #"\b(split|spread)\w*\b[^.\n]{0,30}\b(payment|balance|amount|invoice)"#,
                #"\bpay\w*\b[^.\n]{0,20}\bin (two|three|four|several|\d+) (parts|payments|instal+ments)"#,
            ]
        ),
        (
            "a write-off",
            [
                #"\bwrit(e|es|ing|ten)[ -]?off\b"#, #"\bwrit(e|es|ing|ten) (it|this|the balance|the invoice) off\b"#,
                #"\bwaiv(e|ed|ing)\b"#, #"\bforgiv(e|en|ing)\b[^.\n]{0,30}\b(debt|balance|invoice|amount)"#,
                #"\b(no need|don't need|do not need) to pay\b"#,
            ]
        ),
    ]
}
