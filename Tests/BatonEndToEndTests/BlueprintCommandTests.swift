import BatonTestSupport
import Foundation
import Testing

/// `baton blueprint` and `baton demo` through the real binary.
struct BlueprintCommandTests {
    @Test func demoWorksWithNoConfigurationAndItsBlueprintValidates() async throws {
        let home = BatonBinary.temporaryFolder()
        let out = home + "/reports"
        // A fresh machine: no workspace yet, only $HOME.
        let demo = try await BatonBinary.run(["demo", "--out", out], environment: ["HOME": home, "BATON_HOME": ""])
        #expect(demo.status == 0, "\(demo.stderr)")
        let blueprint = out + "/1-bow-river-plumbing-heating.blueprint.yaml"
        #expect(demo.stdout.contains("baton blueprint explain \(blueprint)"))
        #expect(demo.stdout.contains("baton run \(blueprint)"))
        #expect(FileManager.default.fileExists(atPath: out + "/1-bow-river-plumbing-heating.html"))
        #expect(FileManager.default.fileExists(atPath: home + "/.baton/workspace.sqlite"))
        let validate = try await BatonBinary.run(["blueprint", "validate", blueprint])
        #expect(validate.status == 0)
        #expect(validate.stdout == "\(blueprint): valid\n")
        let explain = try await BatonBinary.run(["blueprint", "explain", blueprint])
        #expect(explain.stdout.contains("Who does what"))
        #expect(explain.stdout.contains("What waits for a person"))
        #expect(explain.stdout.contains("Issuing refunds and credits (refund.issue), always: owner approves"))
    }

    @Test func writeValidateAndSchemaFromTheCommandLine() async throws {
        let workspace = BatonBinary.temporaryFolder()
        _ = try await BatonBinary.run([
            "assess", "--answers", BatonBinary.bundledPack + "/examples/dental-clinic.yaml", "--workspace", workspace,
        ])
        let file = workspace + "/dental.blueprint.yaml"
        let write = try await BatonBinary.run(["blueprint", "1", "-o", file, "--workspace", workspace])
        #expect(write.status == 0, "\(write.stderr)")
        #expect(write.stderr.contains("Wrote \(file): 3 agents"))
        let again = try await BatonBinary.run(["blueprint", "1", "--workspace", workspace]).stdout
        #expect(
            again == (try String(contentsOfFile: file, encoding: .utf8)), "the same assessment gives the same blueprint"
        )
        let broken = workspace + "/broken.yaml"
        try again.replacingOccurrences(of: "skill: scheduling", with: "skill: juggling").write(
            toFile: broken, atomically: true, encoding: .utf8)
        let invalid = try await BatonBinary.run(["blueprint", "validate", broken])
        #expect(invalid.status == 1)
        #expect(invalid.stdout.contains("\(broken):"))
        #expect(invalid.stdout.contains(": error: unknown skill 'juggling'"))
        #expect(invalid.stderr.contains("1 error"))
        let schema = try await BatonBinary.run(["blueprint", "schema"])
        let json = try #require(try JSONSerialization.jsonObject(with: Data(schema.stdout.utf8)) as? [String: Any])
        #expect(json["$schema"] as? String == "https://json-schema.org/draft/2020-12/schema")
    }
}
