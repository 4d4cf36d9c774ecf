import BatonTestSupport
import Diagnostics
import Foundation
import Testing

@testable import Questionnaire

/// What a text answer may hold, over the bundled pack's own questions and generated hostile text.
struct AnswerTextTests {
    static let loaded: Pack? = try? PackLoader.load(path: Fixtures.bundledPack)

    static func pack() throws -> Pack { try #require(loaded, "the bundled pack does not load") }

    static func question(_ id: String) throws -> Question {
        try #require(try pack().question(id)?.question)
    }

    /// The answer the bundled pack's question would save for `text`, or the reason it refuses it.
    static func answer(_ text: String, to id: String) throws -> Result<AnswerValue?, AnswerProblem> {
        let q = try question(id)
        return Result { () throws(AnswerProblem) -> AnswerValue? in
            guard let value = try AnswerParser.parse(text, for: q, choices: []) else { return nil }
            try AnswerValidator(question: q, choices: []).check(value)
            return value
        }
    }

    @Test(arguments: 0..<500)
    func savedTextAnswersHoldNoControlCharacter(seed: Int) throws {
        var gen = HostileText(seed: UInt64(seed))
        let typed = gen.string()
        for id in ["business_name", "notes"] {
            let multiline = id == "notes"
            switch try Self.answer(typed, to: id) {
            case .success(.text(let saved)?):
                #expect(
                    !saved.unicodeScalars.contains { PlainText.isForbidden($0) }, "\(seed): \(saved.debugDescription)")
                #expect(!saved.unicodeScalars.contains { HostileText.isTerminalControl($0) })
                if !multiline { #expect(!saved.contains("\n") && !saved.contains("\t")) }
                // Nothing was silently dropped: the answer is what was typed, less line-break folding.
                let typedKept = typed.unicodeScalars.filter {
                    !CharacterSet.whitespacesAndNewlines.contains($0) && $0 != "\u{FEFF}"
                }
                let savedKept = saved.unicodeScalars.filter { !CharacterSet.whitespacesAndNewlines.contains($0) }
                #expect(String(String.UnicodeScalarView(typedKept)) == String(String.UnicodeScalarView(savedKept)))
            case .success(let other):
                #expect(other == nil, "\(seed): a text question saved \(String(describing: other))")
            case .failure(let problem):
                let forbidden = typed.unicodeScalars.first { PlainText.isForbidden($0) }
                #expect(!problem.message.contains("\n") && !problem.message.contains("\t"))
                if let forbidden {
                    #expect(problem.message.hasPrefix("remove "), "\(seed): \(problem.message)")
                    #expect(problem.message.contains(String(format: "U+%04X", forbidden.value)), "\(problem.message)")
                    #expect(!problem.message.unicodeScalars.contains { PlainText.isForbidden($0) })
                } else {
                    // Only the name's own rules may refuse clean text: its length, or no letter at all.
                    #expect(
                        id == "business_name"
                            && ["keep it under 200 characters", "the name needs at least one letter or digit"]
                                .contains(problem.message),
                        "\(seed): \(problem.message)")
                }
            }
        }
    }

    @Test(arguments: [
        ("Acme\u{1B}[2J", "ESC (U+001B) after 'Acme'"), ("\u{07}Bell", "BEL (U+0007) at the start"),
        ("Nul\u{0}", "NUL (U+0000) after 'Nul'"), ("x\u{9B}31m", "CSI (U+009B) after 'x'"),
        ("Shop\u{202E}gnp.exe", "a text-direction control (U+202E) after 'Shop'"),
        ("a\u{2066}b", "a text-direction control (U+2066) after 'a'"), ("z\u{FFFE}", "a noncharacter (U+FFFE)"),
        ("del\u{7F}", "DEL (U+007F)"),
    ])
    func refusalsNameTheCharacterAndWhereItIs(text: String, expected: String) throws {
        #expect(throws: AnswerProblem.self) { _ = try AnswerText.clean(text, multiline: true) }
        do {
            _ = try AnswerText.clean(text, multiline: false)
        } catch {
            #expect(error.message.contains(expected), "\(error.message)")
            #expect(error.message.contains("plain text"))
        }
    }

    @Test func lineBreaksAreKeptInLongTextAndFoldedInOneLine() throws {
        #expect(try AnswerText.clean("a\r\nb\rc\u{2028}d\u{85}e", multiline: true) == "a\nb\nc\nd\ne")
        #expect(try AnswerText.clean("a\r\n\tb\n\nc", multiline: false) == "a b c")
        #expect(try AnswerText.clean("  one\ttwo  ", multiline: true) == "one\ttwo")
        #expect(try AnswerText.clean("\u{200F}שלום\u{200E} Ltd", multiline: false) == "\u{200F}שלום\u{200E} Ltd")
    }

    @Test(arguments: [
        "مخبز النخيل", "שלום ספרים", "東京歯科", "서울치과", "दिल्ली सेवा", "ภาษาไทย", "مخبز 🍞", "🚀 東京", "Café Zoë",
        "No. 7", "7-Eleven", "١٢٣", "मेरा 🙏 कारोबार",
    ])
    func namesInAnyScriptAreNames(name: String) throws {
        let saved = try Self.answer(name, to: "business_name").get()
        #expect(saved == .text(name))
    }

    @Test(arguments: ["🚀🔥", "🇨🇦", "!!!", "— · —", "👩‍👩‍👧 ✨", "...", "\u{200F}"])
    func aNameWithoutLetterOrDigitIsNotAName(name: String) throws {
        #expect(throws: AnswerProblem("the name needs at least one letter or digit")) {
            _ = try Self.answer(name, to: "business_name").get()
        }
    }

    @Test(arguments: 0..<200)
    func generatedNamesInAnyScriptPass(seed: Int) throws {
        var gen = HostileText(seed: UInt64(seed) &+ 10_000)
        let name = gen.ordinaryName()
        guard name.contains(where: { $0.isLetter || $0.isNumber }), name.count < 200 else { return }
        let expected = try AnswerText.clean(name, multiline: false)
        #expect(try Self.answer(name, to: "business_name").get() == .text(expected), "\(seed): \(name)")
    }

    @Test func anAnswersFileWithAControlCharacterIsRefusedAtItsLine() throws {
        let example = Fixtures.examples.first { $0.hasSuffix("dental-clinic.yaml") }!
        let text = try String(contentsOfFile: example, encoding: .utf8).replacingOccurrences(
            of: "business_name: Cedar Hill Family Dental", with: #"business_name: "Cedar\e]0;pwned\a Hill""#)
        let imported = AnswersImport(try AnswersFile.read(text, file: "hostile.yaml"), pack: try Self.pack())
        let line = try #require(
            text.split(separator: "\n", omittingEmptySubsequences: false).firstIndex { $0.contains("business_name") })
        #expect(
            imported.problems.map(\.description).contains {
                $0.hasPrefix("line \(line + 1): business_name: remove ESC (U+001B) after 'Cedar'")
            }, "\(imported.problems)")
    }

    @Test func aStoredAnswerKeptByEnterIsHeldToTheSameRule() throws {
        let pack = try Self.pack()
        var interview = Interview(pack: pack)
        let step = try #require(interview.current)
        #expect(step.key == AnswerKey(question: "business_name"))
        #expect(throws: AnswerProblem.self) {
            _ = try interview.validate(.value(.text("Old\u{1B}[2J")), for: step, in: interview.effectiveAnswers)
        }
        let value = try interview.accept(.value(.text("Old\r\nName")))
        #expect(value == .text("Old Name"))
        interview.record(value)
    }
}
