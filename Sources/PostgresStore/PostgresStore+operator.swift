import Foundation
import Orchestrator
import PostgresNIO
import Signing

/// What the operator's commands need (``OperatorStorage``; its dashboard tokens are in
/// PostgresStore+dashboard.swift), the SQLite store's SQL (RuntimeStore+caseListing.swift,
/// +deadLetters, +prune, +operatorStorage) in PostgreSQL's words. What a retry does to an event is
/// shared (``EventRetryError/retried(_:id:)``). Text is ordered by its bytes (`COLLATE "C"`), as
/// SQLite orders it, whatever the database's collation.
extension PostgresStore: OperatorStorage {
    package func casePage(limit: Int, after cursor: String?) async throws -> CasePage {
        let before = try RuntimeStore.eventBefore(cursor)
        let limit = max(1, limit)
        // The events that opened their case, newest first, below the cursor; each with its case's
        // latest event and count.
        let openers = try await rows(
            """
            SELECT e.id, e.case_id, e.created_at, latest.type AS latest_type, latest.created_at AS latest_at,
                (SELECT count(*) FROM event c WHERE c.case_id = e.case_id) AS events
            FROM (SELECT o.id, o.case_id, o.created_at FROM event o
                  WHERE o.id < \(before) AND NOT EXISTS (SELECT 1 FROM event p WHERE p.case_id = o.case_id AND p.id < o.id)
                  ORDER BY o.id DESC LIMIT \(limit + 1)) e
            CROSS JOIN LATERAL (SELECT l.type, l.created_at FROM event l WHERE l.case_id = e.case_id
                                ORDER BY l.id DESC LIMIT 1) latest
            ORDER BY e.id DESC
            """)
        let shown = openers.prefix(limit)
        let cases = try shown.map {
            CaseSummary(
                stored: try $0("case_id"), openedAt: try $0("created_at"), latestEvent: try $0("latest_type"),
                latestAt: try $0("latest_at"), events: try $0("events"))
        }
        let next = openers.count > limit ? try shown.last.map { String(try $0("id", as: Int64.self)) } : nil
        return CasePage(stored: cases, next: next)
    }

    package func caseEvents(_ caseID: String) async throws -> [EventRecord] {
        try await rows("SELECT * FROM event WHERE case_id = \(caseID) ORDER BY id").map { try $0.event() }
    }

    package func retryDeadLetter(_ id: Int64) async throws -> EventRecord {
        let now = StoredTime.rounded(clock())
        return try await write { tx in
            let stored = try tx.run("SELECT * FROM event WHERE id = \(id) FOR UPDATE").first.map { try StoredRow($0).event() }
            let (event, detail) = try EventRetryError.retried(stored, id: id)
            try tx.run("UPDATE event SET status = 'pending', attempts = 0, last_error = NULL, dead_at = NULL WHERE id = \(id)")
            try tx.appendAudit(at: now, caseID: event.caseID, agent: nil, kind: .retried, detail: detail)
            return event
        }
    }

    package func pruneHistory(before cut: Date) async throws -> PruneSummary {
        let kept = RuntimeStore.keptAuditDetail.map(\.rawValue)
        return try await write { tx in
            try tx.run(
                """
                CREATE TEMP TABLE prune_case ON COMMIT DROP AS
                SELECT case_id,
                    max(created_at) < \(cut) AND count(*) FILTER (WHERE status IN ('pending', 'dead')) = 0 AS closed
                FROM event GROUP BY case_id HAVING min(created_at) < \(cut)
                """)
            try tx.run(
                """
                UPDATE prune_case SET closed = false WHERE closed AND (
                    case_id IN (SELECT case_id FROM outbox WHERE status IN ('queued', 'held'))
                    OR case_id IN (SELECT case_id FROM approval WHERE status = 'pending')
                    OR case_id IN (SELECT case_id FROM audit WHERE at >= \(cut)))
                """)
            let counts = try tx.run(
                "SELECT count(*) FILTER (WHERE closed), count(*) FILTER (WHERE NOT closed) FROM prune_case"
            ).first.map { try $0.decode((Int, Int).self) } ?? (0, 0)
            let closed = "case_id IN (SELECT case_id FROM prune_case WHERE closed)"
            func changed(_ query: PostgresQuery) throws -> Int { try tx.run(query).metadata.rows ?? 0 }
            return PruneSummary(
                closed: counts.0, open: counts.1,
                eventPayloads: try changed(
                    PostgresQuery(
                        unsafeSQL:
                            "UPDATE event SET payload_json = '{}' WHERE \(closed) AND status IN ('done', 'cancelled') AND payload_json <> '{}'"
                    )),
                contexts: try changed(
                    PostgresQuery(
                        unsafeSQL:
                            "UPDATE case_context SET context_json = '{}', version = version + 1 WHERE \(closed) AND context_json <> '{}'"
                    )),
                outboxPayloads: try changed(
                    PostgresQuery(
                        unsafeSQL:
                            "UPDATE outbox SET payload_json = '{}' WHERE \(closed) AND status IN ('sent', 'dead') AND payload_json <> '{}'"
                    )),
                approvalEvidence: try changed(
                    PostgresQuery(
                        unsafeSQL:
                            "UPDATE approval SET evidence_json = NULL WHERE \(closed) AND status <> 'pending' AND evidence_json IS NOT NULL"
                    )),
                auditLines: try changed(
                    """
                    UPDATE audit SET notes_json = NULL, detail = CASE WHEN kind = ANY(\(kept)) THEN detail ELSE '' END
                    WHERE at < \(cut) AND (notes_json IS NOT NULL OR (detail <> '' AND NOT kind = ANY(\(kept))))
                    """))
        }
    }

    package func caseLinkToken(for caseID: String) async throws -> String {
        CaseToken.make(caseID: caseID, key: try await caseLinkKey())
    }

    package func pendingApprovalListing() async throws -> (approvals: [ApprovalRecord], unreadable: [StoredDataError]) {
        // The columns' types keep every row readable: nothing to set aside.
        (try await rows("SELECT * FROM approval WHERE status = 'pending' ORDER BY id").map { try $0.approval() }, [])
    }

    package func saveContacts(_ contacts: [CRMContact]) async throws -> (added: Int, updated: Int) {
        let now = StoredTime.rounded(clock())
        return try await write { tx in
            var added = 0
            for contact in contacts {
                // Fields the import left empty keep what the contact held; `xmax = 0` marks a new row.
                let inserted = try tx.run(
                    """
                    INSERT INTO crm_contact AS c (email, name, phone, company, status, notes, updated_at)
                    VALUES (\(contact.email), \(contact.name), \(contact.phone), \(contact.company), \(contact.status),
                        \(contact.notes), \(now))
                    ON CONFLICT (email) DO UPDATE SET
                        name = coalesce(excluded.name, c.name), phone = coalesce(excluded.phone, c.phone),
                        company = coalesce(excluded.company, c.company), status = coalesce(excluded.status, c.status),
                        notes = coalesce(excluded.notes, c.notes), updated_at = excluded.updated_at
                    RETURNING (xmax = 0)
                    """
                ).first.map { try $0.decode(Bool.self) } ?? false
                if inserted { added += 1 }
            }
            return (added, contacts.count - added)
        }
    }

    package func contactListing() async throws -> (contacts: [CRMContact], unreadable: [StoredDataError]) {
        let contacts = try await rows("SELECT * FROM crm_contact ORDER BY email COLLATE \"C\"").map {
            CRMContact(
                email: try $0("email"), name: try $0("name"), phone: try $0("phone"), company: try $0("company"),
                status: try $0("status"), notes: try $0("notes"), updatedAt: try $0("updated_at"))
        }
        // The columns' types keep every row readable: nothing to set aside.
        return (contacts, [])
    }
}
