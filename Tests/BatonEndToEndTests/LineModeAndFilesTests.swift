import BatonTestSupport
import Foundation
import Testing

/// The real `baton` binary without a terminal: line mode through a pipe, answer files, and errors.
struct LineModeAndFilesTests {
    /// The same one-workflow business as the terminal test, one answer a line.
    static let lines = [
        "Pipe Plumbing", "1", "3", "2", "", "1", "1", "85", "1,2", "1", "1", "1",
        "5", "1", "4", "4", "2", "", "2", "20",
        "20", "4h", "25", "1500",
        "1", "lead response from 4 hours to 5 minutes", "2", "2", "2", "2", "3", "1", "", "",
        "",
    ]

    func json(_ text: String) throws -> Any {
        try JSONSerialization.jsonObject(with: Data(text.utf8))
    }

    @Test func aFullAssessmentInLineModeThroughAPipe() async throws {
        let workspace = BatonBinary.temporaryFolder()
        let result = try await BatonBinary.run(
            ["assess", "--workspace", workspace], stdin: Self.lines.joined(separator: "\n") + "\n")
        #expect(result.status == 0, "\(result.stderr)\n\(result.stdout.suffix(2000))")
        #expect(result.stdout.contains("[2/"))
        #expect(result.stdout.contains("  1) Trades and home services"))
        #expect(result.stdout.contains("Assessment 1 for Pipe Plumbing is complete: 34 answers saved."))
        #expect(!result.stdout.contains("\u{1B}["), "no colours when output is not a terminal")
        let shown = try #require(
            try json(try await BatonBinary.run(["show", "1", "--json", "--workspace", workspace]).stdout) as? [String: Any])
        let answers = try #require(shown["answers"] as? [String: Any])
        #expect(answers["lead_response_time"] as? Int == 240)
        #expect(answers["tools_used"] as? [String] == ["crm", "email"])
        #expect(answers["workflow_details[lead_intake].hours"] as? Int == 5)
    }

    @Test func outOfRangeInputIsExplainedAndAskedAgain() async throws {
        let workspace = BatonBinary.temporaryFolder()
        let result = try await BatonBinary.run(["assess", "--workspace", workspace], stdin: "Acme\n1\n3\n2\n\n9999\n")
        #expect(result.stdout.contains("! enter at most 500"))
        #expect(result.stdout.components(separatedBy: "How many people work in the business").count == 3)
        // Input then ends: a clear error, a non-zero exit, and the five answers kept.
        #expect(result.status == 1)
        #expect(result.stderr.contains("input ended at question 'team_size' (6 of"))
        #expect(
            result.stderr.contains(
                "the 5 answers given are saved in assessment 1. Resume with: baton assess --resume 1 --workspace \(workspace)"
            ))
        let list = try #require(
            try json(try await BatonBinary.run(["list", "--json", "--workspace", workspace]).stdout) as? [[String: Any]])
        #expect(list.first?["answered"] as? Int == 5)
        #expect(list.first?["id"] as? Int == 1)
    }

    @Test func answersFilesRoundTripThroughExport() async throws {
        let workspace = BatonBinary.temporaryFolder()
        let example = BatonBinary.bundledPack + "/examples/real-estate-team.yaml"
        let first = try await BatonBinary.run(["assess", "--answers", example, "--workspace", workspace])
        #expect(first.status == 0, "\(first.stderr)")
        #expect(first.stdout.contains("Saved assessment 1 for Harbourview Home Team"))
        for format in ["yaml", "json"] {
            let file = workspace + "/exported.\(format)"
            let export = try await BatonBinary.run([
                "answers", "export", "1", "--format", format, "-o", file, "--workspace", workspace,
            ])
            #expect(export.status == 0, "\(export.stderr)")
            let again = try await BatonBinary.run(["assess", "--answers", file, "--workspace", workspace])
            #expect(again.status == 0, "\(again.stderr)")
        }
        func answers(_ id: Int) async throws -> String {
            let shown = try #require(
                try json(try await BatonBinary.run(["show", "\(id)", "--json", "--workspace", workspace]).stdout)
                    as? [String: Any])
            let data = try JSONSerialization.data(withJSONObject: shown["answers"] ?? [:], options: [.sortedKeys])
            return String(decoding: data, as: UTF8.self)
        }
        let original = try await answers(1)
        #expect(original.count > 1000)
        #expect(try await answers(2) == original)
        #expect(try await answers(3) == original)
        let yaml = try await BatonBinary.run(["answers", "export", "1", "--workspace", workspace]).stdout
        #expect(yaml.hasPrefix("pack: smb-ai-readiness\nanswers:\n  business_name: Harbourview Home Team\n"))
        #expect(yaml.contains("lead_response_time: 2h"))
    }

    @Test func invalidAnswersAreAllListedAndNothingIsSaved() async throws {
        let workspace = BatonBinary.temporaryFolder()
        let file = workspace + "/bad.yaml"
        try """
        pack: smb-ai-readiness
        answers:
          business_name: Bad Data Inc
          industry: fishing
          region: ontario
          time_zone: America/Toronto
          team_size: 0
          colour: blue
        """.write(toFile: file, atomically: true, encoding: .utf8)
        let result = try await BatonBinary.run(["assess", "--answers", file, "--workspace", workspace])
        #expect(result.status == 1)
        #expect(result.stderr.contains("problems in the answers; nothing was saved"))
        #expect(result.stderr.contains("line 4: industry: 'fishing' is not one of the choices"))
        #expect(result.stderr.contains("line 7: team_size: enter at least 1"))
        #expect(result.stderr.contains("line 8: colour: no such question in 'smb-ai-readiness'"))
        #expect(result.stderr.contains("cost_basis: missing"))
        let list = try await BatonBinary.run(["list", "--json", "--workspace", workspace])
        #expect(list.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "[\n\n]" || list.stdout.contains("[]"))
    }

    @Test func aMalformedAnswersFileNamesTheLineAndColumn() async throws {
        let workspace = BatonBinary.temporaryFolder()
        let file = workspace + "/broken.yaml"
        try "answers:\n  business_name: [unclosed\n  team_size: 3\n".write(
            toFile: file, atomically: true, encoding: .utf8)
        let result = try await BatonBinary.run(["assess", "--answers", file, "--workspace", workspace])
        #expect(result.status == 1)
        #expect(result.stderr.hasPrefix("baton: \(file):"))
        #expect(result.stderr.contains("YAML syntax"))
        #expect(!result.stderr.contains("Fatal error"))
    }

    @Test func aMalformedPackIsRefusedWithEveryProblemAndItsPosition() async throws {
        let folder = BatonBinary.temporaryFolder() + "/broken-pack"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        try """
        id: broken
        title: Broken
        timing: {integer: 5, text: 5}
        sections:
          - id: s
            title: S
            questions:
              - {id: a, type: integer, promt: A}
              - {id: b, type: integer, prompt: B, when: "a > 1 and c"}
              - {id: b, type: text, prompt: C}
        """.write(toFile: folder + "/questionnaire.yaml", atomically: true, encoding: .utf8)
        let lint = try await BatonBinary.run(["questionnaire", "lint", folder])
        #expect(lint.status == 1)
        let file = folder + "/questionnaire.yaml"
        #expect(lint.stdout.contains("\(file):8:32: error: unknown key 'promt' in a question (did you mean 'prompt'?)"))
        #expect(lint.stdout.contains("\(file):8:9: error: a question needs 'prompt'"))
        #expect(lint.stdout.contains("\(file):9:60: error: unknown id 'c'"))
        #expect(lint.stdout.contains("\(file):10:9: error: duplicate id 'b': already used at 9:9"))
        #expect(lint.stderr.contains("4 errors, 0 warnings"), "\(lint.stdout)")
        let lintJSON = try await BatonBinary.run(["questionnaire", "lint", folder, "--json"])
        #expect(lintJSON.status == 1)
        let problems = try #require(try json(lintJSON.stdout) as? [[String: Any]])
        #expect(problems.count == 4)
        #expect(
            problems.contains {
                $0["line"] as? Int == 9 && $0["column"] as? Int == 60 && $0["severity"] as? String == "error"
            })

        let workspace = BatonBinary.temporaryFolder()
        let assess = try await BatonBinary.run(["assess", "--pack", folder, "--workspace", workspace], stdin: "x\n")
        #expect(assess.status == 1)
        #expect(assess.stderr.contains("4 errors in \(file)"))
        #expect(assess.stderr.contains("\(file):8:32"))
        #expect(try await BatonBinary.run(["list", "--json", "--workspace", workspace]).stdout.contains("["))
    }

    @Test func statsFitTheBundledPackInTenMinutes() async throws {
        let result = try await BatonBinary.run(["questionnaire", "stats", "--json"])
        #expect(result.status == 0, "\(result.stderr)")
        let stats = try #require(try json(result.stdout) as? [String: Any])
        let longest = try #require(stats["longest"] as? [String: Any])
        let shortest = try #require(stats["shortest"] as? [String: Any])
        #expect((longest["minutes"] as? Double ?? 99) <= 10)
        #expect((shortest["questions"] as? Int ?? 0) < (longest["questions"] as? Int ?? 0))
        #expect((stats["examples"] as? [String: Any])?.count ?? 0 >= 5)
    }

    @Test func listShowAndDelete() async throws {
        let workspace = BatonBinary.temporaryFolder()
        for name in ["plumbing-contractor", "dental-clinic"] {
            let r = try await BatonBinary.run([
                "assess", "--answers", BatonBinary.bundledPack + "/examples/\(name).yaml", "--workspace", workspace,
            ])
            #expect(r.status == 0, "\(r.stderr)")
        }
        let list = try await BatonBinary.run(["list", "--workspace", workspace])
        #expect(list.stdout.contains("Bow River Plumbing & Heating"))
        #expect(list.stdout.contains("completed"))
        let show = try await BatonBinary.run(["show", "2", "--workspace", workspace])
        #expect(show.stdout.contains("Assessment 2: Cedar Hill Family Dental"))
        let deleted = try await BatonBinary.run(["delete", "1", "--workspace", workspace])
        #expect(deleted.status == 0)
        let items = try #require(
            try json(try await BatonBinary.run(["list", "--json", "--workspace", workspace]).stdout) as? [[String: Any]])
        #expect(items.map { $0["id"] as? Int } == [2])
        let missing = try await BatonBinary.run(["show", "1", "--workspace", workspace])
        #expect(missing.status == 1)
        #expect(missing.stderr == "baton: no assessment 1 in this workspace (see `baton list`)\n")
        let nothing = try await BatonBinary.run(["assess", "--resume", "--workspace", workspace])
        #expect(nothing.status == 1)
        #expect(nothing.stderr.contains("there is no unfinished assessment to resume"))
    }
}
