/// Turns raw terminal bytes into ``Key``s: arrows and shift-tab arrive as escape sequences,
/// UTF-8 characters as several bytes. Pure and incremental: feed bytes as they come.
public struct KeyDecoder: Sendable {
    private var pending: [UInt8] = []

    public init() {}

    /// Adds bytes and returns the keys they complete. An incomplete sequence waits for more bytes.
    public mutating func feed(_ bytes: [UInt8]) -> [Key] {
        pending += bytes
        var keys: [Key] = []
        while let (key, used) = Self.decode(pending) {
            keys.append(key)
            pending.removeFirst(used)
        }
        return keys
    }

    /// Resolves a lone escape byte that no sequence followed (the Escape key itself).
    public mutating func flush() -> [Key] {
        defer { pending.removeAll() }
        return pending == [0x1B] ? [.escape] : []
    }

    private static func decode(_ bytes: [UInt8]) -> (Key, Int)? {
        guard let first = bytes.first else { return nil }
        switch first {
        case 0x03: return (.ctrlC, 1)
        case 0x04: return (.ctrlD, 1)
        case 0x15: return (.ctrlU, 1)
        case 0x09: return (.tab, 1)
        case 0x0D, 0x0A: return (.enter, 1)
        case 0x7F, 0x08: return (.backspace, 1)
        case 0x20: return (.space, 1)
        case 0x1B:
            guard bytes.count >= 2 else { return nil }
            guard bytes[1] == 0x5B || bytes[1] == 0x4F else { return (.escape, 1) }
            guard bytes.count >= 3 else { return nil }
            switch bytes[2] {
            case 0x41: return (.up, 3)
            case 0x42: return (.down, 3)
            case 0x43: return (.right, 3)
            case 0x44: return (.left, 3)
            case 0x5A: return (.backTab, 3)
            default:
                // Skip other CSI sequences (Home, Delete, F-keys…) up to their final byte.
                guard let end = bytes.dropFirst(2).firstIndex(where: { (0x40...0x7E).contains($0) }) else { return nil }
                return (.escape, end + 1)
            }
        default:
            let length = first < 0x80 ? 1 : first >= 0xF0 ? 4 : first >= 0xE0 ? 3 : first >= 0xC0 ? 2 : 1
            guard bytes.count >= length else { return nil }
            if first < 0x20 { return (.escape, 1) }
            let text = String(decoding: bytes[0..<length], as: UTF8.self)
            return (.character(text.first ?? "?"), length)
        }
    }
}
