/// A text progress bar: `[██████░░░░░░░░]`, drawn with `#` and `-` where Unicode is unwelcome.
public struct ProgressBar: Sendable {
    public let width: Int
    public let unicode: Bool

    public init(width: Int, unicode: Bool = true) {
        self.width = max(1, width)
        self.unicode = unicode
    }

    /// The bar for a fraction between 0 and 1 (clamped).
    public func render(_ fraction: Double) -> String {
        let clamped = fraction.isNaN ? 0 : min(1, max(0, fraction))
        let filled = Int((clamped * Double(width)).rounded())
        let on = unicode ? "█" : "#"
        let off = unicode ? "░" : "-"
        return "[" + String(repeating: on, count: filled) + String(repeating: off, count: width - filled) + "]"
    }
}
