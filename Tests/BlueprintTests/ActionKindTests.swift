import BatonTestSupport
import Blueprint
import Foundation
import Testing
import Yams

/// Action kinds and approval conditions are read once, as types, and written back as they were
/// read: every action of the catalog, every condition, and any text a file or a model may hold.
struct ActionKindTests {
    /// Every action the catalog names: in its table of scopes and in each skill's list.
    static let catalogActions: [ActionKind] =
        Set(SkillCatalog.actions.keys).union(SkillCatalog.skills.flatMap(\.actions)).sorted()

    /// The valid plumbing blueprint, read from its golden file.
    static func golden() throws -> Blueprint {
        let loaded = BlueprintFile.check(yaml: BlueprintValidationTests.base, file: "golden.yaml")
        return try #require(loaded.blueprint, "\(loaded.issues)")
    }

    /// A rule for `kind` under `when` in the golden blueprint, written as a file and read back.
    static func roundTrip(_ kind: ActionKind, when: ApprovalCondition) throws -> (yaml: String, BlueprintFile.Loaded) {
        var blueprint = try golden()
        blueprint.approvals.append(
            ApprovalRule(action: kind, when: when, approver: "owner", timeout: Timeout(after: "4h", then: "remind")))
        let yaml = try BlueprintFile.yaml(blueprint)
        return (yaml, BlueprintFile.check(yaml: yaml, file: "rule.yaml"))
    }

    @Test(arguments: catalogActions)
    func everyCatalogActionRoundTripsThroughActionKindAndYAML(_ kind: ActionKind) throws {
        #expect(kind.isKnown, "a skill proposes '\(kind)', which has no scope in SkillCatalog.actions")
        #expect(kind.scope != nil)
        #expect(ActionKind(rawValue: kind.rawValue) == kind)
        #expect("\(kind)" == kind.rawValue, "interpolation (audit lines, idempotency keys) shows the text")
        // Alone, as a YAML scalar and a JSON string.
        #expect(try YAMLDecoder().decode(ActionKind.self, from: try YAMLEncoder().encode(kind)) == kind)
        let json = try JSONEncoder().encode([kind])
        #expect(String(decoding: json, as: UTF8.self) == "[\"\(kind.rawValue)\"]")
        #expect(try JSONDecoder().decode([ActionKind].self, from: json) == [kind])
        // In an approval rule of a whole blueprint file, read back with the validator.
        let (yaml, loaded) = try Self.roundTrip(kind, when: .always)
        #expect(yaml.contains("- action: \(kind.rawValue)\n"), "\(yaml)")
        #expect(loaded.errors.isEmpty, "\(loaded.errors)")
        #expect(loaded.blueprint?.approvals.last?.action == kind)
    }

    @Test func theHighStakesRuleIsOneListOfKnownActions() {
        #expect(
            ActionKind.highStakes == [.complaintReply, .contractSend, .paymentCommit, .refundIssue],
            "changing which actions always wait for a person is a product decision: update docs/blueprint.md too")
        #expect(ActionKind.highStakes.allSatisfy { $0.isKnown })
        #expect(!ActionKind("email.send ").isHighStakes, "only the exact kind is high-stakes")
        #expect(ActionKind.known == Self.catalogActions)
    }

    /// Text no catalog holds (a model's invention, a typo, control characters, other scripts) stays
    /// representable: written back byte for byte, and reported as an unknown action, never
    /// mistaken for a known one.
    @Test(arguments: 0..<60)
    func anyTextStaysRepresentableAndUnknownTextIsReported(seed: Int) throws {
        var gen = HostileText(seed: UInt64(seed) &+ 70_000)
        let text = seed.isMultiple(of: 3) ? gen.ordinaryName() : gen.string(hostileShare: 50)
        let kind = ActionKind(rawValue: text)
        #expect(kind.rawValue == text)
        #expect(kind.isKnown == SkillCatalog.actions.keys.contains { $0.rawValue == text })
        guard !kind.isKnown else { return }
        #expect(!kind.isHighStakes)
        let (yaml, loaded) = try Self.roundTrip(kind, when: .always)
        // What a blueprint file can hold reads back the same (YAML drops a byte-order mark, as it does
        // in a business name).
        guard let blueprint = loaded.blueprint else { return }
        let written = text.replacingOccurrences(of: "\u{FEFF}", with: "")
        #expect(blueprint.approvals.last?.action.rawValue == written, "seed \(seed): \(yaml.suffix(300))")
        #expect(
            loaded.errors.contains { $0.message.hasPrefix("unknown action '\(written)'") },
            "seed \(seed): \(loaded.errors.map(\.message))")
    }

    @Test(arguments: ApprovalCondition.known)
    func everyConditionRoundTripsThroughItsTextAndYAML(_ condition: ApprovalCondition) throws {
        #expect(condition.isKnown)
        #expect(ApprovalCondition(condition.rawValue) == condition)
        #expect("\(condition)" == condition.rawValue)
        let (yaml, loaded) = try Self.roundTrip(.emailSend, when: condition)
        #expect(yaml.contains("  when: \(condition.rawValue)\n"), "\(yaml)")
        #expect(loaded.errors.isEmpty, "\(loaded.errors)")
        #expect(loaded.blueprint?.approvals.last?.when == condition)
    }

    @Test(arguments: ["on_tuesdays", "first_contct", "Always", " always", "", "amount > 500", "🚀"])
    func anUnknownConditionIsKeptAsWrittenAndReported(_ text: String) throws {
        let condition = ApprovalCondition(text)
        #expect(condition == .unknown(text))
        #expect(!condition.isKnown)
        #expect(condition.rawValue == text)
        let (_, loaded) = try Self.roundTrip(.emailSend, when: condition)
        #expect(loaded.blueprint?.approvals.last?.when == condition)
        let reported = loaded.errors.filter { $0.message.contains("condition") }
        #expect(reported.count == 1, "\(loaded.errors.map(\.message))")
        #expect(
            reported.allSatisfy { $0.message.hasSuffix("hint: conditions: always, change_or_cancel, first_contact") })
    }
}
