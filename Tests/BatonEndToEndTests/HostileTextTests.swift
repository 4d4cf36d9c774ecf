import BatonTestSupport
import Foundation
import Questionnaire
import Testing
import Workspace

/// The real binary with text that would act on a terminal: refused when it is typed, and shown
/// (never obeyed) when an older workspace already holds it.
struct HostileTextTests {
    /// Retitles the window, rings the bell, clears the screen, then reverses what follows.
    static let evil = "Evil\u{1B}]0;owned\u{07}\u{1B}[2J\u{9B}H\u{202E}gnp.exe"

    static func controls(in text: String) -> [Unicode.Scalar] {
        text.unicodeScalars.filter { HostileText.isTerminalControl($0) }
    }

    @Test func aNameWithAnEscapeSequenceIsRefusedInLineModeAndNeverEchoedRaw() async throws {
        let workspace = BatonBinary.temporaryFolder()
        let result = try await BatonBinary.run(
            ["assess", "--workspace", workspace], stdin: "Acme\u{1B}]0;owned\u{07}\u{1B}[2J\nAcme Plumbing\n")
        #expect(Self.controls(in: result.stdout).isEmpty, "\(result.stdout.debugDescription)")
        #expect(Self.controls(in: result.stderr).isEmpty, "\(result.stderr.debugDescription)")
        #expect(result.stdout.contains("Acme␛]0;owned␇␛[2J"), "the typed line is echoed, made visible")
        #expect(result.stdout.contains("! remove ESC (U+001B) after 'Acme': an answer is plain text"))
        // Input then ends after the name: the clean name is the one saved.
        let list = try await BatonBinary.run(["list", "--json", "--workspace", workspace])
        let items = try #require(try JSONSerialization.jsonObject(with: Data(list.stdout.utf8)) as? [[String: Any]])
        #expect(items.first?["title"] as? String == "Acme Plumbing")
    }

    @Test func anAnswersFileWithAnEscapeSequenceIsRefusedAndNothingIsSaved() async throws {
        let workspace = BatonBinary.temporaryFolder()
        let example = try String(
            contentsOfFile: BatonBinary.bundledPack + "/examples/dental-clinic.yaml", encoding: .utf8)
        let file = workspace + "/hostile.yaml"
        try example.replacingOccurrences(
            of: "business_name: Cedar Hill Family Dental", with: #"business_name: "Cedar\e[2J\u202EHill""#
        ).write(toFile: file, atomically: true, encoding: .utf8)
        let result = try await BatonBinary.run(["assess", "--answers", file, "--workspace", workspace])
        #expect(result.status == 1)
        #expect(result.stderr.contains("business_name: remove ESC (U+001B) after 'Cedar'"), "\(result.stderr)")
        #expect(Self.controls(in: result.stderr).isEmpty)
        let list = try await BatonBinary.run(["list", "--workspace", workspace])
        #expect(list.stdout.contains("No assessments yet"))
    }

    /// A workspace as an older version could have left it: a name and a note holding escape sequences.
    static func olderWorkspace() async throws -> String {
        let workspace = BatonBinary.temporaryFolder()
        let imported = try await BatonBinary.run([
            "assess", "--answers", BatonBinary.bundledPack + "/examples/plumbing-contractor.yaml", "--workspace",
            workspace,
        ])
        #expect(imported.status == 0, "\(imported.stderr)")
        let store = try Workspace(directory: workspace)
        var answers = try store.answers(of: 1)
        answers[AnswerKey(question: "business_name")] = .text(evil)
        try store.saveCompleted(answers, in: 1, title: evil)
        try store.addNote("Note \u{1B}[31mred\u{1B}[0m\u{07}", to: 1)
        return workspace
    }

    @Test func listShowAndScoreShowAStoredEscapeSequenceWithoutObeyingIt() async throws {
        let workspace = try await Self.olderWorkspace()
        for arguments in [["list"], ["show", "1"], ["score", "1"]] {
            let result = try await BatonBinary.run(arguments + ["--workspace", workspace])
            #expect(Self.controls(in: result.stdout).isEmpty, "\(arguments): \(result.stdout.debugDescription)")
            #expect(Self.controls(in: result.stderr).isEmpty, "\(arguments): \(result.stderr.debugDescription)")
        }
        let list = try await BatonBinary.run(["list", "--workspace", workspace])
        #expect(list.stdout.contains("Evil␛]0;owned␇␛[2J<U+009B>H<U+202E>gnp.exe"), "\(list.stdout)")
        // JSON keeps the name exactly, with what a terminal would obey written as escapes.
        let json = try await BatonBinary.run(["list", "--json", "--workspace", workspace])
        #expect(Self.controls(in: json.stdout).isEmpty)
        #expect(json.stdout.contains(#"\u202e"#))
        let items = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [[String: Any]])
        #expect(items.first?["title"] as? String == Self.evil)
    }

    @Test func theBlueprintOfAStoredEscapeSequenceValidates() async throws {
        let workspace = try await Self.olderWorkspace()
        let file = workspace + "/evil.blueprint.yaml"
        let written = try await BatonBinary.run(["blueprint", "1", "-o", file, "--workspace", workspace])
        #expect(written.status == 0, "\(written.stderr)")
        let validated = try await BatonBinary.run(["blueprint", "validate", file])
        #expect(validated.status == 0, "\(validated.stdout)\n\(validated.stderr)")
        #expect(validated.stdout.contains("valid"))
        #expect(Self.controls(in: validated.stdout + validated.stderr).isEmpty)
        let explained = try await BatonBinary.run(["blueprint", "explain", file])
        #expect(explained.status == 0, "\(explained.stderr)")
        #expect(Self.controls(in: explained.stdout).isEmpty, "\(explained.stdout.debugDescription)")
    }

    @Test func aNoteWithAControlCharacterIsRefused() async throws {
        let workspace = try await Self.olderWorkspace()
        let result = try await BatonBinary.run(["note", "1", "see \u{1B}[2J this", "--workspace", workspace])
        #expect(result.status == 1)
        #expect(result.stderr.contains("the note cannot be saved: remove ESC (U+001B) after 'see'"), "\(result.stderr)")
        let fine = try await BatonBinary.run(["note", "1", "Two lines\nof note", "--workspace", workspace])
        #expect(fine.status == 0, "\(fine.stderr)")
    }
}
