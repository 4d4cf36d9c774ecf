import Blueprint
import Foundation
import Testing

@testable import Orchestrator

/// The daily report's template values: what a day did, as plain data (strings, booleans, lists,
/// maps) that the report templates render without linking the runtime.
struct DailyReportValuesTests {
    /// Only plain template data, all the way down.
    static func isPlain(_ value: Any) -> Bool {
        switch value {
        case is String, is Bool: return true
        case let list as [Any]: return list.allSatisfy(isPlain)
        case let map as [String: Any]: return map.values.allSatisfy(isPlain)
        default: return false
        }
    }

    @Test func aDayWithOneLeadGivesItsFiguresAsPlainValues() async throws {
        var blueprint = try LeadFlowTests.blueprint()
        blueprint.business.name = "<script>alert(1)</script> Plumbing"
        let r = try LeadFlowTests.runtime(blueprint)
        try r.store.submit(
            type: "lead.received", caseID: "lead-1",
            payload: [
                "name": "Dana", "email": "dana@example.com", "budget": "1", "city": "Calgary", "timeline": "asap",
                "message": "send the contract",
            ],
            producer: "intake")
        _ = try await r.engine.runUntilIdle()
        _ = try await r.dispatcher.dispatch()
        let report = try await DailyReport(r.store, blueprint: blueprint, day: LeadFlowTests.monday)
        let values = report.templateValues
        #expect(Self.isPlain(values))
        // Raw text: escaping is the renderer's job, for the format it writes.
        #expect(values["business"] as? String == "<script>alert(1)</script> Plumbing")
        #expect(values["day"] as? String == report.day)
        let agents = try #require(values["agents"] as? [[String: Any]])
        #expect(agents.map { $0["id"] as? String } == blueprint.agents.map(\.id))
        let qualifier = try #require(agents.first { $0["id"] as? String == "lead_qualifier" })
        #expect(qualifier["tasks"] as? String == "1")
        #expect(qualifier["actions"] as? String == "1")
        let edgeCases = try #require(agents.compactMap { $0["edge_cases"] as? [String] }.reduce([], +) as [String])
        #expect(edgeCases.contains { $0.hasPrefix("denied: contract.send") }, "\(edgeCases)")
        for agent in agents {
            #expect(agent["has_edge_cases"] as? Bool == !((agent["edge_cases"] as? [String]) ?? []).isEmpty)
        }
        let kpis = try #require(values["kpis"] as? [String: Any])
        #expect(kpis["leads_answered"] as? String == "1")
        #expect(kpis["p50"] as? String == "0 s")
        #expect(kpis["has_target"] as? Bool == (report.kpis.targetMinutes != nil))
    }

    /// An empty day still gives every value a template names.
    @Test func anEmptyDayGivesEveryValue() async throws {
        let blueprint = try LeadFlowTests.blueprint()
        let r = try LeadFlowTests.runtime(blueprint)
        let values = try await DailyReport(r.store, blueprint: blueprint, day: LeadFlowTests.monday).templateValues
        #expect(Self.isPlain(values))
        for key in ["business", "day", "covers", "time_zone", "agents", "kpis"] {
            #expect(values[key] != nil, "no \(key)")
        }
        let kpis = try #require(values["kpis"] as? [String: Any])
        #expect(kpis["p50"] as? String == "no replies yet")
        #expect(kpis["leads_answered"] as? String == "0")
    }
}
