import Foundation

/// What the HTTP intake needs of the store, part of ``RuntimeStorage``: the group commit and the
/// case reads its API serves.
package protocol IntakeStorage: Sendable {
    /// Stores a group of events in one synced commit: each one's result, in order (a refused one
    /// rolls back alone).
    func store(group events: [IntakeEvent]) async throws -> [Result<StoredIntake, any Error>]
    /// Whether `token` is the proof that lets an outside producer name `caseID`.
    func isCaseToken(_ token: String, for caseID: String) async throws -> Bool
    /// Whether `error` means the store cannot write for now (a full disk, a busy or failing file):
    /// the intake answers 503 with `Retry-After`.
    func isUnavailable(_ error: any Error) -> Bool
    /// A case's audit log, oldest first (every case's when `caseID` is nil).
    func auditAsync(caseID: String?) async throws -> [AuditEntry]
    /// A case's shared context: each agent's notes, and its version.
    func contextAsync(caseID: String) async throws -> (notes: [String: [String: String]], version: Int)
}
