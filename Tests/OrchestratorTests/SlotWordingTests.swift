import Foundation
import Testing

@testable import Orchestrator

/// The scheduler writes its times without ICU's formatters: the same text as the
/// `DateFormatter` (`EEEE MMMM d, h:mm a`, en_US_POSIX) and the `ISO8601DateFormatter` it used,
/// in every kind of time zone, across daylight-saving changes.
struct SlotWordingTests {
    /// Zones a business may be in: whole, half and three-quarter hours, both hemispheres'
    /// daylight saving, half an hour of it (Lord Howe), none, and UTC.
    static let zones = [
        "America/Edmonton", "America/St_Johns", "America/New_York", "Europe/London", "Europe/Berlin",
        "Asia/Kolkata", "Asia/Kathmandu", "Australia/Lord_Howe", "Australia/Adelaide", "Pacific/Chatham",
        "Pacific/Kiritimati", "America/Santiago", "Asia/Tokyo", "UTC",
    ]

    /// Dates over 1970–2100 by a fixed odd step, with fractions of a second, and the hours
    /// around midnight and noon: the same dates on every run.
    static let dates: [Date] = {
        var dates = (0..<600).map { i in
            Date(timeIntervalSince1970: Double((UInt64(i) &* 2_654_435_761_337) % 4_102_444_800_000) / 1000)
        }
        let day = Date(timeIntervalSince1970: 1_772_409_600)  // 2026-03-02T00:00:00Z
        for minutes in stride(from: -90, through: 1500, by: 15) { dates.append(day + Double(minutes) * 60) }
        dates += [day + 0.999, day - 0.001, day + 59.5]
        return dates
    }()

    @Test func localTimesAreTheFormattersOwn() {
        for zone in Self.zones {
            let formatter = DateFormatter()
            formatter.locale = Locale(identifier: "en_US_POSIX")
            formatter.timeZone = TimeZone(identifier: zone)
            formatter.dateFormat = "EEEE MMMM d, h:mm a"
            var calendar = Calendar(identifier: .gregorian)
            calendar.timeZone = TimeZone(identifier: zone)!
            for date in Self.dates {
                #expect(
                    SlotWording.local(date, in: calendar) == formatter.string(from: date),
                    "\(zone) \(date.timeIntervalSince1970)")
            }
        }
    }

    @Test func isoTimesAreTheFormattersOwn() {
        let formatter = ISO8601DateFormatter()
        for date in Self.dates {
            #expect(SlotWording.iso(date) == formatter.string(from: date), "\(date.timeIntervalSince1970)")
        }
    }

    @Test func theSchedulerWritesASlotBothWays() {
        let slot = Date(timeIntervalSince1970: 1_772_478_000)  // 2026-03-02T19:00:00Z
        let written = SchedulingSkill.written(slot, in: "America/Edmonton")
        #expect(written.local == "Monday March 2, 12:00 PM")
        #expect(written.iso == "2026-03-02T19:00:00Z")
    }
}
