import AssessmentFlow
import BundledResources
import Questionnaire
import Scoring

/// What `baton --version` prints: Baton's version, then each bundled pack's version with the
/// versions of its parameter files (the figures a score was made with), read from the bundled text.
enum VersionText {
    static func lines() -> [String] {
        ["baton \(BatonVersion.number)"] + BundledResources.packNames.map(packLine)
    }

    private static func packLine(_ name: String) -> String {
        let files = Dictionary(
            BundledResources.files(under: BundledResources.packFolder(name)).map { ($0.path, $0.text) },
            uniquingKeysWith: { first, _ in first })
        func source(_ file: String) -> (text: String, file: String) { (files[file] ?? "", file) }
        guard let pack = try? PackLoader.load(yaml: source("questionnaire.yaml").text, file: "questionnaire.yaml")
        else { return "pack \(name): cannot be read" }
        let model = try? ScoringModel.load(
            scoring: source("scoring.yaml"), catalog: source("catalog.yaml"), pricing: source("pricing.yaml"))
        return "pack \(name) \(pack.version)" + (model.map { " (parameters: \($0.version))" } ?? "")
    }
}
