import Foundation
import Signing

/// The links of the booking page `baton run --listen` serves: `PUBLIC_URL/book/TOKEN`, the token
/// a ``LinkToken`` for ``LinkToken/Purpose/booking`` naming the case, good for ``validity`` from
/// when the reply was written. The scheduling skill puts one in its reply (``Tools/bookingLink``);
/// the server opens it (``caseID(of:now:)``).
package struct BookingLinks: Sendable {
    /// Where people reach the server, without a trailing slash (`https://book.example.com`).
    package let publicURL: String
    /// How long a link stays good.
    package let validity: TimeInterval
    private let key: String

    /// Two weeks: the offered times are within three weeks, and a link from a month ago is stale.
    package static let defaultValidity: TimeInterval = 14 * 86_400

    package init(publicURL: String, key: String, validity: TimeInterval = BookingLinks.defaultValidity) {
        var url = publicURL
        while url.hasSuffix("/") { url.removeLast() }
        self.publicURL = url
        self.key = key
        self.validity = validity
    }

    /// The links of the install whose store is `store`.
    package static func load(
        publicURL: String, from store: any BookingStorage, validity: TimeInterval = BookingLinks.defaultValidity
    ) async throws -> BookingLinks {
        BookingLinks(publicURL: publicURL, key: try await store.caseLinkKey(), validity: validity)
    }

    /// The token of `caseID`'s link written at `now`.
    package func token(caseID: String, now: Date) -> String {
        LinkToken.make(caseID: caseID, purpose: .booking, expires: now.addingTimeInterval(validity), key: key)
    }

    /// `caseID`'s link written at `now`; nil for a case id so long that its token would be refused.
    package func link(caseID: String, now: Date) -> String? {
        let token = token(caseID: caseID, now: now)
        return token.utf8.count <= LinkToken.maxLength ? "\(publicURL)/book/\(token)" : nil
    }

    /// The case a booking token names, or why it names none at `now`.
    package func caseID(of token: String, now: Date) -> Result<String, LinkToken.Refusal> {
        LinkToken.open(token, purpose: .booking, key: key, now: now)
    }
}
