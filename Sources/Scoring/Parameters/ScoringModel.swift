import Diagnostics
import Foundation
import Questionnaire
import Yams

/// A pack's three parameter files, loaded and cross-checked: `scoring.yaml`, `catalog.yaml`, `pricing.yaml`.
public struct ScoringModel: Sendable {
    public var parameters: ScoringParameters
    public var catalog: Catalog
    public var pricing: Pricing

    public init(parameters: ScoringParameters, catalog: Catalog, pricing: Pricing) {
        self.parameters = parameters
        self.catalog = catalog
        self.pricing = pricing
    }

    /// `scoring 1, catalog 1, pricing 1`: stored with every result.
    public var version: String {
        "scoring \(parameters.version), catalog \(catalog.version), pricing \(pricing.version)"
    }

    /// Loads the three files from a pack folder.
    /// - Throws: ``PackLoadError`` with every problem and its position, or ``ScoringError`` for a missing file.
    public static func load(packFolder: String) throws -> ScoringModel {
        func read(_ name: String) throws -> (String, String) {
            let file = (packFolder as NSString).appendingPathComponent(name)
            guard let text = try? String(contentsOfFile: file, encoding: .utf8) else {
                throw ScoringError(
                    "cannot read \(file): a pack that is scored needs scoring.yaml, catalog.yaml and pricing.yaml")
            }
            return (text, file)
        }
        let (scoringText, scoringFile) = try read("scoring.yaml")
        let (catalogText, catalogFile) = try read("catalog.yaml")
        let (pricingText, pricingFile) = try read("pricing.yaml")
        return try load(
            scoring: (scoringText, scoringFile), catalog: (catalogText, catalogFile),
            pricing: (pricingText, pricingFile))
    }

    /// Loads the three files from their texts (each with the name used in messages).
    public static func load(
        scoring: (text: String, file: String), catalog: (text: String, file: String),
        pricing: (text: String, file: String)
    ) throws(PackLoadError) -> ScoringModel {
        var issues: [PackIssue] = []
        func decode<T: Codable>(_ type: T.Type, _ source: (text: String, file: String)) -> (T, Node)? {
            do {
                return try ParameterFile.decode(type, yaml: source.text, file: source.file)
            } catch {
                issues += error.issues
                return nil
            }
        }
        let p = decode(ScoringParameters.self, scoring)
        let c = decode(Catalog.self, catalog)
        let r = decode(Pricing.self, pricing)
        guard let (parameters, scoringRoot) = p, let (catalogValue, catalogRoot) = c,
            let (pricingValue, pricingRoot) = r
        else {
            throw PackLoadError(issues: issues)
        }
        let checker = ParameterChecker(
            scoring: (parameters, scoringRoot, scoring.file), catalog: (catalogValue, catalogRoot, catalog.file),
            pricing: (pricingValue, pricingRoot, pricing.file))
        issues += checker.issues()
        if !issues.isEmpty { throw PackLoadError(issues: issues.sorted { $0.location < $1.location }) }
        return ScoringModel(parameters: parameters, catalog: catalogValue, pricing: pricingValue)
    }
}
