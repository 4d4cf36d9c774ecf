/// When unpaid invoices are chased, from the settings of the agent whose skill is
/// `invoice_reminders`: `invoice.due` on the due date, then a reminder at each of `reminder_days`
/// days past it (the blueprint generator writes `[3, 10, 21]`), each at `reminder_time` in the
/// business's time zone.
///
/// ```yaml
/// settings:
///   reminder_days: [3, 10, 30]   # default
///   reminder_time: "09:00"       # default: the local morning
/// ```
public struct InvoiceReminders: Sendable, Equatable {
    /// `HH:MM` in the business's time zone.
    public var time: String
    /// Days past the due date a reminder goes out, ascending.
    public var daysOverdue: [Int]

    /// 09:00, and 3, 10 and 30 days overdue: without settings.
    public static let standard = InvoiceReminders(time: "09:00", daysOverdue: [3, 10, 30])

    public init(time: String, daysOverdue: [Int]) {
        self.time = time
        self.daysOverdue = daysOverdue
    }

    /// An agent's settings read, the standard for what they leave out (or get wrong: the validator says so).
    public init(settings: [String: SettingValue]) {
        self = .standard
        if case .string(let text) = settings["reminder_time"], Self.isTime(text) { time = text }
        if case .list(let items) = settings["reminder_days"], Self.problems(in: settings).isEmpty {
            daysOverdue = items.compactMap { if case .number(let n) = $0 { Int(n) } else { nil } }
        }
    }

    /// What is wrong with an agent's `reminder_days` and `reminder_time`, by setting.
    public static func problems(in settings: [String: SettingValue]) -> [(key: String, message: String, hint: String)] {
        var found: [(key: String, message: String, hint: String)] = []
        if let value = settings["reminder_time"] {
            if case .string(let text) = value, isTime(text) {
            } else {
                found.append(("reminder_time", "reminder_time is not a time", "write HH:MM, 24-hour, e.g. \"09:00\""))
            }
        }
        if let value = settings["reminder_days"] {
            var days: [Int] = []
            if case .list(let items) = value {
                for item in items {
                    guard case .number(let n) = item, n == n.rounded(), (1...365).contains(n) else {
                        days = []
                        break
                    }
                    days.append(Int(n))
                }
            }
            if days.isEmpty || days.count > 12 || days != Array(Set(days)).sorted() {
                found.append(
                    (
                        "reminder_days", "reminder_days must be 1 to 12 different whole days from 1 to 365, ascending",
                        "e.g. [3, 10, 30]"
                    ))
            }
        }
        return found
    }

    static func isTime(_ text: String) -> Bool {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2, parts.allSatisfy({ $0.count == 2 }), let h = Int(parts[0]), let m = Int(parts[1])
        else { return false }
        return (0...23).contains(h) && (0...59).contains(m)
    }
}

extension Blueprint {
    /// When invoices are chased: the settings of the first agent whose skill is `invoice_reminders`,
    /// else the standard schedule.
    public var invoiceReminders: InvoiceReminders {
        InvoiceReminders(settings: agents.first { $0.skill == "invoice_reminders" }?.settings ?? [:])
    }
}
