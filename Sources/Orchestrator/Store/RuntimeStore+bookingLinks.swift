import Foundation
import GRDB

/// The booking links' key, read from the store (``BookingStorage``).
extension RuntimeStore {
    package func caseLinkKey() async throws -> String {
        try await database.read { db in try Self.caseLinkKey(db) }
    }
}
