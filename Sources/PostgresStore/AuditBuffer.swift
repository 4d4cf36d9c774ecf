import Foundation
import Orchestrator
import PostgresNIO

/// The audit lines of one transaction, held until its commit and then inserted by one statement
/// (in the order they were appended, so their ids are too): an audit line needs no answer, and a
/// step writes about ten a lead, each a round trip to the server when sent alone — half of a
/// commit's statements.
///
/// Only a line the server cannot refuse is held: one it could (a time outside what `timestamptz`
/// holds, a case id or agent too long for an index entry) is sent at once by the caller, after the
/// lines held (so the order stays), so that a refusal is the step's that wrote it, as on SQLite.
/// A savepoint writes the lines held before it, so rolling it back forgets just the lines held
/// inside it. What is held can then fail only with the
/// server (no room, the connection lost), and that fails the whole transaction, as it would have.
struct AuditBuffer {
    private var at: [Date] = []
    private var caseIDs: [String] = []
    private var agents: [String] = []
    private var hasAgent: [Bool] = []
    private var kinds: [String] = []
    private var details: [String] = []
    private var notes: [String] = []
    private var hasNotes: [Bool] = []

    /// Lines held.
    var count: Int { at.count }

    /// Holds a line; false (nothing held) when the server could refuse it.
    mutating func hold(at date: Date, caseID: String, agent: String?, kind: AuditKind, detail: String, notesJSON: String?)
        -> Bool
    {
        let rounded = StoredTime.rounded(date)
        let seconds = rounded.timeIntervalSince1970
        // Years 1 to 9999 (PostgreSQL's timestamptz goes further; nothing the runtime writes does),
        // and text well inside a B-tree entry (at most about 2,700 bytes).
        guard (-62_135_596_800...253_402_300_799).contains(seconds), caseID.utf8.count <= 1_000,
            (agent?.utf8.count ?? 0) <= 1_000, kind.rawValue.utf8.count <= 1_000
        else { return false }
        at.append(rounded)
        caseIDs.append(caseID)
        agents.append(agent ?? "")
        hasAgent.append(agent != nil)
        kinds.append(kind.rawValue)
        details.append(detail)
        notes.append(notesJSON ?? "")
        hasNotes.append(notesJSON != nil)
        return true
    }

    /// The one statement that inserts every line held, in order; nil when none is.
    var insert: PostgresQuery? {
        guard count > 0 else { return nil }
        return """
            INSERT INTO audit (at, case_id, agent, kind, detail, notes_json)
            SELECT l.at, l.case_id, CASE WHEN l.has_agent THEN l.agent END, l.kind, l.detail,
                CASE WHEN l.has_notes THEN l.notes END
            FROM unnest(\(at), \(caseIDs), \(agents), \(hasAgent), \(kinds), \(details), \(notes), \(hasNotes))
                WITH ORDINALITY AS l (at, case_id, agent, has_agent, kind, detail, notes, has_notes, n)
            ORDER BY l.n
            """
    }
}
