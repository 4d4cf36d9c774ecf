import BatonTestSupport
import Blueprint
import Foundation
import Spawning
import Testing

/// The JSON Schema, checked with a real validator: Python's `jsonschema` (installed by ./scripts/test).
struct BlueprintSchemaTests {
    static let validator = """
        import json, sys, yaml, jsonschema
        schema = json.load(open(sys.argv[1]))
        jsonschema.Draft202012Validator.check_schema(schema)
        doc = yaml.safe_load(open(sys.argv[2]))
        errors = sorted(jsonschema.Draft202012Validator(schema).iter_errors(doc), key=lambda e: list(e.path))
        for e in errors:
            print("/".join(str(p) for p in e.path), e.message)
        sys.exit(1 if errors else 0)
        """

    /// Python's jsonschema on `yaml`, waited for on a thread of its own (a Python start takes a
    /// second; the cooperative threads serve every test).
    func validate(_ yaml: String) async throws -> (Int32, String) {
        try await onThread { try Self.validateBlocking(yaml) }
    }

    private static func validateBlocking(_ yaml: String) throws -> (Int32, String) {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("baton-schema-\(UUID().uuidString)")
            .path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        try BlueprintSchema.json().write(toFile: folder + "/schema.json", atomically: true, encoding: .utf8)
        try yaml.write(toFile: folder + "/bp.yaml", atomically: true, encoding: .utf8)
        let process = ChildProcess()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", Self.validator, folder + "/schema.json", folder + "/bp.yaml"]
        let pipe = Pipe()
        process.standardOutput = .pipe(pipe)
        process.standardError = .pipe(pipe)
        try process.run()
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return (process.terminationStatus, output)
    }

    @Test(arguments: BlueprintGoldenTests.examples)
    func theSchemaAcceptsEveryGoldenBlueprint(example: String) async throws {
        let (status, output) = try await validate(
            try String(contentsOfFile: BlueprintGoldenTests.goldenPath(example), encoding: .utf8))
        #expect(status == 0, "\(output)")
    }

    @Test(arguments: [
        ("apiVersion: baton/v1\n", "apiVersion: baton/v9\n", "apiVersion"),
        ("  - crm.write:lead_score\n", "  - '*'\n", "permissions"),
        ("skill: scheduling", "skill: juggling", "skill"),
        ("    then: escalate\n", "    then: approve\n", "then"),
        ("  currency: CAD\n", "  currency: CAD\n  colour: blue\n", "colour"),
        ("time: '17:30'", "time: '25:00'", "time"),
    ])
    func theSchemaRejectsBrokenBlueprints(replacing: String, with: String, expected: String) async throws {
        let base = try String(contentsOfFile: BlueprintGoldenTests.goldenPath("plumbing-contractor"), encoding: .utf8)
        #expect(base.contains(replacing))
        let (status, output) = try await validate(base.replacingOccurrences(of: replacing, with: with))
        #expect(status == 1, "the schema accepted a broken blueprint")
        #expect(output.contains(expected), "\(output)")
    }
}
