import BatonTestSupport
import Foundation
import Testing

/// The real `baton` binary on a pseudo-terminal, driven with real key presses.
@Suite(.serialized)
struct InteractiveAssessmentTests {
    /// One step of a session: wait for `prompt` on screen, then type `keys`.
    struct Step {
        let prompt: String
        let keys: [String]
        init(_ prompt: String, _ keys: String...) {
            self.prompt = prompt
            self.keys = keys
        }
    }

    static let enter = "\r", down = "\u{1B}[B", left = "\u{1B}[D", space = " "

    /// A one-person plumbing business with one workflow: the whole questionnaire, key by key.
    static let fullPath: [Step] = [
        Step("What is your business called?", "Pty Plumbing", enter),
        Step("Which industry is Pty Plumbing in?", "1"),
        Step("Where is the business based?", "3"),
        Step("Which time zone do you work in?", down, enter),
        Step("Which currency should figures be in?", enter),
        Step("How many people work in the business", "1", enter),
        Step("How would you rather describe what people cost?", "1"),
        Step("What is one hour of the owner's time worth", "85", enter),
        Step("Which of these tools does the business use?", space, down, space, enter),
        Step("Do these tools share data with each other today?", "1"),
        Step("Are your main tools online services", enter),
        Step("Which of these happen every week at", space, enter),
        Step("Roughly how many hours a week go into Taking in and qualifying new leads", "5", enter),
        Step("How many people take part in it?", "1", enter),
        Step("How much is it the same steps every time?", "4"),
        Step("How much does it follow clear rules", "4"),
        Step("What does the work usually start from?", "2"),
        Step("How many different tools does one run of it touch?", enter),
        Step("How often does it need fixing or redoing?", "2"),
        Step("How many times does it happen in a week", "20", enter),
        Step("How many new leads or inquiries about buying come in a week?", "20", enter),
        Step("How long does a new lead usually wait for a first reply?", "4h", enter),
        Step("Out of 100 leads, how many become paying customers?", "25", enter),
        Step("What is a new customer worth on average", "1500", enter),
        Step("Of the workflows you picked, which one hurts most?", enter),
        Step("What would success look like, in numbers?", "lead response from 4 hours to 5 minutes", enter),
        Step("Is today's figure measured", "2"),
        Step("What first-year budget could you put toward this?", "2"),
        Step("When would you want it running?", "2"),
        Step("Are the steps of these workflows written down anywhere?", "2"),
        Step("How complete and tidy are your customer records?", "3"),
        Step("Who would own the new system day to day?", "1"),
        Step("Which actions must always wait for a person to approve?", enter),
        Step("Anything else the consultant should know?", enter),
    ]

    static func drive(_ terminal: PseudoTerminal, _ steps: ArraySlice<Step>) throws {
        for step in steps {
            try terminal.waitFor(step.prompt)
            terminal.clear()
            for key in step.keys { terminal.type(key) }
        }
    }

    func showJSON(_ id: Int, workspace: String) async throws -> [String: Any] {
        let result = try await BatonBinary.run(["show", "\(id)", "--json", "--workspace", workspace])
        #expect(result.status == 0, "\(result.stderr)")
        return try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
    }

    @Test func aFullAssessmentWithRealKeyPresses() async throws {
        let workspace = BatonBinary.temporaryFolder()
        // The session blocks while it waits for the screen: on a thread of its own, not the pool's.
        let (wrongCount, review, status) = try await onThread { () -> (String, String, Int32) in
            let terminal = try PseudoTerminal(
                executable: BatonBinary.path, arguments: ["assess", "--workspace", workspace])
            // Answer the first two, go back with ← and change the name, then carry on.
            try Self.drive(terminal, Self.fullPath[0..<2])
            try terminal.waitFor("Where is the business based?")
            terminal.clear()
            terminal.type(Self.left)
            try terminal.waitFor("Which industry is Pty Plumbing in?")
            terminal.clear()
            terminal.type("\u{1B}[Z")  // Shift-Tab: back to the name
            try terminal.waitFor("What is your business called?")
            terminal.type("\u{7F}\u{7F}\u{7F}\u{7F}\u{7F}\u{7F}\u{7F}\u{7F}Plumbing Co\r")
            try terminal.waitFor("Which industry is Pty Plumbing Co in?")
            terminal.clear()
            terminal.type("1")
            try Self.drive(terminal, Self.fullPath[2..<3])
            // ? shows the question's help in place.
            try terminal.waitFor(Self.fullPath[3].prompt)
            terminal.type("?")
            try terminal.waitFor("Used to schedule the daily report")
            try Self.drive(terminal, Self.fullPath[3..<4])
            try terminal.waitFor("Which currency should figures be in?")
            try Self.drive(terminal, Self.fullPath[4...].prefix(1))
            try terminal.waitFor("How many people work in the business")
            terminal.clear()
            terminal.type("0\r")
            let wrongCount = try terminal.waitFor("enter at least 1")
            terminal.type("\u{7F}")
            try Self.drive(terminal, Self.fullPath[5...])
            let review = try terminal.waitFor("Finish: everything is right")
            terminal.type("1")
            try terminal.waitFor("is complete")
            return (wrongCount, review, try terminal.waitForExit())
        }
        #expect(wrongCount.contains("How many people work in the business"))
        #expect(review.contains("How long does a new lead usually wait for a first reply? → 4h"))
        #expect(status == 0)

        let shown = try await showJSON(1, workspace: workspace)
        let answers = try #require(shown["answers"] as? [String: Any])
        #expect(answers["business_name"] as? String == "Pty Plumbing Co")
        #expect(answers["time_zone"] as? String == "America/Toronto")
        #expect(answers["currency"] as? String == "CAD")
        #expect(answers["tools_used"] as? [String] == ["crm", "email"])
        #expect(answers["lead_response_time"] as? Int == 240)
        #expect(answers["workflow_details[lead_intake].tools_touched"] as? Int == 2)
        #expect(answers["approval_actions"] as? [String] == ["contracts", "payments", "refunds", "complaint_replies"])
        #expect(answers["notes"] is NSNull)
        let assessment = try #require(shown["assessment"] as? [String: Any])
        #expect(assessment["status"] as? String == "completed")
        #expect(assessment["answered"] as? Int == Self.fullPath.count)
    }

    @Test func ctrlCLeavesCleanlyAndSaysHowToResume() async throws {
        let workspace = BatonBinary.temporaryFolder()
        let (screen, status) = try await onThread { () -> (String, Int32) in
            let terminal = try PseudoTerminal(
                executable: BatonBinary.path, arguments: ["assess", "--workspace", workspace])
            try Self.drive(terminal, Self.fullPath[0..<3])
            try terminal.waitFor(Self.fullPath[3].prompt)
            terminal.type("\u{03}")
            return (try terminal.waitFor("Resume with: baton assess --resume 1"), try terminal.waitForExit())
        }
        #expect(screen.contains("Your 3 answers are saved in assessment 1"))
        #expect(status == 130)
    }

    @Test func killedHalfWayAndResumedWithEveryAnswerIntact() async throws {
        let workspace = BatonBinary.temporaryFolder()
        try await onThread {
            let terminal = try PseudoTerminal(
                executable: BatonBinary.path, arguments: ["assess", "--workspace", workspace])
            try Self.drive(terminal, Self.fullPath[0..<15])
            try terminal.waitFor(Self.fullPath[15].prompt)
            kill(terminal.processIdentifier, SIGKILL)
            _ = try? terminal.waitForExit()
        }

        let list = try await BatonBinary.run(["list", "--json", "--workspace", workspace])
        let sessions = try #require(try JSONSerialization.jsonObject(with: Data(list.stdout.utf8)) as? [[String: Any]])
        #expect(sessions.first?["answered"] as? Int == 15)
        #expect(sessions.first?["status"] as? String == "in_progress")

        let (screen, status) = try await onThread { () -> (String, Int32) in
            let resumed = try PseudoTerminal(
                executable: BatonBinary.path, arguments: ["assess", "--resume", "--workspace", workspace])
            // Resuming lands on the first unanswered question, with the progress so far.
            let screen = try resumed.waitFor(Self.fullPath[15].prompt)
            try Self.drive(resumed, Self.fullPath[15...])
            try resumed.waitFor("Finish: everything is right")
            resumed.type("\r")
            return (screen, try resumed.waitForExit())
        }
        #expect(screen.contains("16 of"))
        #expect(status == 0)

        let answers = try await #require(try showJSON(1, workspace: workspace)["answers"] as? [String: Any])
        #expect(answers.count == Self.fullPath.count)
        #expect(answers["business_name"] as? String == "Pty Plumbing")
        #expect(answers["workflow_details[lead_intake].repeatable"] as? Int == 4)
        #expect(answers["workflow_details[lead_intake].rule_based"] as? Int == 4)
    }
}
