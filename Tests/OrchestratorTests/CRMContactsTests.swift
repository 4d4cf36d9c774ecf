import CSV
import Foundation
import Testing

@testable import Orchestrator

/// The built-in CRM's contacts from and to CSV.
struct CRMContactsTests {
    @Test func csvWithQuotesLineBreaksAndAByteOrderMark() throws {
        let text =
            "\u{FEFF}Email,Notes\r\n\"a@example.com\",\"said \"\"hi\"\"\r\nand more\"\r\n\r\nb@example.com,\"x, y\"\r\n"
        let records = try CSVTable.parse(text)
        #expect(records.map(\.line) == [1, 2, 5])
        #expect(records[1].fields == ["a@example.com", "said \"hi\"\nand more"])
        #expect(records[2].fields == ["b@example.com", "x, y"])
        #expect(throws: CSVError.self) { try CSVTable.parse("a,b\n\"open,c\n") }
    }

    @Test func importMatchesColumnsRefusesBadRowsWithTheirLinesAndUpdatesByEmail() async throws {
        let r = try LeadFlowTests.runtime()
        defer { try? FileManager.default.removeItem(atPath: r.folder) }
        let crm = CRMContacts(store: r.store)
        let csv = """
            First Name,Last Name,E-mail,Phone Number,Organisation,Lifecycle Stage,Favourite colour
            Dana,Lee,Dana@Example.com,403-555-0100,Lee Holdings,customer,blue
            Sam,,sam@,403-555-0101,,lead,red
            ,,,,,,
            Ana,Ruiz,ana@example.com,,,lead,
            Dana,L.,dana@example.com,,,,
            Bo,,"",,,,
            """
        let report = try await crm.importCSV(csv)
        #expect(report.added == 2 && report.updated == 0)
        #expect(report.ignoredColumns == ["Favourite colour"])
        #expect(
            report.refused.map(\.description) == [
                "line 3: 'sam@' is not an email address", "line 4: no email address",
                "line 6: dana@example.com is already on line 2", "line 7: no email address",
            ])
        // A second import updates what it fills and leaves the rest.
        let again = try await crm.importCSV(
            "email,status,Source\nana@example.com,customer,web\n", mapping: ["Source": "notes"])
        #expect(again.added == 0 && again.updated == 1 && again.refused.isEmpty)
        let exported = try await crm.exportCSV()
        #expect(
            exported.hasPrefix(
                "email,name,phone,company,status,notes,updated_at\r\nana@example.com,Ana Ruiz,,,customer,web,2026-03-02 16:00:00.000\r\ndana@example.com,Dana Lee,403-555-0100,Lee Holdings,customer,,"
            ))
        // What comes back in reads the same.
        let roundTrip = try CSVTable.parse(exported)
        #expect(roundTrip.count == 3 && roundTrip[2].fields[1] == "Dana Lee")
    }

    @Test func aFileWithoutAnEmailColumnOrWithAWrongMapIsSaidClearly() async throws {
        let r = try LeadFlowTests.runtime()
        defer { try? FileManager.default.removeItem(atPath: r.folder) }
        let crm = CRMContacts(store: r.store)
        await #expect(throws: CSVError.self) { try await crm.importCSV("Name,Phone\nDana,1\n") }
        do { _ = try await crm.importCSV("Name,Phone\nDana,1\n") } catch {
            #expect(
                "\(error)".contains(
                    "no column holds the email address (columns: Name, Phone); name it with --map COLUMN=email"))
        }
        await #expect(throws: CSVError.self) { try await crm.importCSV("Mail\na@b.co\n", mapping: ["Mail": "e-mail"]) }
        #expect(try await crm.exportReport().count == 0)
    }

    @Test func exportedCellsCannotRunAsFormulas() async throws {
        let r = try LeadFlowTests.runtime()
        defer { try? FileManager.default.removeItem(atPath: r.folder) }
        let crm = CRMContacts(store: r.store)
        _ = try await crm.importCSV("email,name\nx@example.com,\"=HYPERLINK(\"\"http://evil\"\")\"\n")
        #expect(try await crm.exportCSV().contains("\"'=HYPERLINK(\"\"http://evil\"\")\""))
    }
}
