import Foundation
import Testing

@testable import Questionnaire

/// The interview state machine, without any I/O.
struct InterviewTests {
    static let yaml = """
        id: mini
        title: Mini
        timing: {single_choice: 6, multiple_choice: 12, integer: 8, decimal: 5, money: 10, hours_per_week: 9, duration: 10, scale: 5, yes_no: 4, text: 15, long_text: 5}
        sections:
          - id: basics
            title: Basics
            questions:
              - {id: name, type: text, prompt: "Your name?"}
              - {id: team, type: integer, prompt: "Team size at {{ name }}?", min: 1, max: 50}
              - {id: staff_cost, type: money, prompt: "Staff cost?", when: "team > 1"}
              - id: work
                type: multiple_choice
                prompt: Which workflows?
                min_selected: 1
                realistic_max: 2
                choices: [{value: leads, label: Leads}, {value: invoices, label: Invoices}, {value: posts, label: Posts}]
          - id: details
            title: Details
            repeat: {for_each: work}
            questions:
              - id: hours
                type: hours_per_week
                prompt: "Hours on {{ item_label }}?"
                validate:
                  - {rule: "hours <= team * 40", message: "{{ team }} people cannot work {{ hours }} hours"}
              - {id: people, type: integer, prompt: "People on {{ item }}?", when: "team > 1"}
          - id: leads
            title: Leads
            when: "'leads' in work"
            questions:
              - {id: response, type: duration, prompt: "Response time?"}
          - id: end
            title: End
            questions:
              - {id: worst, type: single_choice, prompt: "Worst one?", choices_from: work}
              - {id: notes, type: long_text, prompt: "Notes?", required: false}
        computed:
          - {id: total_hours, expression: "sum(details.hours)"}
        """

    static func pack() throws -> Pack { try PackLoader.load(yaml: yaml, file: "mini.yaml") }

    /// Answers the current step with typed text, saving it as a runner would.
    static func answer(_ interview: inout Interview, _ text: String) throws {
        let value = try interview.accept(.text(text))
        interview.record(value)
    }

    @Test func asksOnlyWhatAppliesAndSkipsTheRest() throws {
        var interview = Interview(pack: try Self.pack())
        try Self.answer(&interview, "Ada")
        try Self.answer(&interview, "1")
        // team is 1: no staff cost, and no "people" in the repeat group.
        #expect(interview.current?.key == AnswerKey(question: "work"))
        try Self.answer(&interview, "2")
        #expect(interview.current?.key == AnswerKey(question: "hours", group: "details", item: "invoices"))
        try Self.answer(&interview, "3")
        // No leads section: 'leads' was not chosen.
        #expect(interview.current?.key == AnswerKey(question: "worst"))
        #expect(
            interview.plan.map(\.key.description) == [
                "name", "team", "work", "details[invoices].hours", "worst", "notes",
            ])
    }

    @Test func repeatGroupsAskEachItemAndPathsReadThem() throws {
        var interview = Interview(pack: try Self.pack())
        for text in ["Ada", "3", "40", "1, 2", "5", "2", "10", "3", "4h"] {
            try Self.answer(&interview, text)
        }
        let answers = interview.effectiveAnswers
        #expect(answers[AnswerKey(question: "hours", group: "details", item: "leads")] == .number(5))
        #expect(answers[AnswerKey(question: "people", group: "details", item: "invoices")] == .number(3))
        #expect(answers[AnswerKey(question: "response")] == .number(240))
        let presentation = interview.presentation(of: interview.current!)
        #expect(presentation.question.id == "worst")
        // choices_from offers only the chosen workflows, in the pack's order.
        #expect(presentation.choices.map(\.value) == ["leads", "invoices"])
        let scope = AnswerScope(pack: interview.pack, answers: answers)
        #expect(scope.evaluator.evaluate(try ExpressionParser.parse("total_hours")) == .number(15))
    }

    @Test func pipesEarlierAnswersIntoPrompts() throws {
        var interview = Interview(pack: try Self.pack())
        try Self.answer(&interview, "Ada's Bakery")
        #expect(interview.presentation(of: interview.current!).prompt == "Team size at Ada's Bakery?")
        try Self.answer(&interview, "2")
        try Self.answer(&interview, "30")
        try Self.answer(&interview, "3")
        #expect(interview.presentation(of: interview.current!).prompt == "Hours on Posts?")
        try Self.answer(&interview, "1")
        #expect(interview.presentation(of: interview.current!).prompt == "People on posts?")
    }

    @Test func backStepsOverSkippedQuestionsAndAcrossRepeatItems() throws {
        var interview = Interview(pack: try Self.pack())
        for text in ["Ada", "1", "1,2", "5", "6"] {
            try Self.answer(&interview, text)
        }
        #expect(interview.current?.key == AnswerKey(question: "response"))
        interview.back()
        #expect(interview.current?.key == AnswerKey(question: "hours", group: "details", item: "invoices"))
        interview.back()
        #expect(interview.current?.key == AnswerKey(question: "hours", group: "details", item: "leads"))
        interview.back()
        #expect(interview.current?.key == AnswerKey(question: "work"))
        interview.back()
        // staff_cost is skipped (team is 1), so back lands on team.
        #expect(interview.current?.key == AnswerKey(question: "team"))
        interview.back()
        interview.back()
        #expect(interview.current?.key == AnswerKey(question: "name"))
        // Changing team to 3 brings staff_cost in right after it.
        interview.record(.text("Ada"))
        try Self.answer(&interview, "3")
        #expect(interview.current?.key == AnswerKey(question: "staff_cost"))
    }

    @Test func progressCountsOnlyQuestionsThatWillBeAsked() throws {
        var interview = Interview(pack: try Self.pack())
        // name, team, work, notes (staff cost waits on team, and "worst" has nothing to offer yet),
        // plus the repeat group expected for half the realistic maximum of one item: 2 questions.
        #expect(interview.progress.total == 6)
        try Self.answer(&interview, "Ada")
        try Self.answer(&interview, "1")
        try Self.answer(&interview, "1,2,3")
        let progress = interview.progress
        // name, team, work, 3 × hours, response, worst, notes
        #expect(progress.total == 9)
        #expect(progress.answered == 3)
        #expect(progress.position == 4)
        // 3 hours (9 s) + response (10 s) + worst (6 s) + notes (5 s)
        #expect(progress.secondsLeft == 27 + 10 + 6 + 5)
        #expect(progress.minutesLeft == 1)
    }

    @Test func validationRulesRejectWithTheirPipedMessage() throws {
        var interview = Interview(pack: try Self.pack())
        for text in ["Ada", "1", "1"] {
            try Self.answer(&interview, text)
        }
        #expect(throws: AnswerProblem("1 people cannot work 50 hours")) {
            _ = try interview.accept(.text("50"))
        }
        #expect(throws: AnswerProblem("'lots' is not a number")) {
            _ = try interview.accept(.text("lots"))
        }
        #expect(throws: AnswerProblem("an answer is required")) {
            _ = try interview.accept(.text("  "))
        }
    }

    @Test func minMaxAndSelectionCountsAreEnforced() throws {
        var interview = Interview(pack: try Self.pack())
        try Self.answer(&interview, "Ada")
        #expect(throws: AnswerProblem("enter at most 50")) { _ = try interview.accept(.text("51")) }
        #expect(throws: AnswerProblem("enter at least 1")) { _ = try interview.accept(.text("0")) }
        #expect(throws: AnswerProblem("enter a whole number")) { _ = try interview.accept(.text("2.5")) }
        try Self.answer(&interview, "1")
        #expect(throws: AnswerProblem("choose at least one")) { _ = try interview.accept(.items([])) }
    }

    @Test func optionalQuestionsCanBeSkippedAndTheReviewFollows() throws {
        var interview = Interview(pack: try Self.pack())
        for text in ["Ada", "1", "3", "2", "posts"] {
            try Self.answer(&interview, text)
        }
        #expect(interview.current?.key == AnswerKey(question: "notes"))
        try Self.answer(&interview, "")
        #expect(interview.answers[AnswerKey(question: "notes")] == .skipped)
        #expect(interview.current == nil)
        #expect(interview.isComplete)
        // From the review, change one answer and come straight back to the review.
        interview.jump(to: AnswerKey(question: "team"))
        try Self.answer(&interview, "1")
        #expect(interview.current == nil)
    }

    @Test func resumingStartsAtTheFirstUnansweredQuestion() throws {
        var answers = AnswerSet()
        answers[AnswerKey(question: "name")] = .text("Ada")
        answers[AnswerKey(question: "team")] = .number(2)
        let interview = Interview(pack: try Self.pack(), answers: answers)
        #expect(interview.current?.key == AnswerKey(question: "staff_cost"))
    }

    @Test func pathStatsFindTheShortestAndLongestRealisticPaths() throws {
        let stats = PathStats(pack: try Self.pack())
        // Shortest: team 1 (no staff cost, no people), one workflow that is not leads.
        #expect(
            stats.shortest.steps.map(\.key.description) == [
                "name", "team", "work", "details[invoices].hours", "worst", "notes",
            ])
        // Longest: team > 1, two workflows (realistic_max) including leads.
        #expect(stats.longest.questions == 11)
    }
}
