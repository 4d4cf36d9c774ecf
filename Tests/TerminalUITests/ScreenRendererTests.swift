import Testing

@testable import TerminalUI

struct ScreenRendererTests {
    func screen(_ input: ScreenInput, error: String? = nil) -> PromptScreen {
        PromptScreen(
            heading: "Assessment · Basics",
            progress: ScreenProgress(position: 3, total: 10, answered: 2, minutesLeft: 4),
            title: "How many people work here?",
            help: "Including you.",
            error: error,
            unit: "people",
            input: input)
    }

    @Test func withoutColoursThereAreNoEscapeSequences() {
        let lines = ScreenRenderer(width: 80, height: 24, style: TextStyle(colors: false))
            .render(screen(.select(SelectState(options: ["One", "Two"], cursor: 1)), error: "choose one"))
        let text = lines.joined(separator: "\n")
        #expect(!text.contains("\u{1B}"))
        #expect(text.contains("3 of 10 · about 4 min left"))
        #expect(lines.contains("  1. One"))
        #expect(lines.contains("› 2. Two"))
        #expect(text.contains("✗ choose one"))
    }

    @Test func coloursWrapTheCursorLine() {
        let lines = ScreenRenderer(width: 80, height: 24, style: TextStyle(colors: true))
            .render(screen(.select(SelectState(options: ["One"]))))
        #expect(lines.contains { $0.contains("\u{1B}[36m› 1. One") })
    }

    @Test func noColorDisablesColours() {
        #expect(!TextStyle.detect(outputIsTerminal: true, environment: ["NO_COLOR": "1"]).colors)
        #expect(!TextStyle.detect(outputIsTerminal: false, environment: [:]).colors)
        #expect(TextStyle.detect(outputIsTerminal: true, environment: ["TERM": "xterm"]).colors)
    }

    @Test func longListsScrollToKeepTheCursorVisible() {
        let options = (1...40).map { "Option \($0)" }
        let lines = ScreenRenderer(width: 80, height: 15, style: TextStyle(colors: false))
            .render(screen(.multiSelect(MultiSelectState(options: options, selected: [34]))))
        #expect(lines.count <= 15)
        // The cursor is on the first option; the last ones are off screen.
        #expect(lines.contains { $0.contains("Option 1") })
        #expect(!lines.contains { $0.contains("Option 40") })
    }

    @Test func helpShowsOnlyWhenAskedFor() {
        var s = screen(.text(TextInputState()))
        let renderer = ScreenRenderer(width: 80, height: 24, style: TextStyle(colors: false))
        #expect(!renderer.render(s).contains { $0.contains("Including you.") })
        s.showHelp = true
        #expect(renderer.render(s).contains { $0.contains("Including you.") })
    }

    @Test(arguments: [(0.0, "[----------]"), (0.5, "[#####-----]"), (1.0, "[##########]"), (2.0, "[##########]")])
    func progressBar(fraction: Double, expected: String) {
        #expect(ProgressBar(width: 10, unicode: false).render(fraction) == expected)
    }

    @Test func linePrompterNumbersChoicesAndReportsEndOfInput() {
        var input = ["", "b"]
        var output = ""
        let prompter = LinePrompter(
            style: TextStyle(colors: false), readLine: { input.isEmpty ? nil : input.removeFirst() },
            write: { output += $0 })
        let s = screen(.select(SelectState(options: ["One", "Two"])))
        #expect(prompter.ask(s) == .value(.text("")))
        #expect(prompter.ask(s) == .back)
        #expect(prompter.ask(s) == .endOfInput)
        #expect(output.contains("  1) One\n  2) Two\n"))
        #expect(output.contains("[3/10] How many people work here?"))
    }
}
