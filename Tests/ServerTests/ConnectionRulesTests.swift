import BatonTestSupport
import HTTPTypes
import NIOCore
import Testing

@testable import Server

/// The connection rules without sockets: the deadlines of one connection, the cap's admissions
/// and evictions, who may read `/metrics` — over generated sequences as well as by example.
struct ConnectionRulesTests {
    static let timeouts = ConnectionStateMachine.Timeouts(header: .seconds(10), body: .seconds(30), linger: .seconds(2))

    // MARK: One connection's deadlines

    @Test func aRequestIsBoundedFromTheStartOfItsHeadToTheEndOfItsBody() {
        var machine = ConnectionStateMachine(timeouts: Self.timeouts)
        #expect(machine.started() == .arm(.seconds(10)))
        #expect(machine.isIdle)
        #expect(machine.read(.head) == .forward(.arm(.seconds(30))))
        #expect(!machine.isIdle)
        #expect(machine.read(.body) == .forward(.keep))
        // Complete: the application answers it, with no deadline here.
        #expect(machine.read(.end) == .forward(.cancel))
        #expect(machine.write(.head) == .write(.keep))
        #expect(machine.write(.body) == .write(.keep))
        // Answered: waiting for the next head, bounded again.
        #expect(machine.write(.end) == .write(.arm(.seconds(10))))
        #expect(machine.isIdle)
        #expect(machine.timerFired() == .close)
    }

    @Test func anAnswerBeforeTheBodyIsReadClosesTheConnectionAndDropsTheRest() {
        var machine = ConnectionStateMachine(timeouts: Self.timeouts)
        _ = machine.started()
        _ = machine.read(.head)
        _ = machine.read(.body)
        // A 401 while the body is still coming: Connection: close, then the output is shut.
        #expect(machine.write(.head) == .writeClosing)
        #expect(machine.write(.body) == .write(.keep))
        #expect(machine.write(.end) == .writeThenLinger(.seconds(2)))
        #expect(machine.isIdle)
        // Whatever the client still sends is never read.
        #expect(machine.read(.body) == .drop)
        #expect(machine.read(.end) == .drop)
        #expect(machine.read(.head) == .drop)
        #expect(machine.inputClosed() == .close)
    }

    @Test func theClientClosingItsSideEndsNothingButALinger() {
        var machine = ConnectionStateMachine(timeouts: Self.timeouts)
        _ = machine.started()
        #expect(machine.inputClosed() == .nothing)
        _ = machine.read(.head)
        #expect(machine.inputClosed() == .nothing)
    }

    /// Over generated exchanges (pipelined requests, early answers, bodies of any length, a client
    /// that stops anywhere): whenever the server waits on the client — for a head, for a body, or
    /// lingering — a timer is armed; while it answers a complete request, none is.
    @Test(arguments: 0..<300)
    func theServerNeverWaitsOnTheClientWithoutADeadline(seed: UInt64) {
        var random = SplitMix(state: seed)
        var machine = ConnectionStateMachine(timeouts: Self.timeouts)
        var armed: Duration? = nil
        func apply(_ timer: ConnectionStateMachine.Timer) {
            switch timer {
            case .keep: break
            case .cancel: armed = nil
            case .arm(let bound): armed = bound
            }
        }
        func check(_ step: String) {
            if machine.lingering {
                #expect(armed == Self.timeouts.linger, "seed \(seed), \(step)")
            } else if machine.readingBody {
                #expect(armed == Self.timeouts.body, "seed \(seed), \(step): reading a body without its bound")
            } else if machine.inFlight == 0 {
                #expect(armed == Self.timeouts.header, "seed \(seed), \(step): idle without the header bound")
            } else {
                #expect(armed == nil, "seed \(seed), \(step): a deadline while the application answers")
            }
        }
        apply(machine.started())
        check("start")
        var unanswered = 0  // complete requests not answered yet (in order)
        var bodyOpen = false
        for step in 0..<Int.random(in: 1...40, using: &random) {
            let choice = Int.random(in: 0..<10, using: &random)
            if machine.lingering {
                #expect(machine.read(.body) == .drop)
                break
            }
            if bodyOpen {
                if choice < 4 {
                    if case .forward(let timer) = machine.read(.body) { apply(timer) }
                } else if choice < 8 {
                    if case .forward(let timer) = machine.read(.end) { apply(timer) }
                    bodyOpen = false
                    unanswered += 1
                } else if unanswered > 0 {
                    // The answer to an earlier, pipelined request: the connection goes on.
                    #expect(machine.write(.head) == .write(.keep), "seed \(seed)")
                    if case .write(let timer) = machine.write(.end) { apply(timer) }
                    unanswered -= 1
                } else {
                    // Answered before its body is read: it ends the connection.
                    #expect(machine.write(.head) == .writeClosing)
                    guard case .writeThenLinger(let linger) = machine.write(.end) else {
                        Issue.record("seed \(seed): an early answer did not linger")
                        return
                    }
                    armed = linger
                }
            } else if unanswered > 0 && choice < 6 {
                if case .write(let timer) = machine.write(.head) { apply(timer) }
                if case .write(let timer) = machine.write(.end) { apply(timer) }
                unanswered -= 1
            } else {
                if case .forward(let timer) = machine.read(.head) { apply(timer) }
                bodyOpen = true
            }
            check("step \(step)")
        }
    }

    // MARK: The cap

    enum TableStep {
        case open, setIdle(Int, Bool), close(Int), refusalEnded
    }

    /// Over generated arrivals, idleness changes and closes: never more open than the cap; a
    /// newcomer at the cap takes the place of the connection idle the longest, and is refused only
    /// when none is idle; refusals that answer stay within their own bound.
    @Test(arguments: 0..<300)
    func theCapHoldsAndGivesWayOnlyByTheLongestIdle(seed: UInt64) {
        var random = SplitMix(state: seed)
        let capacity = Int.random(in: 1...6, using: &random)
        let refusalCapacity = Int.random(in: 0...3, using: &random)
        var table = ConnectionTable<Int>(capacity: capacity, refusalCapacity: refusalCapacity)
        // The model: open keys with the order they became idle in (nil: busy).
        var model: [Int: Int?] = [:]
        var order = 0
        var refusing = 0
        var next = 0
        for _ in 0..<200 {
            let choice = Int.random(in: 0..<10, using: &random)
            let keys = model.keys.sorted()
            if choice < 4 || keys.isEmpty {
                let key = next
                next += 1
                let admission = table.admit(key)
                let idle = model.compactMap { entry in entry.value.map { (entry.key, $0) } }.min { $0.1 < $1.1 }
                if model.count < capacity {
                    #expect(admission == .admit, "seed \(seed)")
                } else if let (victim, _) = idle {
                    #expect(admission == .admitEvicting(victim), "seed \(seed): the longest idle gives way")
                    model[victim] = nil
                } else if refusing < refusalCapacity {
                    #expect(admission == .refuse(answer: true), "seed \(seed)")
                    refusing += 1
                } else {
                    #expect(admission == .refuse(answer: false), "seed \(seed)")
                }
                if case .admit = admission { order += 1; model[key] = .some(order) }
                if case .admitEvicting = admission { order += 1; model[key] = .some(order) }
            } else if choice < 8 {
                let key = keys.randomElement(using: &random)!
                let idle = Bool.random(using: &random)
                table.setIdle(key, idle)
                if idle, model[key]! == nil {
                    order += 1
                    model[key] = .some(order)
                } else if !idle {
                    model[key] = .some(nil)
                }
            } else if choice < 9 {
                let key = keys.randomElement(using: &random)!
                table.remove(key)
                model[key] = nil
            } else {
                table.refusalEnded()
                refusing = max(0, refusing - 1)
            }
            #expect(table.open.count == model.count && model.count <= capacity, "seed \(seed)")
            #expect(table.refusing == refusing && refusing <= refusalCapacity, "seed \(seed)")
        }
    }

    @Test func theCapKeepsDescriptorsForTheRestOfTheRuntime() {
        #expect(DescriptorBudget.connections(requested: 512, softLimit: 1024) == 512)
        // 2,000 connections under `ulimit -n 1024` cannot take the database's descriptors.
        #expect(DescriptorBudget.connections(requested: 5000, softLimit: 1024) == 1024 - 192)
        #expect(DescriptorBudget.connections(requested: 512, softLimit: 256) == 64)
        #expect(DescriptorBudget.connections(requested: 512, softLimit: 100) == 1)
        #expect(DescriptorBudget.raiseSoftLimit().map { $0 > 0 } == true)
    }

    // MARK: /metrics

    static func address(_ text: String) throws -> SocketAddress { try SocketAddress(ipAddress: text, port: 40000) }

    @Test(arguments: ["127.0.0.1", "127.8.9.10", "::1", "::ffff:127.0.0.1"])
    func loopbackPeersReadMetrics(peer: String) throws {
        #expect(MetricsAccess.loopback.refusal(remote: try Self.address(peer), headers: [:]) == nil)
    }

    @Test(arguments: ["192.0.2.2", "10.0.0.1", "128.0.0.1", "::ffff:10.0.0.1", "2001:db8::1", "::2", "::"])
    func otherPeersAreRefusedMetrics(peer: String) throws {
        #expect(MetricsAccess.loopback.refusal(remote: try Self.address(peer), headers: [:])?.status == .forbidden)
    }

    @Test(arguments: ["Forwarded", "X-Forwarded-For", "X-Real-IP"])
    func aRequestThroughAProxyIsNotLocal(header: String) throws {
        var headers = HTTPFields()
        headers[HTTPField.Name(header)!] = "203.0.113.9"
        #expect(
            MetricsAccess.loopback.refusal(remote: try Self.address("127.0.0.1"), headers: headers)?.status
                == .forbidden)
        #expect(MetricsAccess.loopback.refusal(remote: nil, headers: [:])?.status == .forbidden)
    }

    @Test func withATokenAnyPeerWithTheTokenReadsMetricsAndNoOneElse() throws {
        let access = MetricsAccess.token("m3trics")
        for peer in ["203.0.113.9", "127.0.0.1"] {
            let remote = try Self.address(peer)
            #expect(access.refusal(remote: remote, headers: [.authorization: "Bearer m3trics"]) == nil)
            for wrong in ["Bearer m3tric", "Bearer ", "m3trics", "Basic bTN0cmljcw==", "Bearer m3trics2", "bearer m3trics"] {
                #expect(access.refusal(remote: remote, headers: [.authorization: wrong])?.status == .unauthorized)
            }
            #expect(access.refusal(remote: remote, headers: [:])?.status == .unauthorized)
        }
    }

    // MARK: Content-Type

    @Test(arguments: [
        "application/json", "application/json; charset=utf-8", "Application/JSON", " application/json ;charset=UTF-8",
    ])
    func jsonIsJSON(type: String) { #expect(IntakeServer.isJSON(type)) }

    @Test(arguments: [
        nil, "", "text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "text/json",
        "application/jsonp", "application/json-seq", "application/ld+json", "json",
    ])
    func otherTypesAreNot(type: String?) { #expect(!IntakeServer.isJSON(type)) }
}
