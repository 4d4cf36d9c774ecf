import Foundation

/// CSV as RFC 4180 has it: quoted fields with doubled quotes, commas and line breaks inside quotes,
/// CRLF or LF line ends. Reading keeps each record's first line number for error messages;
/// writing defuses cells a spreadsheet would run as formulas.
public enum CSVTable {
    /// The records of `text`, each with the line it starts on (1-based); blank lines skipped.
    public static func parse(_ text: String) throws -> [(line: Int, fields: [String])] {
        var records: [(line: Int, fields: [String])] = []
        var fields: [String] = []
        var field = ""
        var quoted = false
        var line = 1
        var recordLine = 1
        var characters = Array(text.replacingOccurrences(of: "\r\n", with: "\n"))
        if characters.first == "\u{FEFF}" { characters.removeFirst() }  // a spreadsheet's byte-order mark
        var index = 0
        func endRecord() {
            fields.append(field)
            if !(fields.count == 1 && fields[0].isEmpty) { records.append((recordLine, fields)) }
            fields = []
            field = ""
        }
        while index < characters.count {
            let c = characters[index]
            if quoted {
                if c == "\"" {
                    if index + 1 < characters.count && characters[index + 1] == "\"" {
                        field.append("\"")
                        index += 1
                    } else {
                        quoted = false
                    }
                } else {
                    if c == "\n" { line += 1 }
                    field.append(c)
                }
            } else {
                switch c {
                case "\"" where field.isEmpty: quoted = true
                case ",":
                    fields.append(field)
                    field = ""
                case "\n":
                    endRecord()
                    line += 1
                    recordLine = line
                default: field.append(c)
                }
            }
            index += 1
        }
        if quoted { throw CSVError(line: recordLine, message: "a quoted field is never closed") }
        if !field.isEmpty || !fields.isEmpty { endRecord() }
        return records
    }

    /// One cell for writing: quoted when needed, a leading `= + - @` defused with a quote mark.
    public static func cell(_ value: String) -> String {
        var text = value
        if let first = text.first, "=+-@\t\r".contains(first), Double(text) == nil { text = "'" + text }
        guard text.contains(where: { ",\"\r\n".contains($0) }) else { return text }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    /// Rows as CSV text with CRLF line ends.
    public static func write(_ rows: [[String]]) -> String {
        rows.map { $0.map(cell).joined(separator: ",") }.joined(separator: "\r\n") + "\r\n"
    }
}

/// A CSV text that cannot be read, with where.
public struct CSVError: Error, CustomStringConvertible, Sendable, Equatable {
    public let line: Int
    public let message: String
    public var description: String { "line \(line): \(message)" }

    public init(line: Int, message: String) {
        self.line = line
        self.message = message
    }
}

/// A CSV file's header matched to the fields an import knows: by the name a person gave
/// (`--map COLUMN=FIELD`) first, else by the names other tools use for each field, compared
/// without case, spaces or punctuation (`E-mail Address` is `emailaddress`).
public enum CSVColumns {
    /// A column name as it is compared: lowercased letters and digits only.
    public static func key(_ name: String) -> String {
        name.lowercased().filter { $0.isLetter || $0.isNumber }
    }

    /// The field of each column (by index), and the columns that matched none, in order.
    /// - Parameters:
    ///   - aliases: for each field, the keys (see ``key(_:)``) of the names tools give it.
    ///   - mapping: column name → field, as a person named them; wins over the aliases.
    public static func match(
        _ header: [String], aliases: [String: [String]], mapping: [String: String]
    ) -> (fields: [Int: String], ignored: [String]) {
        let explicit = Dictionary(mapping.map { (key($0.key), $0.value) }, uniquingKeysWith: { $1 })
        var fields: [Int: String] = [:]
        var ignored: [String] = []
        for (index, name) in header.enumerated() {
            let normalized = key(name)
            // The first column of a field holds it; a second one (two `Date` columns) is left out.
            if let field = explicit[normalized] ?? aliases.first(where: { $0.value.contains(normalized) })?.key,
                !fields.values.contains(field)
            {
                fields[index] = field
            } else {
                ignored.append(name)
            }
        }
        return (fields, ignored)
    }
}
