import Foundation
import Outcomes
import Scoring

/// The review's before-and-after picture of one KPI: the baseline and the target as lines across
/// the weeks, and each week's measured figure as a point (a week with too few to say is marked,
/// not drawn). Greyscale-safe: the lines differ by dash as well as shade, and every point carries
/// its value as text.
enum ReviewCharts {
    /// The largest figure drawn: past it a value is a mistake in the file, drawn at the edge.
    static let ceiling = 1e9

    static func kpi(_ kpi: MeasuredKPI, weekStarts: [String], accent: String, style: MoneyStyle, index: Int) -> String {
        func clean(_ v: Double?) -> Double? {
            guard let v, v.isFinite else { return nil }
            return min(ceiling, max(-ceiling, v))
        }
        let weekly = kpi.weekly.prefix(weekStarts.count).map(clean)
        let baseline = clean(kpi.baseline) ?? 0, target = clean(kpi.target) ?? 0
        let values = [baseline, target] + weekly.compactMap { $0 }
        let axis = Axis(from: min(0, values.min() ?? 0), to: max(1, values.max() ?? 1))
        let unit = kpi.unit == "minutes" ? "min" : kpi.unit == "hours/week" ? "h/week" : kpi.unit
        let tickLabels = axis.ticks.map { Charts.figure($0, style) }
        let left = max(48, Charts.widest(tickLabels, size: 10) + 14), right = 110.0, top = 28.0, bottom = 46.0
        let width = 640.0, height = 240.0
        let plotW = width - left - right, plotH = height - top - bottom
        let count = max(1, weekly.count)
        func x(_ i: Int) -> Double { left + plotW * (Double(i) + 0.5) / Double(count) }
        func y(_ v: Double) -> Double { top + plotH * (1 - (v - axis.low) / (axis.high - axis.low)) }
        var svg = SVG(width: width, height: height)
        for (tick, label) in zip(axis.ticks, tickLabels) {
            svg.line(x1: left, y1: y(tick), x2: left + plotW, y2: y(tick), stroke: Charts.grid)
            svg.text(label, x: left - 6, y: y(tick) + 4, anchor: .end, size: 10)
        }
        svg.text(
            SVG.fit("\(kpi.name) (\(unit))", room: width - 8, size: 11, bold: true), x: 4, y: 14, size: 11, bold: true)
        svg.line(
            x1: left, y1: y(baseline), x2: left + plotW, y2: y(baseline), stroke: Charts.light, width: 2, dash: true)
        svg.text("Baseline \(Charts.figure(baseline, style))", x: left + plotW + 6, y: y(baseline) + 4, size: 10)
        svg.line(x1: left, y1: y(target), x2: left + plotW, y2: y(target), stroke: Charts.ink, width: 1.5, dash: true)
        // Labels of lines that nearly meet are kept apart.
        let targetLabelY = abs(y(target) - y(baseline)) < 12 ? y(baseline) + 16 : y(target) + 4
        svg.text("Target \(Charts.figure(target, style))", x: left + plotW + 6, y: targetLabelY, size: 10)
        var run: [(Double, Double)] = []
        for (i, value) in weekly.enumerated() {
            svg.text("W\(i + 1)", x: x(i), y: top + plotH + 14, anchor: .middle, size: 10)
            svg.text(
                SVG.fit(weekStarts[i], room: plotW / Double(count), size: 8), x: x(i), y: top + plotH + 26,
                anchor: .middle, size: 8)
            guard let value else {
                if run.count > 1 { svg.polyline(run, stroke: accent, width: 2.5) }
                run = []
                svg.text("too few", x: x(i), y: top + plotH / 2, anchor: .middle, size: 9, fill: "#555")
                continue
            }
            run.append((x(i), y(value)))
        }
        if run.count > 1 { svg.polyline(run, stroke: accent, width: 2.5) }
        for (i, value) in weekly.enumerated() {
            guard let value else { continue }
            svg.circle(x: x(i), y: y(value), r: 4, fill: accent, stroke: Charts.ink)
            svg.text(Charts.figure(value, style), x: x(i), y: y(value) - 8, anchor: .middle, size: 10)
        }
        svg.text("Week of the period", x: left + plotW / 2, y: height - 6, anchor: .middle, size: 11, bold: true)
        let points = weekly.enumerated().map { i, v in
            "week \(i + 1) (from \(weekStarts[i])): \(v.map { Charts.figure($0, style) } ?? "too few to say")"
        }
        let description =
            "\(kpi.name) by week, in \(unit): baseline \(Charts.figure(baseline, style)), target \(Charts.figure(target, style)); "
            + (points.isEmpty ? "no weeks measured." : points.joined(separator: "; ") + ".")
        return svg.render(
            id: "chart-kpi-\(index)", title: "\(kpi.name): baseline, target and weekly actuals",
            description: description)
    }
}
