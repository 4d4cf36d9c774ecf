import ArgumentParser
import CSV
import Foundation
import Orchestrator

/// `baton crm`: the built-in CRM's contacts in and out as CSV.
struct CRMCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "crm", abstract: "Import and export the built-in CRM's contacts as CSV.",
        subcommands: [Import.self, Export.self])

    struct Import: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Import contacts from a CSV file (an export of another CRM or a spreadsheet).",
            discussion: """
                Columns are matched to the fields email, name (or first and last name), phone, company, status \
                and notes by their names; --map names the others. A row without a valid email address, or \
                repeating one, is refused with its line; the rest are added, or update the contact with that \
                email. Exit status: 0 when every row is in, 2 when some were refused, 1 when the file cannot be read.

                Examples:
                  baton crm import contacts.csv
                  baton crm import hubspot.csv --map "Email Address=email" --map "Lifecycle Stage=status"
                """)
        @OptionGroup var runtime: RuntimeOptions
        @Argument(help: "The CSV file.") var file: String
        @Option(help: ArgumentHelp("A column for a field, as COLUMN=FIELD (repeatable).", valueName: "column=field"))
        var map: [String] = []

        func run() async throws {
            try await reportingFailures {
                let mapping = try CSVImportOutput.mapping(map)
                let text: String
                do { text = try String(contentsOfFile: file, encoding: .utf8) } catch {
                    throw Failure("cannot read \(file): \(error.localizedDescription)")
                }
                let report: CRMContacts.ImportReport
                do {
                    report = try await CRMContacts(storage: runtime.store()).importCSV(text, mapping: mapping)
                } catch let error as CSVError {
                    throw Failure("\(file):\(error.line): \(error.message)")
                }
                printText(
                    "\(report.added) contacts added, \(report.updated) updated, \(report.refused.count) rows refused")
                try CSVImportOutput.finish(file: file, ignoredColumns: report.ignoredColumns, refused: report.refused)
            }
        }
    }

    struct Export: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Write every contact as CSV (to stdout or --out).")
        @OptionGroup var runtime: RuntimeOptions
        @Option(help: "The file to write.") var out: String?

        func run() async throws {
            try await reportingFailures {
                let (text, count, unreadable) = try await CRMContacts(storage: runtime.store()).exportReport()
                for bad in unreadable { printError("left out: \(bad)") }
                guard let out else { return print(text, terminator: "") }
                try text.write(toFile: out, atomically: true, encoding: .utf8)
                printError("Wrote \(count) contacts to \(out)")
            }
        }
    }
}
