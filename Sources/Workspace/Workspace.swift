import Foundation
import GRDB
import Questionnaire

/// The consultant's workspace: an SQLite database of assessments and their answers.
///
/// Every answer is committed in its own transaction the moment it is given, in WAL mode with
/// `synchronous = FULL`, so a crash or `kill -9` at any point loses nothing already answered.
///
/// ```swift
/// let workspace = try Workspace(directory: Workspace.defaultDirectory())
/// let id = try workspace.createSession(pack: pack, path: "questionnaires/smb-ai-readiness", yaml: text)
/// try workspace.saveAnswer(.number(4), for: AnswerKey(question: "team_size"), in: id, answered: 1, total: 40)
/// ```
public final class Workspace: Sendable {
    /// The folder holding `workspace.sqlite`.
    public let directory: String
    private let database: DatabaseQueue
    private let clock: @Sendable () -> Date

    /// `$BATON_HOME` when set, else `~/.baton`.
    public static func defaultDirectory(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        if let home = environment["BATON_HOME"], !home.isEmpty { return home }
        let userHome = environment["HOME"] ?? NSHomeDirectory()
        return (userHome as NSString).appendingPathComponent(".baton")
    }

    /// Opens (creating if needed) the workspace in `directory` and brings its schema up to date.
    /// - Parameter clock: the time stamped on records; tests pass a fixed one.
    public init(directory: String, clock: @escaping @Sendable () -> Date = Date.init) throws {
        self.directory = directory
        self.clock = clock
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw WorkspaceError("cannot create the workspace folder \(directory): \(error.localizedDescription)")
        }
        var configuration = Configuration()
        configuration.foreignKeysEnabled = true
        // Two baton commands may share a workspace: wait for the other's write instead of failing.
        configuration.busyMode = .timeout(10)
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = FULL")
        }
        let path = (directory as NSString).appendingPathComponent("workspace.sqlite")
        do {
            database = try DatabaseQueue(path: path, configuration: configuration)
            _ = try database.writeWithoutTransaction { try $0.execute(sql: "PRAGMA journal_mode = WAL") }
            try WorkspaceMigrations.migrator.migrate(database)
        } catch {
            throw WorkspaceError("cannot open the workspace database \(path): \(error)")
        }
    }

    /// The migrations applied to this workspace, oldest first.
    public func appliedMigrations() throws -> [String] {
        try database.read { try WorkspaceMigrations.migrator.appliedMigrations($0) }
    }

    /// Starts a new assessment of `pack` and returns its id.
    public func createSession(pack: Pack, path: String, yaml: String) throws -> Int64 {
        let now = clock()
        let session = AssessmentSession(
            id: nil, packID: pack.id, packVersion: pack.version, packPath: path, packYAML: yaml,
            status: .inProgress, title: nil, answered: 0, total: 0, createdAt: now, updatedAt: now, completedAt: nil
        )
        return try database.write { db in
            try session.insert(db)
            return db.lastInsertedRowID
        }
    }

    /// Saves one answer durably, with the progress it brings the assessment to.
    public func saveAnswer(
        _ value: AnswerValue, for key: AnswerKey, in session: Int64, answered: Int, total: Int, title: String? = nil
    ) throws {
        let json = String(decoding: try JSONEncoder().encode(value), as: UTF8.self)
        let now = clock()
        try database.write { db in
            guard try AssessmentSession.exists(db, key: session) else { throw WorkspaceError.noSuchAssessment(session) }
            try db.execute(
                sql: """
                    INSERT INTO answer (assessment_id, key, value_json, answered_at) VALUES (?, ?, ?, ?)
                    ON CONFLICT (assessment_id, key) DO UPDATE SET value_json = excluded.value_json, answered_at = excluded.answered_at
                    """,
                arguments: [session, key.description, json, now])
            try db.execute(
                sql:
                    "UPDATE assessment SET answered = ?, total = ?, updated_at = ?, title = coalesce(?, title) WHERE id = ?",
                arguments: [answered, total, now, title, session])
        }
    }

    /// Saves a whole answer set at once (an imported file) and marks the assessment completed.
    public func saveCompleted(_ answers: AnswerSet, in session: Int64, title: String?) throws {
        let encoder = JSONEncoder()
        let now = clock()
        try database.write { db in
            for key in answers.keys {
                let json = String(decoding: try encoder.encode(answers[key]!), as: UTF8.self)
                try db.execute(
                    sql:
                        "INSERT OR REPLACE INTO answer (assessment_id, key, value_json, answered_at) VALUES (?, ?, ?, ?)",
                    arguments: [session, key.description, json, now])
            }
            try db.execute(
                sql:
                    "UPDATE assessment SET answered = ?, total = ?, title = ?, status = 'completed', updated_at = ?, completed_at = ? WHERE id = ?",
                arguments: [answers.count, answers.count, title, now, now, session])
        }
    }

    /// Marks an assessment finished.
    public func complete(_ session: Int64) throws {
        let now = clock()
        try database.write { db in
            try db.execute(
                sql: "UPDATE assessment SET status = 'completed', completed_at = ?, updated_at = ? WHERE id = ?",
                arguments: [now, now, session])
        }
    }

    /// Every assessment, newest first.
    public func sessions() throws -> [AssessmentSession] {
        try database.read { try AssessmentSession.order(Column("id").desc).fetchAll($0) }
    }

    /// One assessment.
    public func session(_ id: Int64) throws -> AssessmentSession {
        guard let session = try database.read({ try AssessmentSession.fetchOne($0, key: id) }) else {
            throw WorkspaceError.noSuchAssessment(id)
        }
        return session
    }

    /// The most recently touched assessment that is not finished, if any.
    public func latestInProgress() throws -> AssessmentSession? {
        try database.read {
            try AssessmentSession.filter(Column("status") == AssessmentSession.Status.inProgress.rawValue)
                .order(Column("updated_at").desc, Column("id").desc).fetchOne($0)
        }
    }

    /// Every saved answer of an assessment.
    public func answers(of session: Int64) throws -> AnswerSet {
        let rows = try database.read {
            try Row.fetchAll(
                $0, sql: "SELECT key, value_json FROM answer WHERE assessment_id = ?", arguments: [session])
        }
        var answers = AnswerSet()
        let decoder = JSONDecoder()
        for row in rows {
            let text: String = row["key"]
            let json: String = row["value_json"]
            guard let key = AnswerKey(text) else { continue }
            answers[key] = try decoder.decode(AnswerValue.self, from: Data(json.utf8))
        }
        return answers
    }

    /// Deletes an assessment and its answers.
    public func delete(_ session: Int64) throws {
        let deleted = try database.write { try AssessmentSession.deleteOne($0, key: session) }
        if !deleted { throw WorkspaceError.noSuchAssessment(session) }
    }

    /// Stores a scoring result (as JSON) with the parameter version and overrides that produced it.
    public func saveScore(
        _ resultJSON: String, for session: Int64, parametersVersion: String, overrides: [String: String]
    ) throws {
        let overridesJSON = String(decoding: try JSONEncoder.sorted.encode(overrides), as: UTF8.self)
        let now = clock()
        try database.write { db in
            guard try AssessmentSession.exists(db, key: session) else { throw WorkspaceError.noSuchAssessment(session) }
            try db.execute(
                sql:
                    "INSERT INTO score (assessment_id, parameters_version, overrides_json, result_json, created_at) VALUES (?, ?, ?, ?, ?)",
                arguments: [session, parametersVersion, overridesJSON, resultJSON, now])
        }
    }

    /// The most recent scoring result of an assessment, as stored.
    public func latestScore(of session: Int64) throws -> StoredScore? {
        try database.read { db in
            try Row.fetchOne(
                db, sql: "SELECT * FROM score WHERE assessment_id = ? ORDER BY id DESC LIMIT 1", arguments: [session]
            ).map { row in
                StoredScore(
                    parametersVersion: row["parameters_version"], overridesJSON: row["overrides_json"],
                    resultJSON: row["result_json"],
                    createdAt: row["created_at"])
            }
        }
    }

    /// Adds a consultant's note to an assessment.
    public func addNote(_ text: String, to session: Int64) throws {
        let now = clock()
        try database.write { db in
            guard try AssessmentSession.exists(db, key: session) else { throw WorkspaceError.noSuchAssessment(session) }
            try db.execute(
                sql: "INSERT INTO note (assessment_id, text, created_at) VALUES (?, ?, ?)",
                arguments: [session, text, now])
        }
    }

    /// The notes of an assessment, oldest first.
    public func notes(of session: Int64) throws -> [String] {
        try database.read {
            try String.fetchAll(
                $0, sql: "SELECT text FROM note WHERE assessment_id = ? ORDER BY id", arguments: [session])
        }
    }

    /// How many scoring results an assessment has.
    public func scoreCount(of session: Int64) throws -> Int {
        try database.read {
            try Int.fetchOne($0, sql: "SELECT count(*) FROM score WHERE assessment_id = ?", arguments: [session]) ?? 0
        }
    }
}

/// A scoring result as the workspace keeps it.
public struct StoredScore: Sendable, Equatable {
    public let parametersVersion: String
    public let overridesJSON: String
    public let resultJSON: String
    public let createdAt: Date
}

extension JSONEncoder {
    /// An encoder with sorted keys, for stored JSON that does not change from run to run.
    static var sorted: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return encoder
    }
}
