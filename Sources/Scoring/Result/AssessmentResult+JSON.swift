import Foundation

extension AssessmentResult {
    /// The result as pretty JSON with sorted keys: the same result always gives the same bytes.
    public func jsonText() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(self), as: UTF8.self)
    }

    /// Reads a result written by ``jsonText()``.
    public static func decode(json: String) throws -> AssessmentResult {
        try JSONDecoder().decode(AssessmentResult.self, from: Data(json.utf8))
    }
}
