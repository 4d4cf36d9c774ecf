import Diagnostics

/// An expression as written in a pack, parsed, with where it stands in the file.
public struct PackExpression: Sendable {
    /// The text as the author wrote it.
    public let source: String
    /// The parsed syntax tree.
    public let expression: Expression
    /// Where the text starts in the file.
    public let location: SourceLocation
    /// Whether columns inside the text map one-to-one onto the file's columns (single-line scalars).
    let mapsColumns: Bool

    init(source: String, expression: Expression, location: SourceLocation, mapsColumns: Bool) {
        self.source = source
        self.expression = expression
        self.location = location
        self.mapsColumns = mapsColumns
    }

    /// The file position of a character offset inside the expression text.
    public func location(at offset: Int) -> SourceLocation {
        guard mapsColumns else { return location }
        return SourceLocation(file: location.file, line: location.line, column: location.column + offset)
    }
}
