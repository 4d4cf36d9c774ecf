import Foundation

/// A file sent with an email (an iCalendar invitation, say): always base64 in its own part of a
/// `multipart/mixed` message, after the text. Its name and media type are cut down to characters
/// that cannot break out of their header (the name filtered, the type cut at the first other
/// character), so whatever they were made from cannot add one.
public struct MailAttachment: Sendable, Equatable {
    /// The file name the reader sees: letters, digits, `.`, `-`, `_` only, at most 64 of them.
    public let filename: String
    /// The media type with its parameters, e.g. `text/calendar; charset=utf-8; method=REQUEST`.
    public let mediaType: String
    public let bytes: [UInt8]

    public init(filename: String, mediaType: String, bytes: [UInt8]) {
        let name = String(filename.unicodeScalars.filter { Self.nameCharacters.contains($0) }.prefix(64))
        self.filename = name.isEmpty ? "attachment" : name
        // A type cut where it stops being a type: whatever follows (a line break, a header) goes.
        let type = String(
            String.UnicodeScalarView(mediaType.unicodeScalars.prefix { Self.typeCharacters.contains($0) }.prefix(200)))
        self.mediaType = type.isEmpty ? "application/octet-stream" : type
        self.bytes = bytes
    }

    private static let nameCharacters = CharacterSet(
        charactersIn: "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-_")
    private static let typeCharacters = nameCharacters.union(CharacterSet(charactersIn: "/;= +"))
}
