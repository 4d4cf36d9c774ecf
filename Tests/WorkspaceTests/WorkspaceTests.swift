import Foundation
import GRDB
import Questionnaire
import Testing

@testable import Workspace

struct WorkspaceTests {
    static let yaml = """
        id: w
        title: W
        timing: {text: 5, integer: 5}
        sections:
          - id: s
            title: S
            questions:
              - {id: business_name, type: text, prompt: Name?}
              - {id: n, type: integer, prompt: N?}
        """

    func makeWorkspace(
        _ folder: String = FileManager.default.temporaryDirectory.appendingPathComponent(UUID().uuidString).path
    ) throws -> Workspace {
        try Workspace(directory: folder, clock: { Date(timeIntervalSince1970: 1_790_000_000) })
    }

    static let allMigrations = ["v1: assessments and answers", "v2: scoring results", "v3: consultant notes"]

    @Test func migrationsAreAppliedOnceAndInOrder() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent(UUID().uuidString).path
        let first = try makeWorkspace(folder)
        #expect(try first.appliedMigrations() == Self.allMigrations)
        let again = try makeWorkspace(folder)
        #expect(try again.appliedMigrations() == Self.allMigrations)
    }

    @Test func anOlderWorkspaceIsUpgradedWithItsAnswersKept() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent(UUID().uuidString).path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let old = try DatabaseQueue(path: folder + "/workspace.sqlite")
        try WorkspaceMigrations.migrator.migrate(old, upTo: "v1: assessments and answers")
        try old.write { db in
            try db.execute(
                sql: """
                    INSERT INTO assessment (pack_id, pack_version, pack_path, pack_yaml, status, answered, total, created_at, updated_at)
                    VALUES ('w', 1, 'w.yaml', ?, 'in_progress', 1, 2, '2026-01-01 00:00:00', '2026-01-01 00:00:00')
                    """, arguments: [Self.yaml])
            try db.execute(sql: "INSERT INTO answer VALUES (1, 'n', '7', '2026-01-01 00:00:00')")
        }
        try old.close()
        let upgraded = try makeWorkspace(folder)
        #expect(try upgraded.appliedMigrations() == Self.allMigrations)
        #expect(try upgraded.answers(of: 1)[AnswerKey(question: "n")] == .number(7))
        try upgraded.saveScore("{}", for: 1, parametersVersion: "scoring 1", overrides: ["scenario": "low"])
        #expect(try upgraded.latestScore(of: 1)?.overridesJSON == #"{"scenario":"low"}"#)
        #expect(try upgraded.scoreCount(of: 1) == 1)
    }

    @Test func answersAreSavedAndReadBackFromAnotherConnection() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent(UUID().uuidString).path
        let workspace = try makeWorkspace(folder)
        let pack = try PackLoader.load(yaml: Self.yaml, file: "w.yaml")
        let id = try workspace.createSession(pack: pack, path: "w.yaml", yaml: Self.yaml)
        try workspace.saveAnswer(
            .text("Ada & Co"), for: AnswerKey(question: "business_name"), in: id, answered: 1, total: 2,
            title: "Ada & Co")
        try workspace.saveAnswer(.number(3), for: AnswerKey(question: "n"), in: id, answered: 2, total: 2)
        try workspace.saveAnswer(.number(4), for: AnswerKey(question: "n"), in: id, answered: 2, total: 2)
        let reopened = try makeWorkspace(folder)
        let answers = try reopened.answers(of: id)
        #expect(answers[AnswerKey(question: "n")] == .number(4))
        #expect(answers[AnswerKey(question: "business_name")] == .text("Ada & Co"))
        let session = try reopened.session(id)
        #expect(session.title == "Ada & Co")
        #expect(session.answered == 2 && session.total == 2)
        #expect(session.status == .inProgress)
        #expect(session.packYAML == Self.yaml)
        #expect(try reopened.latestInProgress()?.id == id)
        try reopened.complete(id)
        #expect(try reopened.latestInProgress() == nil)
        #expect(try reopened.session(id).completedAt == Date(timeIntervalSince1970: 1_790_000_000))
    }

    @Test func everyAnswerValueKindRoundTrips() throws {
        let workspace = try makeWorkspace()
        let pack = try PackLoader.load(yaml: Self.yaml, file: "w.yaml")
        let id = try workspace.createSession(pack: pack, path: "w.yaml", yaml: Self.yaml)
        let values: [AnswerValue] = [
            .text("x"), .number(Decimal(string: "1234.56")!), .bool(true), .choices(["a", "b"]), .choices([]), .skipped,
        ]
        for (i, value) in values.enumerated() {
            try workspace.saveAnswer(
                value, for: AnswerKey(question: "q\(i)", group: "g", item: "it"), in: id, answered: i, total: 9)
        }
        let answers = try workspace.answers(of: id)
        for (i, value) in values.enumerated() {
            #expect(answers[AnswerKey(question: "q\(i)", group: "g", item: "it")] == value)
        }
    }

    @Test func deletingRemovesTheAssessmentAndItsAnswers() throws {
        let workspace = try makeWorkspace()
        let pack = try PackLoader.load(yaml: Self.yaml, file: "w.yaml")
        let id = try workspace.createSession(pack: pack, path: "w.yaml", yaml: Self.yaml)
        try workspace.saveAnswer(.number(1), for: AnswerKey(question: "n"), in: id, answered: 1, total: 2)
        try workspace.delete(id)
        #expect(try workspace.sessions().isEmpty)
        #expect(try workspace.answers(of: id).isEmpty)
        #expect(throws: WorkspaceError.self) { try workspace.delete(id) }
        #expect(throws: WorkspaceError.self) {
            try workspace.saveAnswer(.number(1), for: AnswerKey(question: "n"), in: id, answered: 1, total: 2)
        }
    }

    @Test func aFolderThatCannotBeCreatedIsAClearError() {
        #expect {
            _ = try Workspace(directory: "/proc/baton-cannot-be-here")
        } throws: { error in
            "\(error)".contains("cannot create the workspace folder /proc/baton-cannot-be-here")
        }
    }

    @Test func defaultLocationHonoursBatonHome() {
        #expect(Workspace.defaultDirectory(environment: ["BATON_HOME": "/srv/b", "HOME": "/home/x"]) == "/srv/b")
        #expect(Workspace.defaultDirectory(environment: ["HOME": "/home/x"]) == "/home/x/.baton")
    }
}
