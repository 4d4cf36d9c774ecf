import Blueprint
import Foundation
import Mail

/// Reads an inbox into the runtime: fetch what is new → read each message (``IncomingMessage``) →
/// route it (``InboxRouting``) → store every message's event and the inbox's progress in one synced
/// commit → acknowledge them to the inbox. A crash anywhere loses nothing (a message is
/// acknowledged only once stored) and repeats nothing (a message read again is stored once per
/// Message-ID, so its case gets no second event and no second reply).
package struct InboxReader: Sendable {
    package let source: any InboxSource
    let store: any RuntimeStorage
    let routing: InboxRouting
    /// The model that classifies new inquiries, if the agent that takes them has one.
    let model: (any LanguageModel)?
    let batch: Int
    let limits: IncomingMessage.Limits

    /// - Parameters:
    ///   - models: the agents' language models by agent id: the first agent that consumes
    ///     `inquiry.received` or `lead.received` lends its model to classify new inquiries.
    ///   - batch: messages fetched, and stored in one commit, at a time.
    package init(
        source: any InboxSource, store: any RuntimeStorage, blueprint: Blueprint,
        models: [String: any LanguageModel] = [:], batch: Int = InboxSettings.defaultBatch,
        limits: IncomingMessage.Limits = IncomingMessage.Limits()
    ) {
        self.source = source
        self.store = store
        self.routing = InboxRouting(blueprint: blueprint, installID: store.installID)
        self.model =
            ["inquiry.received", "lead.received"].lazy.compactMap { type in
                blueprint.agents.first { $0.consumes.contains(type) && models[$0.id] != nil }.flatMap { models[$0.id] }
            }.first
        self.batch = max(1, batch)
        self.limits = limits
    }

    /// What one pass read.
    package struct Pass: Sendable, Equatable {
        /// Messages fetched (some may have been stored before a crash).
        package var read = 0
        /// Events stored now, by what they were: `lead.received`, `email.replied`, `email.ignored`, …
        package var stored: [String: Int] = [:]

        package var storedCount: Int { stored.values.reduce(0, +) }
    }

    /// Reads batch after batch until the inbox has nothing new.
    /// - Parameter onStored: called after each commit that stored a new event (to wake the engine).
    package func readNew(onStored: @Sendable () -> Void = {}) async throws -> Pass {
        var pass = Pass()
        while !Task.isCancelled {
            let progress = try await store.inboxProgress(source: source.name)
            let messages = try await source.fetchNew(after: progress, limit: batch)
            if messages.isEmpty { break }
            let read = messages.map { IncomingMessage($0.raw, limits: limits) }
            // One read for the whole batch: the cases of the Baton emails the messages answer.
            let keys = read.map { routing.sentKeys($0) }
            let cases = try await store.casesOfOutboxKeys(Array(Set(keys.joined())))
            var events: [InboxEvent] = []
            for (index, message) in read.enumerated() {
                let repliedCase = keys[index].lazy.compactMap { cases[$0] }.first
                var kind: (InquiryKind, String)?
                if message.automatedBecause == nil && repliedCase == nil {
                    kind = await InquiryClassifier.classify(message.subject + "\n\n" + message.text, model: model)
                }
                events.append(routing.event(message, raw: messages[index].raw, repliedCase: repliedCase, kind: kind))
            }
            let stored = try await store.storeInbox(events, source: source.name, progress: messages.last?.position)
            for (event, isNew) in zip(events, stored) where isNew { pass.stored[event.event.type, default: 0] += 1 }
            if stored.contains(true) { onStored() }
            pass.read += messages.count
            try await source.acknowledge(messages.map(\.position))
            if messages.count < batch { break }
        }
        return pass
    }
}
