import Foundation
import GRDB

/// One assessment in the workspace: which pack it answers, how far it got, and when.
public struct AssessmentSession: Codable, Sendable, Equatable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "assessment"

    /// Whether the person is still answering or has finished.
    public enum Status: String, Codable, Sendable {
        case inProgress = "in_progress"
        case completed
    }

    public var id: Int64?
    public var packID: String
    public var packVersion: Int
    /// Where the pack was read from when the assessment started.
    public var packPath: String
    /// The pack's text as it was then, so that resuming asks the same questions.
    public var packYAML: String
    public var status: Status
    /// The business's name once it is known, for listings.
    public var title: String?
    public var answered: Int
    public var total: Int
    public var createdAt: Date
    public var updatedAt: Date
    public var completedAt: Date?

    enum CodingKeys: String, CodingKey {
        case id, packID = "pack_id", packVersion = "pack_version", packPath = "pack_path", packYAML = "pack_yaml"
        case status, title, answered, total
        case createdAt = "created_at", updatedAt = "updated_at", completedAt = "completed_at"
    }
}
