import Foundation
import Testing

@testable import Orchestrator

/// The few commands an agent applies from a person's override, and what it leaves alone.
struct OwnerInstructionsTests {
    @Test func commandsAreReadOnePerLineOrSemicolon() {
        let read = OwnerInstructions(
            "Subject: Your visit ; say: Bring the model number.\nadd: Thanks!\noffer afternoons\noffer Tuesday\nbe nicer"
        )
        #expect(
            read.commands == [
                .subject("Your visit"), .add("Bring the model number."), .add("Thanks!"),
                .offer(weekday: nil, morning: false), .offer(weekday: 3, morning: nil), .unknown("be nicer"),
            ])
        #expect(OwnerInstructions("subject:").commands == [.unknown("subject:")])
        #expect(OwnerInstructions("offer a discount").commands == [.unknown("offer a discount")])
    }

    @Test func whatCannotBeAppliedIsSaidAndTheRestIsApplied() {
        let email = ["to": "a@b.example", "subject": "Hello", "body": "Hi.\n\nTimes:\n  • Monday\n\nAcme"]
        // No calendar tool: the times stay, and the reason is given.
        let noCalendar = OwnerInstructions("offer friday; subject: New").apply(
            to: email, timeZone: "America/Edmonton", freeSlots: nil)
        #expect(noCalendar.payload["subject"] == "New")
        #expect(noCalendar.payload["body"] == email["body"])
        #expect(noCalendar.notApplied == ["offer Friday: the agent may not read the calendar"])
        // A proposal without a message: nothing to say or retitle.
        let contract = OwnerInstructions("say: hi; subject: x").apply(
            to: ["to": "a@b.example"], timeZone: "UTC", freeSlots: nil)
        #expect(contract.payload == ["to": "a@b.example"])
        #expect(contract.applied.isEmpty && contract.notApplied.count == 2)
        // No free time on the day asked for: said, not invented.
        let monday = Date(timeIntervalSince1970: 1_772_467_200)  // 09:00 in Edmonton
        let full = OwnerInstructions("offer sunday").apply(
            to: email, timeZone: "America/Edmonton", freeSlots: { _, _ in [monday] })
        #expect(full.notApplied == ["offer Sunday: no free time then in the next three weeks"])
    }

    @Test func aBulletInsideALineIsNotAListOfTimes() {
        // A lead named "Bo  • x" puts the bullet inside a line; with no line of times there is nothing to replace.
        let email = ["body": "Hi Bo  • x, thanks for writing.\n\nAcme"]
        let result = OwnerInstructions("offer thursday").apply(
            to: email, timeZone: "UTC", freeSlots: { _, _ in [Date(timeIntervalSince1970: 1_772_704_800)] })
        #expect(result.payload == email)
        #expect(result.notApplied == ["offer Thursday: this message offers no times"])
    }
}
