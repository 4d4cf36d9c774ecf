import Foundation
import HTTPTypes
import Hummingbird
import Orchestrator
import Signing

/// What the intake trusts an outside producer with, beyond getting in: its idempotency keys are
/// its own and bound to the body they were first used with, a signature is good once, and a case
/// is named only with its token.
extension IntakeServer {
    /// How far ahead of this server's clock a signature's time may be (clocks drift; a minute is
    /// plenty, and a signature from further ahead would outlive the replay window).
    static let futureSkew: TimeInterval = 60

    /// Who sent the request, for scoping its idempotency key: the credential that let it in, as a
    /// short digest (`t-…` for the bearer token, `h-…` for the HMAC secret). Two producers' keys
    /// never meet; a rotated credential starts a new scope.
    func producer(of request: Request) -> String {
        if request.headers[.authorization]?.hasPrefix("Bearer ") == true {
            return "t-" + RequestSignature.digestHex("baton-producer:token:\(settings.token ?? "")").prefix(16)
        }
        return "h-" + RequestSignature.digestHex("baton-producer:hmac:\(settings.hmacSecret ?? "")").prefix(16)
    }

    /// The idempotency key as the store keeps it: `intake:PRODUCER:KEY`.
    func scopedKey(_ request: Request) -> String? {
        request.headers[HTTPField.Name("Idempotency-Key")!].map { "intake:\(producer(of: request)):\($0)" }
    }

    /// The signature a signed request was let in with, to be refused if it comes again: remembered
    /// until its time leaves the replay window. Nil for a bearer request.
    func usedSignature(_ request: Request) -> UsedSignature? {
        guard request.headers[.authorization]?.hasPrefix("Bearer ") != true,
            let header = request.headers[HTTPField.Name("X-Baton-Signature")!]
        else { return nil }
        let fields = Self.signatureFields(header)
        guard let stamp = fields["t"].flatMap(TimeInterval.init), let signature = fields["v1"] else { return nil }
        return UsedSignature(
            signature: signature, expiresAt: Date(timeIntervalSince1970: stamp + settings.replayWindow))
    }

    /// `t=…,v1=…` as a map.
    static func signatureFields(_ header: String) -> [String: String] {
        var fields: [String: String] = [:]
        for part in header.split(separator: ",") {
            let pair = part.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            if pair.count == 2 { fields[pair[0]] = pair[1] }
        }
        return fields
    }

    /// The case the submission goes to, or why it is refused: a new case unless it names one with
    /// that case's token (``RuntimeStore/caseToken(for:)``, from a link Baton sent). Knowing a case
    /// id is not enough to write into that lead's case.
    func caseID(for submission: Submission) async -> Result<String, Submission.Problem> {
        guard let named = submission.caseID else {
            return .success("case-\(UUID().uuidString.prefix(8).lowercased())")
        }
        guard let token = submission.caseToken else {
            return .failure(
                Submission.Problem(
                    status: .unprocessableContent,
                    message:
                        "'case' needs its 'case_token' (from a link Baton sent about that case); leave 'case' out to start a new case",
                    field: "case"))
        }
        guard (try? await store.isCaseToken(token, for: named)) == true else {
            return .failure(
                Submission.Problem(
                    status: .unprocessableContent, message: "'case_token' is not the token of case '\(named)'",
                    field: "case_token"))
        }
        return .success(named)
    }

    /// The answer to a submission the store refused: 422 for a key used with another body (as
    /// Stripe answers), 409 for a signature used before.
    static func refusal(_ refused: IntakeRefusal, key: String?) -> Response {
        if refused.isReplay {
            return refusal(
                .conflict,
                "this signature was used before (a replay?): nothing was stored; sign each request anew, with its own timestamp"
            )
        }
        let first = refused.firstEvent.map { " (event \($0.id), case \($0.caseID))" } ?? ""
        return refusal(
            .unprocessableContent,
            "Idempotency-Key '\(key ?? "")' was used with a different request body\(first): nothing was stored; a different event needs a new key",
            field: "Idempotency-Key")
    }
}
