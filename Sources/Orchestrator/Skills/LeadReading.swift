import Foundation

/// What a lead said, read from its fields and its message: when it wants the work, what it would
/// spend, where it is, what it asks for, and whether it is obvious spam. The lead qualifier scores
/// it; ``LeadReader`` (rules) or a language model (``ModelLeadFields``) fills it.
public struct LeadReading: Sendable, Equatable {
    /// When the lead wants the work, as the lead put it, and how many days from now that is
    /// (`nil` when it said no time: "no rush").
    public struct Timeline: Sendable, Equatable {
        public var phrase: String
        public var days: Int?
    }

    /// An amount the lead named, as written and as a number (in the lead's own currency).
    public struct Budget: Sendable, Equatable {
        public var phrase: String
        public var amount: Decimal?
    }

    public var timeline: Timeline?
    public var budget: Budget?
    /// The place or postal code the lead named.
    public var place: String?
    /// Whether `place` is in the business's service area: `nil` when no place was named or it
    /// cannot be told; `true` for any place when the blueprint names no area.
    public var inArea: Bool?
    /// The business's service the lead asks for (the lead's own `service` field when the
    /// blueprint lists no services).
    public var service: String?
    /// Why this is obvious spam (a link farm, no real content, gibberish); `nil` for a real lead.
    public var spam: String?
    /// Whether there is an email address to reply to (the mail connector checks it as it writes:
    /// a reply to a bad one is given up, and the daily report says so).
    public var contactable: Bool
    /// Whether the lead wrote anything that says what it wants (a message with words, or a field
    /// beyond its name and addresses).
    public var saysWhat: Bool

    /// The rubric's signals this reading meets, in the rubric's order.
    public var signals: [String] {
        var met: [String] = []
        if budget != nil { met.append(LeadSignal.budget) }
        if inArea == true { met.append(LeadSignal.area) }
        if let days = timeline?.days, days <= 31 { met.append(LeadSignal.timeline) }
        if service != nil { met.append(LeadSignal.service) }
        return met
    }
}

/// The signals a lead qualifier's rubric may name (`settings.rubric.signals`).
public enum LeadSignal {
    public static let budget = "budget_stated"
    public static let area = "in_service_area"
    public static let timeline = "timeline_within_month"
    public static let service = "service_requested"
    /// Every signal, in the order the qualifier asks about a missing one.
    public static let all = [timeline, area, service, budget]
}
