import Foundation
import Testing

@testable import Questionnaire

struct AnswersFileTests {
    static let complete = """
        pack: mini
        answers:
          name: "Ada's Bakery"
          team: 3
          staff_cost: $28.50
          work: [leads, posts]
          details:
            leads: {hours: 5, people: 2}
            posts: {hours: 2.5, people: 1}
          response: 4h
          worst: leads
          notes: null
        """

    @Test(arguments: [AnswersFile.Format.yaml, .json])
    func exportReadsBackToTheSameAnswers(format: AnswersFile.Format) throws {
        let pack = try InterviewTests.pack()
        let imported = AnswersImport(try AnswersFile.read(Self.complete, file: "a.yaml"), pack: pack)
        #expect(imported.problems.isEmpty, "\(imported.problems)")
        let interview = Interview(pack: pack, answers: imported.answers)
        #expect(interview.isComplete)
        let exported = AnswersFile.export(interview, format: format)
        let again = AnswersImport(try AnswersFile.read(exported, file: "b"), pack: pack)
        #expect(again.problems.isEmpty, "\(again.problems)")
        #expect(again.answers == imported.answers)
        #expect(again.answers[AnswerKey(question: "staff_cost")] == .number(Decimal(string: "28.5")!))
        #expect(again.answers[AnswerKey(question: "notes")] == .skipped)
    }

    @Test func everyProblemIsListedWithItsQuestionAndReason() throws {
        let yaml = """
            answers:
              name: Ada
              team: 500
              work: [leads, fishing]
              surprise: 1
            """
        let imported = AnswersImport(try AnswersFile.read(yaml, file: "bad.yaml"), pack: try InterviewTests.pack())
        let described = imported.problems.map(\.description)
        #expect(described.contains("line 3: team: enter at most 50"))
        #expect(described.contains { $0.hasPrefix("line 4: work: 'fishing' is not one of the choices") })
        #expect(described.contains("line 5: surprise: no such question in 'mini'"))
    }

    @Test func missingAnswersAreReported() throws {
        let imported = AnswersImport(
            try AnswersFile.read("answers: {name: Ada}", file: "f"), pack: try InterviewTests.pack())
        // work is asked after team, and is missing too.
        #expect(imported.problems.map(\.key) == ["team", "work"])
        #expect(imported.problems.first?.reason.hasPrefix("missing") == true)
    }

    @Test(arguments: ["answers: [1, 2]", "pack: x\n", "answers:\n  a: [\n", "other: 1\nanswers: {}"])
    func malformedFilesAreClearErrors(text: String) {
        #expect(throws: AnswersFileError.self) { _ = try AnswersFile.read(text, file: "x.yaml") }
    }

    @Test func theBundledExamplesAreCompleteAndValid() throws {
        let pack = try PackLoader.load(path: Fixtures.bundledPack)
        #expect(Fixtures.examples.count >= 5)
        for file in Fixtures.examples {
            let imported = AnswersImport(
                try AnswersFile.read(try String(contentsOfFile: file, encoding: .utf8), file: file), pack: pack)
            #expect(imported.problems.isEmpty, "\(file): \(imported.problems)")
            #expect(imported.ignored.isEmpty, "\(file): \(imported.ignored)")
            #expect(Interview(pack: pack, answers: imported.answers).isComplete, "\(file)")
        }
    }
}
