import Foundation

/// The prior of a workflow the prospect names ("something else" in the questionnaire): all that is
/// known of it is its name and the one kind of work it mostly is. `custom_workflow` in `scoring.yaml`.
public struct CustomWorkflowPrior: Codable, Sendable {
    /// The share of the chosen kind in the workflow's mix; the rest is spread evenly over the other kinds.
    public var mainShare: Double
    /// The kinds of work offered (activities of `activities.automatable`), each with the cap of a
    /// workflow that is mostly that kind.
    public var caps: [String: Double]
    /// The label used when the prospect gave no name.
    public var label: String
    public var source: String

    enum CodingKeys: String, CodingKey {
        case caps, label, source
        case mainShare = "main_share"
    }

    /// The kinds offered, in a stable order.
    public var kinds: [String] { caps.keys.sorted() }

    /// The mix of a workflow that is mostly `kind`: `mainShare` of it, the rest evenly over the
    /// other kinds offered; `nil` for a kind not offered.
    public func mix(kind: String) -> [String: Double]? {
        guard caps[kind] != nil else { return nil }
        let others = kinds.filter { $0 != kind }
        guard !others.isEmpty else { return [kind: 1] }
        var mix = [kind: mainShare]
        for other in others { mix[other] = (1 - mainShare) / Double(others.count) }
        return mix
    }

    /// The name given, or ``label`` when it is blank.
    public func label(name: String?) -> String {
        let given = name?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
        return given.isEmpty ? label : given
    }

    /// The prior of a custom workflow that is mostly `kind`, labelled with the name given. A kind
    /// not offered gives an empty mix and a cap of 0: the workflow is listed but worth nothing.
    public func prior(kind: String, name: String?) -> WorkflowPrior {
        WorkflowPrior(label: label(name: name), mix: mix(kind: kind) ?? [:], cap: caps[kind] ?? 0, source: source)
    }
}
