import Blueprint
import GRDB

/// Action kinds are stored as their text in the outbox and on approvals.
extension ActionKind: DatabaseValueConvertible {}
