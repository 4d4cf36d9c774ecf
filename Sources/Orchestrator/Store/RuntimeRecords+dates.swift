import Foundation
import GRDB

/// A record that writes its dates as ``StoredDate`` does: GRDB's own text, without GRDB's
/// `DateFormatter`. That formatter is ICU's: the first date it writes (the dispatcher's first sent
/// action, a new store's migrations) loads ICU's date and number formatting, code and locale data,
/// into the process, for a fixed format that integer arithmetic writes.
public protocol StoredDateRecord: EncodableRecord {}

extension StoredDateRecord {
    /// Every date column as ``StoredDate`` writes it.
    public static func databaseDateEncodingStrategy(for column: String) -> DatabaseDateEncodingStrategy {
        .custom { StoredDate.text($0) }
    }
}

extension EventRecord: StoredDateRecord {}
extension OutboxItem: StoredDateRecord {}
extension ApprovalRecord: StoredDateRecord {}
extension AuditEntry: StoredDateRecord {}
