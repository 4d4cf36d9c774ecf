/// The implementation timeline: assessment, one build per agent in priority order, pilot, optimisation.
struct TimelinePlanner {
    let parameters: TimelineParameters

    func plan(agents: [AgentTemplate]) -> Timeline {
        var phases: [Phase] = []
        var week = 0.0
        func add(_ name: String, _ weeks: Double) {
            phases.append(
                Phase(name: name, startWeek: Figure.decimal(week, places: 1), weeks: Figure.decimal(weeks, places: 1)))
            week += weeks
        }
        add("Assessment", parameters.assessmentWeeks)
        for agent in agents { add("Build: \(agent.name)", agent.buildWeeks) }
        add("Pilot", parameters.pilotWeeks)
        let goLive = week
        add("Optimisation", parameters.optimisationWeeks)
        return Timeline(
            phases: phases, goLiveWeek: Figure.decimal(goLive, places: 1), totalWeeks: Figure.decimal(week, places: 1))
    }
}
