import Diagnostics
import Foundation
import Questionnaire
import Scoring

/// The consultant's branding, from `branding.yaml` in the workspace folder:
///
/// ```yaml
/// firm: Northwind Automation
/// logo: logo.png            # relative to the workspace folder; PNG, JPEG or SVG
/// accent: "#0b6e99"         # a colour that stays readable in print
/// contact: "hello@northwind.example · 416 555 0199"
/// ```
public struct Branding: Codable, Sendable, Equatable {
    public var firm: String
    /// The logo as a `data:` URI, so the report stays one self-contained file.
    public var logoDataURI: String?
    public var accent: String
    public var contact: String?

    /// What reports carry when the workspace has no branding file.
    public static let standard = Branding(firm: "Baton", logoDataURI: nil, accent: "#1f5f8b", contact: nil)

    public init(firm: String, logoDataURI: String?, accent: String, contact: String?) {
        self.firm = firm
        self.logoDataURI = logoDataURI
        self.accent = accent
        self.contact = contact
    }

    private struct File: Codable {
        var firm: String
        var logo: String?
        var accent: String?
        var contact: String?
    }

    /// Reads `branding.yaml` from `folder`, or ``standard`` when there is none.
    /// - Throws: ``PackLoadError`` with the position of a bad key or value.
    public static func load(workspaceFolder folder: String) throws -> Branding {
        let path = (folder as NSString).appendingPathComponent("branding.yaml")
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return standard }
        let (file, root) = try ParameterFile.decode(File.self, yaml: text, file: path)
        let accent = file.accent ?? standard.accent
        guard accent.range(of: "^#[0-9a-fA-F]{6}$", options: .regularExpression) != nil else {
            throw PackLoadError(issues: [
                PackIssue(
                    .error, at: ParameterFile.location(of: ["accent"], in: root, file: path),
                    "accent must be a colour like \"#1f5f8b\"")
            ])
        }
        var logo: String?
        if let name = file.logo {
            let logoPath = name.hasPrefix("/") ? name : (folder as NSString).appendingPathComponent(name)
            let types = ["png": "image/png", "jpg": "image/jpeg", "jpeg": "image/jpeg", "svg": "image/svg+xml"]
            guard let type = types[(logoPath as NSString).pathExtension.lowercased()] else {
                throw PackLoadError(issues: [
                    PackIssue(
                        .error, at: ParameterFile.location(of: ["logo"], in: root, file: path),
                        "the logo must be a .png, .jpg or .svg file")
                ])
            }
            guard let data = FileManager.default.contents(atPath: logoPath) else {
                throw PackLoadError(issues: [
                    PackIssue(
                        .error, at: ParameterFile.location(of: ["logo"], in: root, file: path),
                        "cannot read the logo file \(logoPath)")
                ])
            }
            logo = "data:\(type);base64,\(data.base64EncodedString())"
        }
        return Branding(firm: file.firm, logoDataURI: logo, accent: accent.lowercased(), contact: file.contact)
    }
}
