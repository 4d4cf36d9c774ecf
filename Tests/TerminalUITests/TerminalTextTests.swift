import BatonTestSupport
import Foundation
import Testing

@testable import TerminalUI

/// Text from people reaches the terminal shown, never obeyed: over generated hostile text.
struct TerminalTextTests {
    /// The output less our own colour codes (`ESC [ n m`), which are the only escapes allowed.
    static func withoutOwnColours(_ text: String) -> String {
        text.replacingOccurrences(of: "\u{1B}\\[[0-9;]*m", with: "", options: .regularExpression)
    }

    static func controls(in text: String) -> [Unicode.Scalar] {
        text.unicodeScalars.filter { HostileText.isTerminalControl($0) }
    }

    @Test(arguments: 0..<400)
    func safeTextHoldsNothingATerminalObeys(seed: Int) {
        var gen = HostileText(seed: UInt64(seed))
        let text = gen.string()
        let multi = TerminalText.safe(text)
        let single = TerminalText.safe(text, multiline: false)
        #expect(Self.controls(in: multi).isEmpty, "\(seed): \(multi.debugDescription)")
        #expect(Self.controls(in: single).isEmpty && !single.contains("\n") && !single.contains("\t"))
        // Every control is shown by something visible, never silently dropped.
        let count = text.unicodeScalars.filter { TerminalText.needsNeutralising($0) }.count
        #expect(count == 0 ? multi == text : multi != text)
        #expect(multi.unicodeScalars.count >= text.unicodeScalars.count)
    }

    @Test(arguments: 0..<200)
    func ordinaryTextInAnyScriptIsUnchanged(seed: Int) {
        var gen = HostileText(seed: UInt64(seed) &+ 5_000)
        let name = gen.ordinaryName()
        #expect(TerminalText.safe(name) == name)
        #expect(TerminalText.safe(name, multiline: false) == name)
    }

    @Test func controlsBecomeTheirPicturesAndBidiItsCode() {
        #expect(TerminalText.safe("Acme\u{1B}]0;owned\u{07}") == "Acme␛]0;owned␇")
        #expect(TerminalText.safe("a\u{0}b\u{7F}\r") == "a␀b␡␍")
        #expect(TerminalText.safe("x\u{9B}2J") == "x<U+009B>2J")
        #expect(TerminalText.safe("Shop\u{202E}gnp.exe\u{2069}") == "Shop<U+202E>gnp.exe<U+2069>")
        #expect(TerminalText.safe("one\ntwo\tthree") == "one\ntwo\tthree")
        #expect(TerminalText.safe("one\ntwo\tthree", multiline: false) == "one two three")
    }

    @Test(arguments: 0..<300)
    func screensShowPeoplesTextWithoutObeyingIt(seed: Int) {
        var gen = HostileText(seed: UInt64(seed) &+ 20_000)
        let options = (0..<gen.int(1...5)).map { _ in gen.string() }
        let inputs: [ScreenInput] = [
            .select(SelectState(options: options)), .multiSelect(MultiSelectState(options: options, selected: [0])),
            .text(TextInputState(text: gen.string())),
        ]
        for input in inputs {
            var screen = PromptScreen(
                heading: gen.string(), progress: ScreenProgress(position: 1, total: 3, answered: 0, minutesLeft: 2),
                preface: gen.string(), title: "Which industry is \(gen.string()) in?", help: gen.string(),
                error: "'\(gen.string())' is not one of the choices", unit: gen.string(), input: input)
            screen.showHelp = true
            let lines = ScreenRenderer(width: 80, height: 40, style: TextStyle(colors: true)).render(screen)
            let drawn = Self.withoutOwnColours(lines.joined(separator: "\n"))
            #expect(Self.controls(in: drawn).isEmpty, "\(seed): \(drawn.debugDescription)")
        }
    }

    @Test(arguments: 0..<200)
    func lineModeEchoesAndPromptsWithoutObeying(seed: Int) {
        var gen = HostileText(seed: UInt64(seed) &+ 30_000)
        var input = [gen.string(), "?", gen.string()]
        let typed = input
        var output = ""
        let prompter = LinePrompter(
            style: TextStyle(colors: true), readLine: { input.isEmpty ? nil : input.removeFirst() },
            write: { output += $0 })
        let screen = PromptScreen(
            heading: gen.string(), progress: nil, preface: gen.string(), title: gen.string(), help: gen.string(),
            error: gen.string(), unit: gen.string(), input: .text(TextInputState(text: gen.string())))
        let first = prompter.ask(screen)
        _ = prompter.ask(screen)
        prompter.say(gen.string())
        #expect(Self.controls(in: Self.withoutOwnColours(output)).isEmpty, "\(seed): \(output.debugDescription)")
        // What was typed goes on unchanged: deciding what an answer may hold is the questionnaire's job.
        if !["b", "back", "<", "?", "help"].contains(typed[0].filter { !$0.isWhitespace }.lowercased()) {
            #expect(first == .value(.text(typed[0])))
        }
    }
}
