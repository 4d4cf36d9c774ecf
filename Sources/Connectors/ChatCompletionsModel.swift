import Blueprint
import Foundation
import Orchestrator

/// A language model behind an OpenAI-compatible chat-completions endpoint (llama.cpp's server,
/// vLLM, Ollama, or a hosted one): `POST {url}/v1/chat/completions` with a JSON-object answer asked
/// for, temperature 0, a timeout.
public struct ChatCompletionsModel: LanguageModel {
    public let url: URL
    public let name: String
    let http: HTTPExchange

    public init(url: URL, name: String, apiKey: String? = nil, timeout: TimeInterval = 20) {
        self.url = url
        self.name = name
        self.http = HTTPExchange(username: nil, password: nil, timeout: timeout, bearer: apiKey)
    }

    public func complete(system: String, user: String) async throws -> String {
        let request: [String: Any] = [
            "model": name, "temperature": 0, "response_format": ["type": "json_object"],
            "messages": [["role": "system", "content": system], ["role": "user", "content": user]],
        ]
        let answer = try await http.send(
            "POST", url.appendingPathComponent("v1/chat/completions"), headers: ["Content-Type": "application/json"],
            body: try JSONSerialization.data(withJSONObject: request))
        guard answer.status == 200 else { throw ConnectorError("the model answered HTTP \(answer.status)") }
        guard let object = try? JSONSerialization.jsonObject(with: answer.body) as? [String: Any],
            let choices = object["choices"] as? [[String: Any]],
            let message = choices.first?["message"] as? [String: Any],
            let content = message["content"] as? String
        else { throw ConnectorError("the model's answer has no choices[0].message.content") }
        return content
    }

    /// The models the blueprint's agents enable with `settings.model` (`url`, `name`,
    /// `api_key` as `${env:NAME}`, `timeout_seconds`), by agent id.
    public static func make(
        for blueprint: Blueprint, environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws -> [String: LanguageModel] {
        var models: [String: LanguageModel] = [:]
        for agent in blueprint.agents {
            guard case .map(let settings) = agent.settings["model"] else { continue }
            let read = ConnectorSettings(path: "agents.\(agent.id).settings.model", settings, environment: environment)
            let text = try read.required("url")
            guard let url = URL(string: text), url.scheme == "http" || url.scheme == "https" else {
                throw ConnectorError("agents.\(agent.id).settings.model.url is not an http(s) URL: \(text)")
            }
            models[agent.id] = ChatCompletionsModel(
                url: url, name: try read.string("name") ?? "default", apiKey: try read.string("api_key"),
                timeout: TimeInterval(try read.integer("timeout_seconds", or: 20)))
        }
        return models
    }
}
