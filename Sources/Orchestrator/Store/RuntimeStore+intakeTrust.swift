import Foundation
import GRDB
import Signing

/// What the intake trusts an outside producer with, kept in the store: the digest of the body an
/// idempotency key was first used with, the signatures already accepted (until they expire), and
/// the key of the per-case tokens (``CaseToken``) that let a producer name a case.
extension RuntimeStore {
    /// Registers the migration that adds the digest column, the used-signature table and the
    /// case-link key.
    static func registerIntakeTrustMigration(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("intake: key digests, used signatures, case-link key") { db in
            // Rows stored before have no digest: they match only an identical type and payload
            // (the digest is computed from the stored row when one is needed).
            try db.alter(table: "event") { t in t.add(column: "idempotency_digest", .text) }
            // One row per accepted signature, until its timestamp leaves the window; purged by the
            // intake's commits, so the table holds at most a window's worth of signed requests.
            try db.execute(
                sql: """
                    CREATE TABLE intake_signature (digest TEXT PRIMARY KEY, expires_at DATETIME NOT NULL) WITHOUT ROWID;
                    CREATE INDEX intake_signature_expiry ON intake_signature (expires_at);
                    """)
            // 256 random bits, made once: with the install id, the key of every case token.
            var generator = SystemRandomNumberGenerator()
            let secret = (0..<32).map { _ in String(format: "%02x", UInt8.random(in: 0...255, using: &generator)) }
                .joined()
            try db.execute(
                sql: "INSERT OR IGNORE INTO runtime_meta (key, value) VALUES ('case_link_key', ?)", arguments: [secret])
        }
    }

    /// The token that lets an outside producer name `caseID` at the intake (`"case_token"` beside
    /// `"case"`): put it in the links of messages about the case, e.g.
    /// `https://example.com/reply?case=lead-7&token=\(try store.caseToken(for: "lead-7"))`.
    /// The same for the life of the data folder; another (or a reset) folder makes other tokens.
    public func caseToken(for caseID: String) throws -> String {
        try database.read { db in try Self.caseToken(db, caseID) }
    }

    /// Whether `token` is `caseID`'s token (``caseToken(for:)``), read without blocking a thread.
    public func isCaseToken(_ token: String, for caseID: String) async throws -> Bool {
        let key = try await database.read { db in try Self.caseLinkKey(db) }
        return CaseToken.verify(token, caseID: caseID, key: key)
    }

    /// `caseID`'s token inside a transaction (for the engine, when it writes a message's links).
    static func caseToken(_ db: Database, _ caseID: String) throws -> String {
        CaseToken.make(caseID: caseID, key: try caseLinkKey(db))
    }

    /// The install's case-link key: its identity and its secret, so two data folders never share tokens.
    static func caseLinkKey(_ db: Database) throws -> String {
        let rows = try Row.fetchAll(
            db, sql: "SELECT key, value FROM runtime_meta WHERE key IN ('install', 'case_link_key')")
        let values = Dictionary(
            uniqueKeysWithValues: try rows.map {
                (
                    try $0.stored("key", in: "runtime_meta", key: "key", as: String.self),
                    try $0.stored("value", in: "runtime_meta", key: "key", as: String.self)
                )
            })
        guard let secret = values["case_link_key"], !secret.isEmpty else {
            throw DatabaseError(message: "the store has no case-link key (its migrations did not run)")
        }
        return "\(values["install"] ?? ""):\(secret)"
    }

    /// How many accepted signatures the store remembers now (unexpired ones, and expired ones not
    /// yet purged by a commit).
    public func usedSignatureCount() throws -> Int {
        try database.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM intake_signature") ?? 0 }
    }
}
