import Foundation

/// One contact of the built-in CRM, known by its email address (lowercased). A field left nil by an
/// import keeps what the contact held.
public struct CRMContact: Sendable, Equatable {
    public var email: String
    public var name: String?
    public var phone: String?
    public var company: String?
    public var status: String?
    public var notes: String?
    /// When the contact last changed (set by the store).
    public var updatedAt: Date?

    public init(
        email: String, name: String? = nil, phone: String? = nil, company: String? = nil, status: String? = nil,
        notes: String? = nil, updatedAt: Date? = nil
    ) {
        self.email = email
        self.name = name
        self.phone = phone
        self.company = company
        self.status = status
        self.notes = notes
        self.updatedAt = updatedAt
    }

    /// The value of one of ``CRMContacts/fields``.
    public subscript(field: String) -> String? {
        switch field {
        case "email": email
        case "name": name
        case "phone": phone
        case "company": company
        case "status": status
        case "notes": notes
        default: nil
        }
    }
}
