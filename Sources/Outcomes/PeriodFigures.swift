import Foundation

/// What the runtime measured over one stretch of days: a day, a week, or the whole period.
public struct PeriodFigures: Codable, Sendable, Equatable {
    /// `YYYY-MM-DD`, the first day.
    public var start: String
    /// Days it covers (a week at the end of a period may be shorter than 7).
    public var days: Int
    public var leads: LeadCounts
    /// From a lead's arrival to its first reply sent; a lead without one counted at its wait so far.
    public var firstResponse: ResponseTimes
    /// First replies sent with no person involved, and those that waited for an approval.
    public var repliesWithoutPerson: Int
    public var repliesAfterApproval: Int
    /// From an approval asked to its decision, over the approvals decided in the period (any action).
    public var approvalTurnaround: ResponseTimes
    /// Tasks (skill runs) by agent id.
    public var tasksPerAgent: [String: Int]
    /// Actions that waited for a person.
    public var escalations: Int
    /// Actions given up and events dead-lettered (audit lines of kind `dead`).
    public var deadActions: Int
    /// Hours of a person's work the agents' tasks stand for: an estimate, with its basis.
    public var hoursTakenOver: HoursEstimate
    /// The books, when any invoice is in them.
    public var books: BooksFigures?
    /// Every customer inquiry of the period (not leads); absent in snapshots from before it was measured.
    public var inquiries: InquiryCounts?
    /// From an inquiry's arrival to its first answer sent; one without an answer counted at its wait so far.
    public var inquiryFirstAnswer: ResponseTimes?

    public init(
        start: String, days: Int, leads: LeadCounts, firstResponse: ResponseTimes, repliesWithoutPerson: Int,
        repliesAfterApproval: Int, approvalTurnaround: ResponseTimes, tasksPerAgent: [String: Int], escalations: Int,
        deadActions: Int, hoursTakenOver: HoursEstimate, books: BooksFigures?, inquiries: InquiryCounts? = nil,
        inquiryFirstAnswer: ResponseTimes? = nil
    ) {
        self.start = start
        self.days = days
        self.leads = leads
        self.firstResponse = firstResponse
        self.repliesWithoutPerson = repliesWithoutPerson
        self.repliesAfterApproval = repliesAfterApproval
        self.approvalTurnaround = approvalTurnaround
        self.tasksPerAgent = tasksPerAgent
        self.escalations = escalations
        self.deadActions = deadActions
        self.hoursTakenOver = hoursTakenOver
        self.books = books
        self.inquiries = inquiries
        self.inquiryFirstAnswer = inquiryFirstAnswer
    }

    enum CodingKeys: String, CodingKey {
        case start, days, leads, escalations, books, inquiries
        case inquiryFirstAnswer = "inquiry_first_answer"
        case firstResponse = "first_response", repliesWithoutPerson = "replies_without_person"
        case repliesAfterApproval = "replies_after_approval", approvalTurnaround = "approval_turnaround"
        case tasksPerAgent = "tasks_per_agent", deadActions = "dead_actions", hoursTakenOver = "hours_taken_over"
    }
}

/// Every lead of a period, none left out.
public struct LeadCounts: Codable, Sendable, Equatable {
    public var received: Int
    public var answered: Int
    public var waitingForPerson: Int
    public var unanswered: Int
    public var spam: Int

    public init(received: Int, answered: Int, waitingForPerson: Int, unanswered: Int, spam: Int) {
        self.received = received
        self.answered = answered
        self.waitingForPerson = waitingForPerson
        self.unanswered = unanswered
        self.spam = spam
    }

    enum CodingKeys: String, CodingKey {
        case received, answered, unanswered, spam
        case waitingForPerson = "waiting_for_person"
    }
}

/// Every customer inquiry of a period (a question, a complaint, a refund request that is not a
/// lead), none left out.
public struct InquiryCounts: Codable, Sendable, Equatable {
    public var received: Int
    public var answered: Int
    /// Without an answer, waiting for a person (an approval, a held email, an escalation).
    public var waitingForPerson: Int
    /// Without an answer and nothing waiting for a person.
    public var unanswered: Int

    public init(received: Int, answered: Int, waitingForPerson: Int, unanswered: Int) {
        self.received = received
        self.answered = answered
        self.waitingForPerson = waitingForPerson
        self.unanswered = unanswered
    }

    enum CodingKeys: String, CodingKey {
        case received, answered, unanswered
        case waitingForPerson = "waiting_for_person"
    }
}

/// Times in minutes: how many, their 50th and 90th percentiles (nearest rank), the share within a
/// target, and how sure the median is.
public struct ResponseTimes: Codable, Sendable, Equatable {
    public var sample: Int
    public var p50Minutes: Double?
    public var p90Minutes: Double?
    /// The share of the sample at or under ``targetMinutes``, when there is a target.
    public var withinTarget: Double?
    public var targetMinutes: Double?
    /// A distribution-free 90% interval of the median (``Percentiles/medianInterval(_:)``).
    public var p50Low: Double?
    public var p50High: Double?
    public var confidence: Confidence

    /// The figures of `minutes` (any order; values that are not finite are left out).
    public init(minutes: [Double], target: Double?) {
        let sorted = minutes.filter(\.isFinite).map { max(0, $0) }.sorted()
        sample = sorted.count
        p50Minutes = Percentiles.nearestRank(sorted, 0.5)
        p90Minutes = Percentiles.nearestRank(sorted, 0.9)
        targetMinutes = target.flatMap { $0.isFinite ? $0 : nil }
        withinTarget = targetMinutes.flatMap { t in
            sorted.isEmpty ? nil : Double(sorted.filter { $0 <= t }.count) / Double(sorted.count)
        }
        let interval = Percentiles.medianInterval(sorted)
        p50Low = interval?.low
        p50High = interval?.high
        confidence = Confidence(sample: sorted.count)
    }

    enum CodingKeys: String, CodingKey {
        case sample, confidence
        case p50Minutes = "p50_minutes", p90Minutes = "p90_minutes", withinTarget = "within_target"
        case targetMinutes = "target_minutes", p50Low = "p50_low", p50High = "p50_high"
    }
}

/// How sure a measured figure is, from the size of its sample.
public enum Confidence: String, Codable, Sendable, CaseIterable {
    /// Fewer than ``minimumSample``: no figure is given, only the count.
    case tooFew = "too_few"
    /// ``minimumSample`` to 29.
    case low
    /// 30 to 99.
    case moderate
    /// 100 and more.
    case high

    /// Below it a median says more about chance than about the system.
    public static let minimumSample = 10

    public init(sample: Int) {
        switch sample {
        case ..<Self.minimumSample: self = .tooFew
        case ..<30: self = .low
        case ..<100: self = .moderate
        default: self = .high
        }
    }

    /// In a sentence: "too few to say", "low", …
    public var words: String {
        switch self {
        case .tooFew: return "too few to say"
        case .low: return "low"
        case .moderate: return "moderate"
        case .high: return "high"
        }
    }
}

/// The hours of a person's work the agents' tasks stand for: tasks × the catalog's minutes per task.
public struct HoursEstimate: Codable, Sendable, Equatable {
    public var hours: Double
    /// Always true: the figure rests on assumed minutes per task, not on a stopwatch.
    public var estimate: Bool
    public var basis: [HoursBasis]

    public init(basis: [HoursBasis]) {
        self.basis = basis
        hours = basis.reduce(0) { $0 + $1.hours }
        estimate = true
    }
}

/// One agent's share of ``HoursEstimate``.
public struct HoursBasis: Codable, Sendable, Equatable {
    public var agent: String
    public var tasks: Int
    public var minutesPerTask: Double
    public var source: String

    public init(agent: String, tasks: Int, minutesPerTask: Double, source: String) {
        self.agent = agent
        self.tasks = tasks
        self.minutesPerTask = minutesPerTask
        self.source = source
    }

    public var hours: Double {
        let h = Double(tasks) * minutesPerTask / 60
        return h.isFinite ? h : 0
    }

    enum CodingKeys: String, CodingKey {
        case agent, tasks, source
        case minutesPerTask = "minutes_per_task"
    }
}

/// The books over a period: reminders raised, invoices paid, and days from issue to payment.
public struct BooksFigures: Codable, Sendable, Equatable {
    public var invoicesChased: Int
    public var invoicesPaid: Int
    /// Days from an invoice's issue date to the import that found it paid, over the invoices paid in
    /// the period that have an issue date.
    public var daysToPayment: ResponseTimes

    public init(invoicesChased: Int, invoicesPaid: Int, daysToPayment: [Double]) {
        self.invoicesChased = invoicesChased
        self.invoicesPaid = invoicesPaid
        // Days are carried in the minutes fields' shape; the unit is said in the key's name.
        self.daysToPayment = ResponseTimes(minutes: daysToPayment, target: nil)
    }

    enum CodingKeys: String, CodingKey {
        case invoicesChased = "invoices_chased", invoicesPaid = "invoices_paid", daysToPayment = "days_to_payment"
    }
}
