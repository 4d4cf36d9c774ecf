import Testing

@testable import TerminalUI

struct PromptStateTests {
    @Test func selectMovesWrapsAndPicks() {
        var state = SelectState(options: ["a", "b", "c"])
        #expect(state.handle(.down) == .none)
        #expect(state.handle(.character("j")) == .none)
        #expect(state.cursor == 2)
        #expect(state.handle(.down) == .none)
        #expect(state.cursor == 0)
        #expect(state.handle(.up) == .none)
        #expect(state.cursor == 2)
        #expect(state.handle(.enter) == .submit(.option(2)))
        #expect(state.handle(.character("2")) == .submit(.option(1)))
        #expect(state.handle(.character("9")) == .none)
        #expect(state.handle(.left) == .back)
        #expect(state.handle(.backTab) == .back)
        #expect(state.handle(.character("?")) == .toggleHelp)
        #expect(state.handle(.ctrlC) == .interrupt)
    }

    @Test func multiSelectTogglesWithSpaceAndNumbers() {
        var state = MultiSelectState(options: ["a", "b", "c"], selected: [2])
        #expect(state.handle(.space) == .none)
        #expect(state.handle(.character("2")) == .none)
        #expect(state.selected == [0, 1, 2])
        #expect(state.handle(.character("3")) == .none)
        #expect(state.handle(.enter) == .submit(.options([0, 1])))
        #expect(state.handle(.character("a")) == .none)
        #expect(state.selected == [0, 1, 2])
        #expect(state.handle(.character("a")) == .none)
        #expect(state.selected.isEmpty)
    }

    @Test func textInputEditsAndGoesBackOnlyWhenEmpty() {
        var state = TextInputState(text: "4")
        #expect(state.handle(.character("h")) == .none)
        #expect(state.handle(.left) == .none)
        #expect(state.handle(.enter) == .submit(.text("4h")))
        #expect(state.handle(.backspace) == .none)
        #expect(state.handle(.backspace) == .none)
        #expect(state.text.isEmpty)
        #expect(state.handle(.character("?")) == .toggleHelp)
        #expect(state.handle(.left) == .back)
        #expect(state.handle(.character("a")) == .none)
        #expect(state.handle(.character("?")) == .none)
        #expect(state.text == "a?")
        #expect(state.handle(.ctrlU) == .none)
        #expect(state.text.isEmpty)
    }
}
