import Foundation
import Outcomes

/// The JSON Schema (draft 2020-12) of the blueprint format, for editors and other tools.
public enum BlueprintSchema {
    public static func json() -> String {
        let data = try? JSONSerialization.data(
            withJSONObject: schema, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
        return String(decoding: data ?? Data(), as: UTF8.self) + "\n"
    }

    private static var event: [String: Any] { ["type": "string", "pattern": "^[a-z][a-z0-9_]*(\\.[a-z][a-z0-9_]*)+$"] }
    private static var time: [String: Any] { ["type": "string", "pattern": "^([01][0-9]|2[0-3]):[0-5][0-9]$"] }
    private static var identifier: [String: Any] { ["type": "string", "pattern": "^[a-z][a-z0-9_]*$"] }
    private static var settings: [String: Any] { ["type": "object"] }

    private static func object(_ properties: [String: Any], required: [String]? = nil) -> [String: Any] {
        [
            "type": "object", "properties": properties, "required": required ?? Array(properties.keys).sorted(),
            "additionalProperties": false,
        ]
    }

    private static func array(_ items: [String: Any], minItems: Int = 0) -> [String: Any] {
        ["type": "array", "items": items, "minItems": minItems]
    }

    private static var connector: [String: Any] { object(["kind": ["type": "string"], "settings": settings]) }

    static var schema: [String: Any] {
        let scopes = SkillCatalog.scopes
        var root = object([
            "apiVersion": ["const": Blueprint.currentAPIVersion],
            "kind": ["const": Blueprint.kindName],
            "business": object([
                "name": ["type": "string", "minLength": 1],
                "time_zone": ["type": "string", "minLength": 1],
                "currency": ["type": "string", "pattern": "^[A-Z]{3}$"],
                "working_hours": object([
                    "days": array(["enum": ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]], minItems: 1),
                    "start": time, "end": time,
                ]),
                "services": array(["type": "string", "minLength": 1, "maxLength": 100]),
                "service_area": array(["type": "string", "minLength": 1, "maxLength": 100]),
            ], required: ["currency", "name", "time_zone", "working_hours"]),
            "intake": array(event),
            "agents": array(
                object([
                    "id": identifier,
                    "role": ["type": "string", "minLength": 1],
                    "skill": ["enum": SkillCatalog.skills.map(\.name)],
                    "consumes": array(event), "emits": array(event),
                    "permissions": array(["enum": scopes]),
                    "limits": object(
                        [
                            "actions_per_hour": ["type": "integer", "minimum": 1, "maximum": 10000],
                            "expected_per_week": ["type": "integer", "minimum": 0],
                        ], required: ["actions_per_hour"]),
                    "settings": settings,
                ]), minItems: 1),
            "handoffs": array(object(["event": event, "from": identifier, "to": identifier])),
            "approvals": array(
                object([
                    "action": ["enum": ActionKind.known.map(\.rawValue)],
                    "when": ["type": "string", "minLength": 1],
                    "approver": ["type": "string", "minLength": 1],
                    "timeout": object(
                        [
                            "after": ["type": "string", "minLength": 1],
                            "then": ["enum": ["reject", "escalate", "remind"]],
                            "to": ["type": "string", "minLength": 1],
                        ], required: ["after", "then"]),
                ])),
            "connectors": object(
                ["email": connector, "calendar": connector, "crm": connector, "forms": connector, "inbox": connector],
                required: ["calendar", "crm", "email", "forms"]),
            "schedules": object([
                "daily_report": object([
                    "time": time, "recipients": array(["type": "string", "minLength": 1], minItems: 1),
                ])
            ]),
            "kpis": array(
                object(
                    [
                        "id": identifier, "name": ["type": "string"], "unit": ["type": "string"],
                        "baseline": ["type": "number"],
                        "target": ["type": "number"],
                        "source": ["type": "string", "minLength": 1],
                        "estimate": object([
                            "agent": identifier,
                            "minutes_per_task": ["type": "number", "exclusiveMinimum": 0, "maximum": 1440],
                            "source": ["type": "string", "minLength": 1],
                        ]),
                    ], required: ["baseline", "id", "name", "target", "unit"])),
            "provenance": object([
                "assessment_id": ["type": "integer", "minimum": 1],
                "answers_fingerprint": ["type": "string", "pattern": Provenance.fingerprintPattern],
                "date": ["type": "string", "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}$"],
            ]),
        ], required: ["agents", "apiVersion", "approvals", "business", "connectors", "handoffs", "intake", "kind",
            "kpis", "schedules"])
        root["$schema"] = "https://json-schema.org/draft/2020-12/schema"
        root["$id"] = "https://baton.example/schemas/blueprint-v1.json"
        root["title"] = "Baton agent system blueprint"
        return root
    }
}
