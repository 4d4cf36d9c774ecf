import Foundation
import HTTPTypes

/// A submission to `POST /v1/events`, validated: `{"type": "lead.received", "payload": {…}}`, with
/// `"case": "…", "case_token": "…"` to join a case (``IntakeServer/caseID(for:)`` checks the token).
struct Submission {
    let type: String
    let payload: [String: Any]
    let caseID: String?
    /// The proof that the producer may name `caseID`: that case's token from a link Baton sent.
    let caseToken: String?

    /// What is wrong with a body, naming the field.
    struct Problem: Error {
        let status: HTTPResponse.Status
        let message: String
        let field: String?
    }

    static func read(_ body: Data, accepting types: Set<String>) -> Result<Submission, Problem> {
        guard let object = (try? JSONSerialization.jsonObject(with: body)) as? [String: Any] else {
            return .failure(Problem(status: .badRequest, message: "the body is not a JSON object", field: nil))
        }
        guard let type = object["type"] as? String, !type.isEmpty else {
            return .failure(
                Problem(status: .unprocessableContent, message: "'type' is missing or not a string", field: "type"))
        }
        guard types.contains(type) else {
            return .failure(
                Problem(
                    status: .unprocessableContent,
                    message:
                        "'\(type)' is not an event this system takes in (it takes: \(types.sorted().joined(separator: ", ")))",
                    field: "type"))
        }
        guard let payload = object["payload"] as? [String: Any] else {
            return .failure(
                Problem(
                    status: .unprocessableContent, message: "'payload' is missing or not an object", field: "payload"))
        }
        for (key, value) in payload where !(value is String || value is NSNumber) {
            return .failure(
                Problem(
                    status: .unprocessableContent, message: "'payload.\(key)' must be a string or a number",
                    field: "payload.\(key)"))
        }
        let caseID = object["case"] as? String
        if object["case"] != nil && (caseID == nil || caseID!.isEmpty || caseID!.count > 100) {
            return .failure(
                Problem(status: .unprocessableContent, message: "'case' must be a short string", field: "case"))
        }
        let caseToken = object["case_token"] as? String
        if object["case_token"] != nil && (caseToken == nil || caseToken!.isEmpty || caseToken!.count > 100) {
            return .failure(
                Problem(
                    status: .unprocessableContent, message: "'case_token' must be a short string", field: "case_token"))
        }
        for key in object.keys where !["type", "payload", "case", "case_token"].contains(key) {
            return .failure(
                Problem(status: .unprocessableContent, message: "unknown field '\(key)'", field: key))
        }
        return .success(Submission(type: type, payload: payload, caseID: caseID, caseToken: caseToken))
    }
}
