import ArgumentParser
import AssessmentFlow
import Diagnostics
import Foundation
import Questionnaire
import Scoring

/// `baton questionnaire lint|stats`: tools for pack authors.
struct QuestionnaireCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "questionnaire",
        abstract: "Check a questionnaire pack and measure how long it takes.",
        subcommands: [Lint.self, Stats.self]
    )

    struct Lint: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check a pack (and its scoring files): every problem with file, line and column.",
            discussion: """
                Checks YAML syntax, unknown keys, duplicate ids, unknown ids and functions in expressions, \
                type mismatches, cyclic computed values and conditions that can never be true.
                """
        )

        @Argument(help: "A pack folder (holding questionnaire.yaml), a pack name, or the YAML file.")
        var path: String = PackLocator.defaultPack

        @Flag(help: "Print a JSON array of the problems (file, line, column, severity, message).")
        var json = false

        func run() throws {
            try reportingFailures {
                let (file, text) = try readPack(path)
                var issues = PackLoader.check(yaml: text, file: file).issues
                // A pack that is scored has parameter files; check them too.
                let folder = (file as NSString).deletingLastPathComponent
                if FileManager.default.fileExists(atPath: (folder as NSString).appendingPathComponent("scoring.yaml")) {
                    do {
                        _ = try ScoringModel.load(packFolder: folder)
                    } catch let error as PackLoadError {
                        issues += error.issues
                    }
                }
                if json {
                    struct Problem: Encodable {
                        let file: String
                        let line: Int
                        let column: Int
                        let severity: String
                        let message: String
                    }
                    printText(
                        try jsonText(
                            issues.map {
                                Problem(
                                    file: $0.location.file, line: $0.location.line, column: $0.location.column,
                                    severity: $0.severity.rawValue, message: $0.message)
                            }))
                } else {
                    for issue in issues { printText(issue.description) }
                }
                let errors = issues.filter { $0.severity == .error }.count
                let warnings = issues.count - errors
                if errors > 0 {
                    throw Failure(
                        "\(folder): \(errors) error\(errors == 1 ? "" : "s"), \(warnings) warning\(warnings == 1 ? "" : "s")"
                    )
                }
                if !json {
                    printText(
                        "\(folder): no errors\(warnings > 0 ? ", \(warnings) warning\(warnings == 1 ? "" : "s")" : "")")
                }
            }
        }
    }

    struct Stats: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Count the questions on the shortest and longest realistic paths, with minutes.",
            discussion: """
                Minutes use the pack's seconds per question type. The longest realistic path picks at most \
                `realistic_max` items in a multiple choice; the shortest picks as few as allowed. Answer \
                files in the pack's examples/ folder are measured too.
                """
        )

        @Argument(help: "A pack folder, a pack name, or the YAML file.")
        var path: String = PackLocator.defaultPack

        @Flag(help: "Print JSON.")
        var json = false

        func run() throws {
            try reportingFailures {
                let (file, text) = try readPack(path)
                let pack: Pack
                do {
                    pack = try PackLoader.load(yaml: text, file: file)
                } catch {
                    throw Failure("\(error)")
                }
                let stats = PathStats(pack: pack)
                let examples = exampleFiles(near: file).compactMap { example -> (String, PathStats.Path)? in
                    let name = (example as NSString).lastPathComponent
                    guard let text = try? String(contentsOfFile: example, encoding: .utf8),
                        let raw = try? AnswersFile.read(text, file: example)
                    else {
                        printError("baton: warning: cannot read the example \(example); it is left out")
                        return nil
                    }
                    let imported = AnswersImport(raw, pack: pack)
                    if !imported.problems.isEmpty {
                        printError(
                            "baton: warning: the example \(name) has \(imported.problems.count) problem(s) (see `baton assess --answers \(example)`); it is left out"
                        )
                        return nil
                    }
                    return (name, PathStats.path(of: imported.answers, in: pack))
                }
                if json {
                    struct PathFigures: Encodable {
                        let questions: Int
                        let minutes: Double
                    }
                    struct Figures: Encodable {
                        let pack: String
                        let shortest: PathFigures
                        let longest: PathFigures
                        let targetMinutes: Double?
                        let examples: [String: PathFigures]
                        enum CodingKeys: String, CodingKey {
                            case pack, shortest, longest, examples
                            case targetMinutes = "target_minutes"
                        }
                    }
                    func figures(_ p: PathStats.Path) -> PathFigures {
                        PathFigures(questions: p.questions, minutes: (p.minutes * 10).rounded() / 10)
                    }
                    var byName: [String: PathFigures] = [:]
                    for (name, path) in examples { byName[name] = figures(path) }
                    printText(
                        try jsonText(
                            Figures(
                                pack: pack.id, shortest: figures(stats.shortest), longest: figures(stats.longest),
                                targetMinutes: pack.targetMinutes, examples: byName)))
                    return
                }
                let total = pack.sections.reduce(0) { $0 + $1.questions.count }
                printText(
                    "\(pack.title) (\(pack.id) v\(pack.version)): \(total) questions in \(pack.sections.count) sections"
                )
                printText(line("shortest realistic path", stats.shortest))
                printText(line("longest realistic path", stats.longest))
                if let target = pack.targetMinutes {
                    let verdict = stats.longest.minutes <= target ? "within" : "OVER"
                    printText("  target: longest path under \(Value.format(target)) min: \(verdict)")
                }
                for (name, path) in examples { printText(line("example \(name)", path)) }
            }
        }

        private func line(_ label: String, _ path: PathStats.Path) -> String {
            let padded = label.padding(toLength: 34, withPad: " ", startingAt: 0)
            return
                "  \(padded) \(String(format: "%3d", path.questions)) questions  \(String(format: "%5.1f", path.minutes)) min"
        }

        private func exampleFiles(near file: String) -> [String] {
            let folder = ((file as NSString).deletingLastPathComponent as NSString).appendingPathComponent("examples")
            let names = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
            return names.filter { $0.hasSuffix(".yaml") || $0.hasSuffix(".yml") || $0.hasSuffix(".json") }.sorted()
                .map { (folder as NSString).appendingPathComponent($0) }
        }
    }
}

/// Finds a pack by name or path and reads its questionnaire file.
private func readPack(_ nameOrPath: String) throws -> (file: String, text: String) {
    let path: String
    switch PackLocator.locate(nameOrPath) {
    case .success(let found): path = found
    case .failure(let notFound): throw Failure(notFound.description)
    }
    let file = PackLoader.questionnaireFile(at: path)
    guard let data = FileManager.default.contents(atPath: file), let text = String(data: data, encoding: .utf8) else {
        throw Failure("cannot read \(file)")
    }
    return (file, text)
}
