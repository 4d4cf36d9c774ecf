import BatonTestSupport
import Blueprint
import Foundation
import Testing

/// A message that gives something away (a discount, a payment plan, a write-off) is found in its
/// subject or body, whatever surrounds the words, and the quick cue test never hides one.
struct ConcessionTests {
    /// The concessions as first written: one regular expression each, matched with no cue. The
    /// shipped patterns must find exactly what these find.
    static let reference: [(String, [String])] = [
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

    static func referenceConcession(_ payload: [String: String]) -> String? {
        let text = [payload["subject"], payload["body"]].compactMap { $0 }.joined(separator: "\n").lowercased()
        for (name, patterns) in reference
        where patterns.contains(where: { text.range(of: $0, options: .regularExpression) != nil }) {
            return name
        }
        return nil
    }

    @Test(arguments: [
        ("We can offer a 10% off the first visit.", "a discount"),
        ("Happy to knock a little off the price.", "a discount"),
        ("We can agree a Payment Plan.", "a payment plan"),
        ("You can pay it in three payments.", "a payment plan"),
        ("We'll spread the balance over two months.", "a payment plan"),
        ("We will write off the balance.", "a write-off"),
        ("We are waiving the late fee.", "a write-off"),
        ("We'll \u{212A}NOCK something off the bill.", "a discount"),
        ("There is no need to pay the rest.", "a write-off"),
        ("Thanks for reaching out! Could you send two times that suit you for a visit?", nil),
        ("Your invoice INV-1042 of $480.00 is 12 days overdue; please pay by Friday.", nil),
    ] as [(String, String?)])
    func knownPhrasesAreFound(body: String, expected: String?) {
        #expect(ActionKind.concession(in: ["subject": "Re: your request", "body": body]) == expected)
        #expect(Self.referenceConcession(["body": body]) == expected)
    }

    /// Messages made of the words the patterns look for, their neighbours and noise: the shipped
    /// matching agrees with the reference on every one.
    @Test(arguments: 0..<40)
    func generatedMessagesAgreeWithTheReference(seed: Int) {
        var random = SplitMix(state: UInt64(seed) &* 0x9E37_79B9_7F4A_7C15 &+ 1)
        let words = [
            "discount", "discounts", "10%", "% off", "off", "reduce", "reduced", "lower", "knock", "price", "bill",
            "payment", "plan", "schedule", "instalment", "installments", "split", "spread", "balance", "pay",
            "paying", "in", "two", "three", "parts", "payments", "write", "writes", "written", "off", "write-off",
            "it", "the invoice", "waive", "waived", "forgive", "forgiven", "debt", "no need", "do not need", "to",
            "the", "a", "we", "can", "your", "visit", "Thanks!", ".", "\n", ",", "12", "3.5", "é", "🔧", "PAY",
            "Discount", "WAIVED", "\u{212A}nock", "Wr\u{0130}te", "SPLİT",
        ]
        for _ in 0..<50 {
            let count = Int.random(in: 0...25, using: &random)
            let body = (0..<count).map { _ in words.randomElement(using: &random)! }.joined(
                separator: Bool.random(using: &random) ? " " : "")
            let subject = Bool.random(using: &random) ? words.randomElement(using: &random)! : nil
            var payload = ["body": body]
            payload["subject"] = subject
            #expect(ActionKind.concession(in: payload) == Self.referenceConcession(payload), "\(payload)")
        }
    }

    /// The cue search lowercases only ASCII letters, the Kelvin sign and the dotted capital I: no
    /// other character's lowercase holds an ASCII character, so no cue can hide behind another.
    @Test func onlyTwoCharactersOutsideASCIILowercaseIntoASCII() {
        let intoASCII = (0x80...0x10FFFF).compactMap(Unicode.Scalar.init).filter { scalar in
            scalar.properties.lowercaseMapping.unicodeScalars.contains { $0.isASCII }
        }
        #expect(intoASCII.map(\.value) == [0x130, 0x212A])
    }
}
