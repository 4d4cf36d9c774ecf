import Foundation
import Scoring

/// The report's four pictures, drawn as inline SVG from a result. Greyscale-safe: series differ by
/// shade and by outline, and every bar and point carries its value as text.
enum Charts {
    static let ink = "#222222"
    static let grid = "#d0d0d0"
    static let light = "#b8b8b8"

    static func double(_ d: Decimal) -> Double { NSDecimalNumber(decimal: d).doubleValue }

    /// A figure as the chart prints it: grouped, at most one decimal (`1,234.5`).
    static func figure(_ value: Double, _ style: MoneyStyle) -> String {
        MoneyFormat.figure(value, places: 1, french: style.french)
    }

    /// The widest of `labels` at `size`, estimated by ``SVG/width(of:size:bold:)``.
    static func widest(_ labels: [String], size: Double, bold: Bool = false) -> Double {
        labels.map { SVG.width(of: $0, size: size, bold: bold) }.max() ?? 0
    }

    /// The left margin for row labels: wide enough for the longest label, within `range`; labels
    /// longer than that are shortened with "…" (the text alternative keeps them whole).
    static func labelMargin(_ labels: [String], size: Double, range: ClosedRange<Double>) -> Double {
        min(range.upperBound, max(range.lowerBound, widest(labels, size: size) + 16))
    }

    /// Hours a week a workflow takes after the plan: what the headline counts (hours and rework
    /// the planned agents take over); workflows outside the plan stay as they are.
    static func hoursAfter(_ o: Opportunity) -> Double {
        let now = double(o.hoursPerWeek)
        guard o.inPlan else { return now }
        return max(0, now - double(o.hoursSavedPerWeek.value) - double(o.reworkHoursSavedPerWeek.value))
    }

    /// Hours a week by workflow, now against after automation.
    static func hours(_ r: AssessmentResult, accent: String) -> String {
        let rows = r.opportunities
        let style = MoneyStyle(currency: r.business.currency, region: r.business.region)
        let width = 640.0, top = 40.0, rowHeight = 34.0
        let left = labelMargin(rows.map(\.label), size: 11, range: 160...300)
        let maxHours = rows.map { double($0.hoursPerWeek) }.max() ?? 1
        let axis = Axis(from: 0, to: max(1, maxHours))
        let tickLabels = axis.ticks.map { figure($0, style) }
        // Room on the right for the value printed past the longest bar, and for the last tick's label.
        let right = max(
            24, widest(rows.map { "\(figure(double($0.hoursPerWeek), style)) h" }, size: 10) + 10,
            SVG.width(of: tickLabels.last ?? "", size: 10) / 2 + 4)
        let height = top + Double(max(1, rows.count)) * rowHeight + 44
        var svg = SVG(width: width, height: height)
        let plot = width - left - right
        func x(_ h: Double) -> Double { left + plot * (h - axis.low) / (axis.high - axis.low) }
        for (tick, label) in zip(axis.ticks, tickLabels) {
            svg.line(x1: x(tick), y1: top - 6, x2: x(tick), y2: height - 38, stroke: grid)
            svg.text(label, x: x(tick), y: height - 24, anchor: .middle, size: 10)
        }
        svg.text("Hours per week", x: left + plot / 2, y: height - 8, anchor: .middle, size: 11, bold: true)
        svg.rect(x: left, y: 10, width: 12, height: 10, fill: light)
        svg.text("Now", x: left + 16, y: 19, size: 10)
        svg.rect(x: left + 60, y: 10, width: 12, height: 10, fill: accent, stroke: ink)
        svg.text("After automation", x: left + 76, y: 19, size: 10)
        for (i, o) in rows.enumerated() {
            let y = top + Double(i) * rowHeight
            let now = double(o.hoursPerWeek)
            let after = hoursAfter(o)
            svg.text(SVG.fit(o.label, room: left - 12, size: 11), x: left - 8, y: y + 16, anchor: .end, size: 11)
            svg.rect(x: left, y: y + 2, width: x(now) - left, height: 12, fill: light)
            svg.text("\(figure(now, style)) h", x: x(now) + 4, y: y + 12, size: 10)
            svg.rect(x: left, y: y + 15, width: x(after) - left, height: 12, fill: accent, stroke: ink)
            svg.text("\(figure(after, style)) h", x: x(after) + 4, y: y + 25, size: 10)
        }
        let total = rows.reduce(0.0) { $0 + double($1.hoursPerWeek) }
        let after = rows.reduce(0.0) { $0 + hoursAfter($1) }
        let description =
            "Hours per week by workflow, now and after automation. "
            + rows.map {
                "\($0.label): \(figure(double($0.hoursPerWeek), style)) h now, \(figure(hoursAfter($0), style)) h after"
            }.joined(separator: "; ")
            + ". In all, \(figure(total, style)) h a week now and \(figure(after, style)) h after."
        return svg.render(
            id: "chart-hours", title: "Hours per week by workflow, now and after", description: description)
    }

    /// Cumulative cash flow over the horizon, with the payback point marked.
    static func cashFlow(_ r: AssessmentResult, accent: String) -> String {
        let points = r.roi.cumulativeCashFlow.map(double)
        let currency = r.business.currency
        let style = MoneyStyle(currency: currency, region: r.business.region)
        let axis = Axis(from: points.min() ?? 0, to: points.max() ?? 1)
        // Ticks in millions or billions once they get that large, with one unit for the whole axis;
        // the left margin grows to the widest label, so a sign is never cut off.
        let scale = axis.ticks.map(abs).max() ?? 0
        let tickLabels = axis.ticks.map { MoneyFormat.compactMoney($0, scale: scale, style) }
        let left = max(60, widest(tickLabels, size: 10) + 14), right = 24.0, top = 24.0, bottom = 48.0
        let width = 640.0, height = 280.0
        var svg = SVG(width: width, height: height)
        let months = Double(max(1, points.count - 1))
        let plotW = width - left - right, plotH = height - top - bottom
        func x(_ m: Double) -> Double { left + plotW * m / months }
        func y(_ v: Double) -> Double { top + plotH * (1 - (v - axis.low) / (axis.high - axis.low)) }
        for (tick, label) in zip(axis.ticks, tickLabels) {
            svg.line(
                x1: left, y1: y(tick), x2: width - right, y2: y(tick), stroke: tick == 0 ? ink : grid,
                width: tick == 0 ? 1.5 : 1)
            svg.text(label, x: left - 6, y: y(tick) + 4, anchor: .end, size: 10)
        }
        for m in stride(from: 0, through: Int(months), by: 6) {
            svg.line(x1: x(Double(m)), y1: top + plotH, x2: x(Double(m)), y2: top + plotH + 4, stroke: ink)
            svg.text("\(m)", x: x(Double(m)), y: top + plotH + 16, anchor: .middle, size: 10)
        }
        svg.text("Months from the start", x: left + plotW / 2, y: height - 10, anchor: .middle, size: 11, bold: true)
        let heading = "Cumulative net cash flow (\(currency))"
        svg.text(
            heading, x: max(4, min(left, width - 4 - SVG.width(of: heading, size: 11, bold: true))), y: 14, size: 11,
            bold: true)
        svg.polyline(points.enumerated().map { (x(Double($0.offset)), y($0.element)) }, stroke: accent, width: 2.5)
        var description =
            "Cumulative net cash flow over \(Int(months)) months: \(MoneyFormat.money(points.first ?? 0, style)) at the start (the build), \(MoneyFormat.money(points.last ?? 0, style)) at month \(Int(months))."
        if let payback = r.roi.paybackMonths.map({ double($0.value) }) {
            svg.line(x1: x(payback), y1: top, x2: x(payback), y2: top + plotH, stroke: ink, dash: true)
            svg.circle(x: x(payback), y: y(0), r: 5, fill: "#ffffff", stroke: ink)
            let label = "Payback: month \(SVG.n(payback))"
            // Past the marker, or before it when the payback comes too late for the label to fit after.
            let fitsAfter = x(payback) + 8 + SVG.width(of: label, size: 11, bold: true) <= width - 2
            svg.text(
                label, x: fitsAfter ? x(payback) + 8 : x(payback) - 8, y: y(0) - 8, anchor: fitsAfter ? .start : .end,
                size: 11, bold: true)
            description += " It turns positive, paying back the investment, at month \(SVG.n(payback))."
        } else {
            description += " It does not turn positive within \(Int(months)) months."
        }
        return svg.render(
            id: "chart-cash", title: "Cumulative cash flow over \(Int(months)) months", description: description)
    }

    /// The implementation plan as a Gantt bar chart, in weeks.
    static func timeline(_ r: AssessmentResult, accent: String) -> String {
        let phases = r.timeline.phases
        let width = 640.0, top = 30.0, rowHeight = 24.0
        let left = labelMargin(phases.map(\.name), size: 11, range: 160...300)
        let right = max(30, widest(phases.map { "\(SVG.n(double($0.weeks))) wk" }, size: 10) + 10)
        let height = top + Double(max(1, phases.count)) * rowHeight + 44
        var svg = SVG(width: width, height: height)
        let total = max(1, double(r.timeline.totalWeeks))
        let axis = Axis(from: 0, to: total, roughCount: 6)
        let plot = width - left - right
        func x(_ w: Double) -> Double { left + plot * w / axis.high }
        for tick in axis.ticks {
            svg.line(x1: x(tick), y1: top - 4, x2: x(tick), y2: height - 38, stroke: grid)
            svg.text(SVG.n(tick), x: x(tick), y: height - 24, anchor: .middle, size: 10)
        }
        svg.text("Weeks from the start", x: left + plot / 2, y: height - 8, anchor: .middle, size: 11, bold: true)
        let goLive = double(r.timeline.goLiveWeek)
        svg.line(x1: x(goLive), y1: top - 10, x2: x(goLive), y2: height - 38, stroke: ink, dash: true)
        let goLiveLabel = "Go-live, week \(SVG.n(goLive))"
        let goLiveFits = x(goLive) + 4 + SVG.width(of: goLiveLabel, size: 10, bold: true) <= width - 2
        svg.text(
            goLiveLabel, x: goLiveFits ? x(goLive) + 4 : x(goLive) - 4, y: top - 12, anchor: goLiveFits ? .start : .end,
            size: 10, bold: true)
        for (i, phase) in phases.enumerated() {
            let y = top + Double(i) * rowHeight
            let start = double(phase.startWeek), weeks = double(phase.weeks)
            svg.text(SVG.fit(phase.name, room: left - 12, size: 11), x: left - 8, y: y + 15, anchor: .end, size: 11)
            let building = phase.name.hasPrefix("Build")
            svg.rect(
                x: x(start), y: y + 4, width: x(start + weeks) - x(start), height: 14, fill: building ? accent : light,
                stroke: ink)
            svg.text("\(SVG.n(weeks)) wk", x: x(start + weeks) + 4, y: y + 15, size: 10)
        }
        let description =
            "Implementation timeline in weeks: "
            + phases.map { "\($0.name) from week \(SVG.n(double($0.startWeek))) for \(SVG.n(double($0.weeks))) weeks" }
            .joined(separator: "; ")
            + ". Go-live in week \(SVG.n(goLive)); done by week \(SVG.n(total))."
        return svg.render(id: "chart-timeline", title: "Implementation timeline", description: description)
    }

    /// The readiness profile: points earned against points available, per check.
    static func readiness(_ r: AssessmentResult, weights: [String: Double], labels: [String: String], accent: String)
        -> String
    {
        let checks = r.readiness.checks
        let left = labelMargin(checks.map { labels[$0.id] ?? $0.id }, size: 11, range: 160...300)
        let right = 80.0, top = 20.0, rowHeight = 26.0
        let width = 640.0
        let height = top + Double(max(1, checks.count)) * rowHeight + 40
        var svg = SVG(width: width, height: height)
        let maxPoints = max(1, weights.values.max() ?? 25)
        let plot = width - left - right
        func x(_ p: Double) -> Double { left + plot * p / maxPoints }
        for (i, check) in checks.enumerated() {
            let y = top + Double(i) * rowHeight
            let available = weights[check.id] ?? 0
            let earned = double(check.points)
            svg.text(
                SVG.fit(labels[check.id] ?? check.id, room: left - 12, size: 11), x: left - 8, y: y + 15, anchor: .end,
                size: 11)
            svg.rect(
                x: left, y: y + 4, width: x(available) - left, height: 14, fill: "#ffffff", stroke: ink, dash: true)
            svg.rect(x: left, y: y + 4, width: x(earned) - left, height: 14, fill: accent, stroke: ink)
            svg.text(
                "\(check.passed ? "✓" : "✗") \(SVG.n(earned)) of \(SVG.n(available))", x: x(available) + 6, y: y + 15,
                size: 10, bold: !check.passed)
        }
        svg.text(
            "Points (total \(r.readiness.score) of 100)", x: left + plot / 2, y: height - 10, anchor: .middle, size: 11,
            bold: true)
        let description =
            "Readiness \(r.readiness.score) of 100. "
            + checks.map {
                "\(labels[$0.id] ?? $0.id): \($0.passed ? "passed" : "not yet"), \(SVG.n(double($0.points))) of \(SVG.n(weights[$0.id] ?? 0)) points"
            }.joined(separator: "; ") + "."
        return svg.render(id: "chart-readiness", title: "Readiness profile", description: description)
    }
}
