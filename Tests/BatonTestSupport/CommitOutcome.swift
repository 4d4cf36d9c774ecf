/// What the engine's commit must leave a case's lead in when some cases' contexts moved on under it
/// and the store refused others' writes: the fallback tests check it on SQLite and PostgreSQL.
public enum CommitOutcome {
    /// Why the lead of `caseID` (its event's `status` and `attempts`) is not as the commit should
    /// leave it, or nil when it is: a moved case untried, a refused one with one try, the rest done.
    public static func mismatch(
        caseID: String, status: String, attempts: Int, moved: Set<String>, refused: Set<String>
    ) -> String? {
        if moved.contains(caseID) {
            return status == "pending" && attempts == 0
                ? nil : "\(caseID) moved on: should be left untried, is \(status) after \(attempts) tries"
        }
        if refused.contains(caseID) {
            return status == "pending" && attempts == 1
                ? nil : "\(caseID) refused: should have one try counted, is \(status) after \(attempts)"
        }
        return status == "done" ? nil : "\(caseID) should be committed, is \(status)"
    }
}
