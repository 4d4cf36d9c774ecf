/// A workspace that cannot be opened or used, with what to do about it.
public struct WorkspaceError: Error, Sendable, CustomStringConvertible {
    public let description: String

    init(_ description: String) {
        self.description = description
    }

    static func noSuchAssessment(_ id: Int64) -> WorkspaceError {
        WorkspaceError("no assessment \(id) in this workspace (see `baton list`)")
    }
}
