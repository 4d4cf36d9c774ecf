import Blueprint
import Foundation
import Outcomes

/// Measures what the running system achieved over whole days of the business's calendar and
/// writes it as a ``KPISnapshot``: the figures of each day, each week and the whole period, and
/// every KPI of the blueprint beside its baseline. Reads the store once per period for leads,
/// approvals and books, and once per day for the audit counts, each through an index over time.
package enum OutcomeSnapshot {
    /// A period that cannot be measured.
    package struct PeriodError: Error, CustomStringConvertible {
        package let description: String
    }

    /// - Parameters:
    ///   - since, until: the first and last day counted (the business's calendar); by default the
    ///     day of the runtime's first audit line, and today.
    ///   - blueprintDigest: the digest of the blueprint file the runtime ran.
    ///   - exportedBy: who exports it.
    package static func measure(
        _ store: any RuntimeStorage, blueprint: Blueprint, blueprintDigest: String, since: LocalDate? = nil,
        until: LocalDate? = nil, exportedBy: String
    ) async throws -> KPISnapshot {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: blueprint.business.timeZone) ?? .gmt
        let now = store.clock()
        func day(_ date: Date) -> LocalDate {
            let c = calendar.dateComponents([.year, .month, .day], from: date)
            return LocalDate(year: c.year ?? 2000, month: c.month ?? 1, day: c.day ?? 1)
                ?? LocalDate(year: 2000, month: 1, day: 1)!
        }
        func midnight(_ d: LocalDate, plus days: Int = 0) -> Date {
            let start = calendar.date(from: DateComponents(year: d.year, month: d.month, day: d.day)) ?? now
            return calendar.date(byAdding: .day, value: days, to: start) ?? start
        }
        let last = until ?? day(now)
        var first = since ?? day(now)
        if since == nil, let began = try await store.firstActivity() { first = day(began) }
        if since == nil, first > last { first = last }
        let count = (calendar.dateComponents([.day], from: midnight(first), to: midnight(last)).day ?? -1) + 1
        guard count >= 1 else {
            throw PeriodError(description: "the period ends (\(last)) before it starts (\(first))")
        }
        guard count <= SnapshotFile.maximumDays else {
            throw PeriodError(description: "\(count) days is more than a snapshot holds (\(SnapshotFile.maximumDays))")
        }
        let bounds = (0...count).map { midnight(first, plus: $0) }
        let (start, end) = (bounds[0], bounds[count])

        let ledger = try await store.leadLedger(from: start, to: end)
        let inquiryLedger = try await store.inquiryLedger(from: start, to: end)
        let afterApproval = try await store.leadsAnsweredAfterApproval(from: start, to: end)
        let decisions = try await store.approvalDecisions(from: start, to: end)
        let books = try await store.booksOutcome(from: start, to: end)
        var audit: [[AuditCount]] = []
        for i in 0..<count { audit.append(try await store.auditCounts(from: bounds[i], to: bounds[i + 1])) }

        let lead = blueprint.kpis.first { $0.id == "lead_first_response" }
        let target = lead?.target ?? LeadsDay.defaultTargetMinutes
        let inquiryTarget = blueprint.kpis.first { $0.id == Self.inquiryKPI }?.target
        // One estimate per agent: the first KPI that names it says its minutes.
        var estimates: [(agent: String, minutes: Double, source: String)] = []
        for kpi in blueprint.kpis {
            if let e = kpi.estimate, !estimates.contains(where: { $0.agent == e.agent }) {
                estimates.append((e.agent, e.minutesPerTask, e.source))
            }
        }
        let zone = calendar.timeZone
        func figures(_ range: Range<Int>) -> PeriodFigures {
            let (from, to) = (bounds[range.lowerBound], bounds[range.upperBound])
            let leads = ledger.filter { $0.received >= from && $0.received < to }
            let owed = leads.filter { !$0.spam }
            let answered = owed.filter { $0.replied != nil }
            let waiting = owed.filter { $0.replied == nil && $0.waitingForPerson }.count
            let approved = answered.filter { afterApproval.contains($0.caseID) }.count
            let inquiries = inquiryLedger.filter { $0.received >= from && $0.received < to }
            let inquiriesAnswered = inquiries.filter { $0.answered != nil }.count
            let inquiriesWaiting = inquiries.filter { $0.answered == nil && $0.waitingForPerson }.count
            var tasks: [String: Int] = [:]
            var kinds: [AuditKind: Int] = [:]
            for i in range {
                for row in audit[i] {
                    kinds[row.kind, default: 0] += row.count
                    if row.kind == .skill { tasks[row.agent ?? "?", default: 0] += row.count }
                }
            }
            var booksFigures: BooksFigures?
            if let books {
                let paid = books.paid.filter { $0.settled >= from && $0.settled < to }
                let days = paid.compactMap { item -> Double? in
                    guard let issued = item.issued,
                        let issuedAt = calendar.date(
                            from: DateComponents(
                                timeZone: zone, year: issued.year, month: issued.month, day: issued.day))
                    else { return nil }
                    return max(0, item.settled.timeIntervalSince(issuedAt) / 86_400)
                }
                booksFigures = BooksFigures(
                    invoicesChased: books.chased.filter { $0 >= from && $0 < to }.count, invoicesPaid: paid.count,
                    daysToPayment: days)
            }
            return PeriodFigures(
                start: Provenance.localDay(from, in: zone), days: range.count,
                leads: LeadCounts(
                    received: leads.count, answered: answered.count, waitingForPerson: waiting,
                    unanswered: owed.count - answered.count - waiting, spam: leads.count - owed.count),
                firstResponse: ResponseTimes(
                    minutes: owed.map { KPIs.minutes(from: $0.received, to: $0.replied, now: now) }, target: target),
                repliesWithoutPerson: answered.count - approved, repliesAfterApproval: approved,
                approvalTurnaround: ResponseTimes(
                    minutes: decisions.filter { $0.decided >= from && $0.decided < to }.map {
                        max(0, $0.decided.timeIntervalSince($0.asked) / 60)
                    }, target: nil),
                tasksPerAgent: tasks, escalations: kinds[.approval] ?? 0, deadActions: kinds[.dead] ?? 0,
                hoursTakenOver: HoursEstimate(
                    basis: estimates.map {
                        HoursBasis(
                            agent: $0.agent, tasks: tasks[$0.agent] ?? 0, minutesPerTask: $0.minutes, source: $0.source)
                    }),
                books: booksFigures,
                inquiries: InquiryCounts(
                    received: inquiries.count, answered: inquiriesAnswered, waitingForPerson: inquiriesWaiting,
                    unanswered: inquiries.count - inquiriesAnswered - inquiriesWaiting),
                inquiryFirstAnswer: ResponseTimes(
                    minutes: inquiries.map { KPIs.minutes(from: $0.received, to: $0.answered, now: now) },
                    target: inquiryTarget))
        }
        let total = figures(0..<count)
        let weeks = stride(from: 0, to: count, by: 7).map { figures($0..<min(count, $0 + 7)) }
        let days = (0..<count).map { figures($0..<($0 + 1)) }
        return KPISnapshot(
            exportedAt: ISO8601DateFormatter().string(from: now), exportedBy: exportedBy,
            business: SnapshotBusiness(
                name: blueprint.business.name, timeZone: blueprint.business.timeZone,
                currency: blueprint.business.currency),
            provenance: blueprint.provenance,
            blueprintDigest: blueprintDigest,
            period: SnapshotPeriod(since: first.iso, until: last.iso, days: count),
            kpis: blueprint.kpis.map { measured($0, in: blueprint, total: total, weeks: weeks) },
            total: total, weeks: weeks, days: days)
    }

    /// A KPI beside what the figures say of it.
    static func measured(_ kpi: KPI, in blueprint: Blueprint, total: PeriodFigures, weeks: [PeriodFigures])
        -> MeasuredKPI
    {
        func make(
            _ method: MeasuredKPI.Method, _ actual: Double?, _ sample: Int, _ confidence: Confidence,
            _ weekly: [Double?], _ note: String
        ) -> MeasuredKPI {
            MeasuredKPI(
                id: kpi.id, name: kpi.name, unit: kpi.unit, baseline: kpi.baseline, target: kpi.target,
                baselineSource: kpi.source, method: method, actual: actual, sample: sample, confidence: confidence,
                weekly: weekly, note: note)
        }
        /// A KPI measured as the median of times: from what to what, of which items, and what is left out.
        func times(
            _ r: ResponseTimes, weekly: [ResponseTimes?], _ item: (one: String, many: String), _ what: String,
            _ aside: String
        ) -> MeasuredKPI {
            let sure = r.confidence != .tooFew
            var note = "Median minutes \(what), over \(r.sample) \(r.sample == 1 ? item.one : item.many) (\(aside))."
            if !sure {
                note += " Too few \(item.many) to say: at least \(Confidence.minimumSample) are needed."
            } else if let low = r.p50Low, let high = r.p50High {
                note += " The median lies between \(figure(low)) and \(figure(high)) min (90% interval)."
            }
            return make(
                .measured, sure ? r.p50Minutes : nil, r.sample, r.confidence,
                weekly.map { w in w.flatMap { $0.confidence == .tooFew ? nil : $0.p50Minutes } }, note)
        }
        if kpi.id == "lead_first_response" {
            return times(
                total.firstResponse, weekly: weeks.map(\.firstResponse), ("lead", "leads"),
                "from a lead's arrival to its first reply sent",
                "spam left out; a lead still without a reply counts at its wait so far")
        }
        if kpi.id == inquiryKPI {
            return times(
                total.inquiryFirstAnswer ?? ResponseTimes(minutes: [], target: kpi.target),
                weekly: weeks.map(\.inquiryFirstAnswer), ("inquiry", "inquiries"),
                "from a customer's question, complaint or refund request to the first email answering it",
                "leads left out; an inquiry still without an answer counts at its wait so far")
        }
        guard let estimate = kpi.estimate else {
            return make(
                .notMeasured, nil, 0, .tooFew, weeks.map { _ in nil },
                "The runtime does not measure this yet; compare it by hand at the review.")
        }
        // An agent covering several workflows shares its hours among their KPIs by baseline.
        let sharing = blueprint.kpis.filter { $0.estimate?.agent == estimate.agent }
        let weight = sharing.reduce(0) { $0 + max(0, $1.baseline) }
        let share = weight > 0 ? max(0, kpi.baseline) / weight : 1 / Double(max(1, sharing.count))
        func perWeek(_ f: PeriodFigures) -> (hours: Double, tasks: Int) {
            let basis = f.hoursTakenOver.basis.first { $0.agent == estimate.agent }
            let hours = (basis?.hours ?? 0) * share * 7 / Double(max(1, f.days))
            return (hours.isFinite ? hours : 0, basis?.tasks ?? 0)
        }
        let (hours, tasks) = perWeek(total)
        return make(
            .estimate, max(0, kpi.baseline - hours), tasks, Confidence(sample: tasks),
            weeks.map { max(0, kpi.baseline - perWeek($0).hours) },
            "An estimate: \(estimate.agent) ran \(tasks) task\(tasks == 1 ? "" : "s"), × \(figure(estimate.minutesPerTask)) min each (\(estimate.source))\(sharing.count > 1 ? ", \(Int((share * 100).rounded()))% of them counted here" : "") = \(figure(hours)) h a week taken over from the baseline of \(figure(kpi.baseline)) h."
        )
    }

    /// The id of the inquiries' first-answer KPI the blueprint planner writes.
    static let inquiryKPI = "inquiry_first_response"

    static func figure(_ value: Double) -> String {
        let rounded = (value * 10).rounded() / 10
        return rounded == rounded.rounded() && abs(rounded) < 1e15 ? String(Int64(rounded)) : String(rounded)
    }
}
