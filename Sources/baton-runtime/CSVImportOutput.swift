import ArgumentParser
import CSV

/// What the CSV imports (`baton books import`, `baton crm import`) share at the command line.
enum CSVImportOutput {
    /// `--map COLUMN=FIELD` options as column → field.
    /// - Throws: ``Failure`` for an option without `=`.
    static func mapping(_ pairs: [String]) throws -> [String: String] {
        var mapping: [String: String] = [:]
        for pair in pairs {
            let parts = pair.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2 else { throw Failure("--map takes COLUMN=FIELD, not '\(pair)'") }
            mapping[parts[0]] = parts[1]
        }
        return mapping
    }

    /// Says the columns left out and each refused row as `file:line: why`.
    /// - Throws: `ExitCode(2)` when a row was refused.
    static func finish(file: String, ignoredColumns: [String], refused: [CSVError]) throws {
        if !ignoredColumns.isEmpty {
            printText("columns not imported: \(ignoredColumns.joined(separator: ", ")) (name them with --map)")
        }
        for refusal in refused { printError("\(file):\(refusal.line): \(refusal.message)") }
        if !refused.isEmpty { throw ExitCode(2) }
    }
}
