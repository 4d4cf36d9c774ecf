import Blueprint
import Foundation

/// What a skill sees: the event, the case's shared context, its agent's configuration.
public struct SkillInput: Sendable {
    public let event: EventRecord
    public let payload: [String: String]
    /// Notes earlier agents wrote, by agent id.
    public let context: [String: [String: String]]
    public let agent: Agent
    public let business: Business
    public let now: Date
}

/// An action a skill proposes; the policy gate decides whether it runs, waits or is refused.
public struct ProposedAction: Sendable, Equatable {
    /// An action from ``SkillCatalog/actions``, e.g. `email.send`; a model may propose one the
    /// catalog lacks, which the gate refuses.
    public let kind: ActionKind
    public let payload: [String: String]
    /// Why the agent proposes it, shown with any approval.
    public let reason: String
    /// Whether the agent itself asks a person to decide (its blueprint says so): the gate holds it
    /// for approval even where no rule would. It can only narrow what the agent does, never widen it.
    public var waitsForPerson = false
    /// Whether it waits for a person whatever the rules say (``ActionKind/isHighStakes(offering:)``):
    /// read from its text when the skill proposes it — beside the other cases' skills, not in the
    /// commit that all cases wait on.
    public let isHighStakes: Bool

    init(kind: ActionKind, payload: [String: String], reason: String, waitsForPerson: Bool = false) {
        self.kind = kind
        self.payload = payload
        self.reason = reason
        self.waitsForPerson = waitsForPerson
        isHighStakes = kind.isHighStakes(offering: payload)
    }
}

/// What a skill returns: notes for the case context, proposed actions, and events to hand on.
public struct SkillOutcome: Sendable {
    public var notes: [String: String] = [:]
    public var actions: [ProposedAction] = []
    public var emits: [(type: String, payload: [String: String])] = []
    /// Events handed on later: after a number of calendar days, at the same local time.
    public var delayed: [(type: String, afterDays: Int)] = []
    /// Tools the skill needed but was not granted (e.g. `calendar.read`); the engine audits each.
    public var refusedTools: [String] = []
    /// Why the event is obvious spam, when the skill found it so: the engine audits it as `spam`,
    /// and the daily report counts it (no reply is owed).
    public var spam: String?
}

/// The tools a skill may use, granted from its agent's permissions and nothing more.
public struct Tools: Sendable {
    /// Free slots of the built-in calendar, present only with `calendar.read`.
    public let freeSlots: (@Sendable (_ count: Int, _ minutes: Int) -> [Date])?
    /// Whether a time is free (in the future, within working hours, over nothing busy), with `calendar.read`.
    public let isFree: (@Sendable (_ start: Date, _ minutes: Int) -> Bool)?
    /// The language model the agent's settings enable, if any.
    public let model: LanguageModel?
    /// A case's link to the booking page `baton run --listen` serves, with `calendar.book` and a
    /// public URL (``BookingLinks``); nil when nothing would serve it.
    public let bookingLink: (@Sendable (_ caseID: String) -> String?)?

    public init(
        freeSlots: (@Sendable (_ count: Int, _ minutes: Int) -> [Date])? = nil,
        isFree: (@Sendable (_ start: Date, _ minutes: Int) -> Bool)? = nil, model: LanguageModel? = nil,
        bookingLink: (@Sendable (_ caseID: String) -> String?)? = nil
    ) {
        self.freeSlots = freeSlots
        self.isFree = isFree
        self.model = model
        self.bookingLink = bookingLink
    }
}

/// A skill: what an agent does with an event. It runs outside any database transaction and may wait
/// (on a language model, say) within the engine's skill timeout. The built-in ones are deterministic
/// and never throw; a skill that throws or times out fails the event's processing, which the engine
/// tries again and, after its `maxEventAttempts`, moves to the dead letters.
public protocol Skill: Sendable {
    func run(_ input: SkillInput, tools: Tools) async throws -> SkillOutcome
}

/// The skills by name: the built-in ones, and any registered over or beside them (a skill of one's
/// own, or a test's).
public struct SkillRegistry: Sendable {
    private var registered: [String: any Skill] = [:]

    /// The built-in skills only.
    public static let builtIn = SkillRegistry()

    private init() {}

    /// This registry with `skill` under `name`, in place of any built-in skill of that name.
    public func registering(_ skill: any Skill, as name: String) -> SkillRegistry {
        var registry = self
        registry.registered[name] = skill
        return registry
    }

    /// The skill registered under `name`, else the built-in one.
    public func skill(named name: String) -> Skill? {
        registered[name] ?? Self.skill(named: name)
    }

    /// Whether a skill of one's own (or a test's) is registered under `name`.
    public func isRegistered(_ name: String) -> Bool { registered[name] != nil }

    /// Whether `name` names a built-in skill.
    public static func isBuiltIn(_ name: String) -> Bool { skill(named: name) != nil }

    /// The built-in skill named `name`.
    public static func skill(named name: String) -> Skill? {
        switch name {
        case "lead_qualification": return LeadQualificationSkill()
        case "follow_up_drafting": return FollowUpDraftingSkill()
        case "scheduling": return SchedulingSkill()
        case "support_triage": return SupportTriageSkill()
        case "invoice_reminders": return InvoiceReminderSkill()
        case "bookkeeping": return BookkeepingSkill()
        case "onboarding": return OnboardingSkill()
        case "content_drafting": return ContentDraftingSkill()
        case "reporting": return ReportingSkill()
        default: return nil
        }
    }
}
