import CSV
import Foundation

/// The built-in CRM's contacts, one per email address, filled from a CSV export of another tool
/// (`baton crm import`) and written back out (`baton crm export`). The CSV is read and written
/// here; the store keeps the contacts (``OperatorStorage``).
public struct CRMContacts: Sendable {
    let storage: any OperatorStorage

    public init(store: RuntimeStore) {
        self.storage = store
    }

    package init(storage: any OperatorStorage) {
        self.storage = storage
    }

    /// The fields a contact has, in export order.
    public static let fields = ["email", "name", "phone", "company", "status", "notes"]

    /// Column names other tools use for each field, compared without case, spaces or punctuation.
    static let aliases: [String: [String]] = [
        "email": ["email", "emailaddress", "mail", "primaryemail"],
        "name": ["name", "fullname", "contact", "contactname"],
        "phone": ["phone", "phonenumber", "mobile", "tel", "telephone"],
        "company": ["company", "companyname", "organization", "organisation", "business", "account"],
        "status": ["status", "stage", "leadstatus", "lifecyclestage"],
        "notes": ["notes", "note", "comments", "description"],
        "first": ["firstname", "givenname"],
        "last": ["lastname", "surname", "familyname"],
    ]

    /// What an import did.
    public struct ImportReport: Sendable, Equatable {
        public var added = 0
        public var updated = 0
        /// Rows not imported, with their line and why.
        public var refused: [CSVError] = []
        /// Columns that matched no field.
        public var ignoredColumns: [String] = []
    }

    /// Imports a CSV text: columns matched to fields by their names (or `mapping`: column → field),
    /// each row checked; rows with a problem are refused with their line, the rest added or (same
    /// email) updated with the fields they fill, all in one transaction.
    public func importCSV(_ text: String, mapping: [String: String] = [:]) async throws -> ImportReport {
        let records = try CSVTable.parse(text)
        guard let header = records.first else { throw CSVError(line: 1, message: "the file is empty") }
        for (column, field) in mapping where !Self.fields.contains(field) {
            throw CSVError(
                line: 1,
                message:
                    "--map \(column)=\(field): '\(field)' is not a field (fields: \(Self.fields.joined(separator: ", ")))"
            )
        }
        var report = ImportReport()
        let (columns, ignored) = CSVColumns.match(header.fields, aliases: Self.aliases, mapping: mapping)
        report.ignoredColumns = ignored
        guard columns.values.contains("email") else {
            throw CSVError(
                line: header.line,
                message:
                    "no column holds the email address (columns: \(header.fields.joined(separator: ", "))); name it with --map COLUMN=email"
            )
        }
        var seen: [String: Int] = [:]
        var contacts: [CRMContact] = []
        for record in records.dropFirst() {
            var values: [String: String] = [:]
            for (index, field) in columns where index < record.fields.count {
                let value = record.fields[index].trimmingCharacters(in: .whitespacesAndNewlines)
                if !value.isEmpty { values[field] = value }
            }
            if values["name"] == nil, let first = values["first"] {
                values["name"] = [first, values["last"]].compactMap { $0 }.joined(separator: " ")
            }
            let email = (values["email"] ?? "").lowercased()
            guard !email.isEmpty else {
                report.refused.append(CSVError(line: record.line, message: "no email address"))
                continue
            }
            guard Dispatcher.isAddress(email) else {
                report.refused.append(CSVError(line: record.line, message: "'\(email)' is not an email address"))
                continue
            }
            if let earlier = seen[email] {
                report.refused.append(CSVError(line: record.line, message: "\(email) is already on line \(earlier)"))
                continue
            }
            seen[email] = record.line
            contacts.append(
                CRMContact(
                    email: email, name: values["name"], phone: values["phone"], company: values["company"],
                    status: values["status"], notes: values["notes"]))
        }
        (report.added, report.updated) = try await storage.saveContacts(contacts)
        return report
    }

    /// Every contact as CSV (the fields, then when it last changed), by email; a
    /// ``StoredDataError`` naming the first contact that does not read (see ``exportReport()``).
    public func exportCSV() async throws -> String {
        let export = try await exportReport()
        if let bad = export.unreadable.first { throw bad }
        return export.csv
    }

    /// Every contact that reads as CSV, by email, with how many there are, and those whose stored
    /// row does not (left out, to be said).
    public func exportReport() async throws -> (csv: String, count: Int, unreadable: [StoredDataError]) {
        let listing = try await storage.contactListing()
        let lines = listing.contacts.map { contact in
            Self.fields.map { contact[$0] ?? "" } + [contact.updatedAt.map(StoredDate.text) ?? ""]
        }
        return (CSVTable.write([Self.fields + ["updated_at"]] + lines), lines.count, listing.unreadable)
    }
}
