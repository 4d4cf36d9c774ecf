import BatonTestSupport
import Blueprint
import Foundation
import Questionnaire
import Scoring
import Testing

/// A business name with any characters in it gives a blueprint file its own validator accepts,
/// and that reads back to the same blueprint: names from today's answers, and names with control
/// characters that a workspace written by an older version may still hold.
struct BlueprintTextTests {
    static let folder = BlueprintGoldenTests.packageRoot.appendingPathComponent("questionnaires/smb-ai-readiness").path

    /// What the planner needs, loaded once: the example's profile and its score.
    struct Planned: Sendable {
        let profile: BusinessProfile
        let model: ScoringModel
    }

    static let planned: Planned? = {
        guard let pack = try? PackLoader.load(path: folder),
            let text = try? String(contentsOfFile: "\(folder)/examples/plumbing-contractor.yaml", encoding: .utf8),
            let raw = try? AnswersFile.read(text, file: "plumbing-contractor.yaml"),
            let profile = try? BusinessProfile(
                interview: Interview(pack: pack, answers: AnswersImport(raw, pack: pack).answers)),
            let model = try? ScoringModel.load(packFolder: folder)
        else { return nil }
        return Planned(profile: profile, model: model)
    }()

    static func blueprint(named name: String) throws -> Blueprint {
        let planned = try #require(planned, "the plumbing example does not load")
        var profile = planned.profile
        profile.name = name
        let result = try Scorer(model: planned.model).score(profile)
        return BlueprintPlanner(catalog: planned.model.catalog).blueprint(for: result, profile: profile)
    }

    func expectRoundTrip(_ name: String, _ label: String) throws {
        let blueprint = try Self.blueprint(named: name)
        let yaml = try BlueprintFile.yaml(blueprint)
        let loaded = BlueprintFile.check(yaml: yaml, file: "f.yaml")
        #expect(loaded.errors.isEmpty, "\(label): \(loaded.errors) in\n\(yaml.prefix(400))")
        // A byte-order mark is the one thing YAML drops (answers never hold one: AnswerText drops it).
        var expected = blueprint
        expected.business.name = name.replacingOccurrences(of: "\u{FEFF}", with: "")
        #expect(loaded.blueprint?.business.name == expected.business.name, "\(label): the name did not read back")
        #expect(loaded.blueprint == expected, "\(label): the blueprint did not read back the same")
        // The header comment stays one comment line, whatever the name holds.
        let header = yaml.split(separator: "\n", omittingEmptySubsequences: false).prefix(3)
        #expect(header.allSatisfy { $0.hasPrefix("# ") }, "\(label): \(header)")
    }

    @Test(arguments: 0..<150)
    func hostileNamesRoundTripThroughTheValidator(seed: Int) throws {
        var gen = HostileText(seed: UInt64(seed) &+ 40_000)
        try expectRoundTrip(gen.string(hostileShare: 50), "seed \(seed)")
    }

    @Test(arguments: 0..<100)
    func namesInAnyScriptRoundTrip(seed: Int) throws {
        var gen = HostileText(seed: UInt64(seed) &+ 50_000)
        try expectRoundTrip(gen.ordinaryName(), "seed \(seed)")
    }

    @Test(arguments: [
        "Acme\u{1B}]0;owned\u{07}", "Line one\nfoo: bar", "# not a comment", "x\u{0}y", "\u{202E}evil", "a\u{2028}b",
        "key: value", "- item", "'quoted'", "\"dq\"", "&anchor *alias", "!!python/object", "@at `tick`", "%YAML",
        "\u{FEFF}bom", "\u{85}nel", "tab\there", "\u{FFFE}", "🚀 東京 مخبز",
    ])
    func awkwardNamesRoundTrip(name: String) throws {
        try expectRoundTrip(name, name.debugDescription)
    }
}
