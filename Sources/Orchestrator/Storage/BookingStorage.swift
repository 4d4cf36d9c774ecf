import Foundation

/// What the booking links need of the store, part of ``RuntimeStorage``: the install's key, from
/// which ``BookingLinks`` derives the key of its purpose (so a booking token is good for nothing
/// else, and another data folder's tokens open nothing here).
package protocol BookingStorage: Sendable {
    /// The install's case-link key: its identity and its secret, made once with the store.
    func caseLinkKey() async throws -> String
}
