/// The deadlines of one HTTP/1 connection, as a pure state machine: it is told what was read and
/// written and answers which timer to arm and what to do with the part; ``ConnectionGuardHandler``
/// performs the answer on the channel. Three bounds:
///
/// - **headers**: from the connection's start (or the end of the previous answer) to a complete
///   request head. A client that sends half its headers, or nothing, is cut off.
/// - **body**: from the head to the end of the body, however the bytes trickle in.
/// - **linger**: an answer written before its request's body was read (401, 413, 415 …) ends the
///   connection: `Connection: close` on the answer, the output shut after it, whatever the client
///   still sends is dropped unread, and the socket is closed when the client closes its side or
///   this bound passes. Closing at once would reset the connection and could destroy the answer.
///
/// While a complete request is being answered there is no deadline here: the intake's commit
/// timeout bounds that.
struct ConnectionStateMachine: Sendable {
    /// The three bounds.
    struct Timeouts: Sendable, Equatable {
        var header: Duration
        var body: Duration
        var linger: Duration
    }

    /// What to do with the connection's one timer.
    enum Timer: Equatable {
        case keep
        case arm(Duration)
        case cancel
    }

    enum ReadAction: Equatable {
        /// Pass the part on to the application, and change the timer.
        case forward(Timer)
        /// The connection is ending: the part is dropped unread.
        case drop
    }

    enum WriteAction: Equatable {
        /// Write the part, and change the timer.
        case write(Timer)
        /// Write this answer's head with `Connection: close`: its request's body is not read.
        case writeClosing
        /// Write the answer's end, flush, shut the output, and close when the timer fires.
        case writeThenLinger(Duration)
    }

    enum EventAction: Equatable {
        case close
        case nothing
    }

    let timeouts: Timeouts
    /// Requests whose head was read and whose answer has not ended.
    private(set) var inFlight = 0
    /// A head was read and its body's end not yet.
    private(set) var readingBody = false
    /// The answer being written was started before its request's body was read.
    private(set) var closeAfterAnswer = false
    /// The answer is out; waiting for the client to close, dropping what it sends.
    private(set) var lingering = false

    init(timeouts: Timeouts) {
        self.timeouts = timeouts
    }

    /// Waiting for a request (or lingering): a connection at the cap may close it for a newcomer.
    var isIdle: Bool { lingering || (inFlight == 0 && !readingBody) }

    /// The connection is up: wait for the first head.
    func started() -> Timer { .arm(timeouts.header) }

    mutating func read(_ part: Part) -> ReadAction {
        guard !lingering else { return .drop }
        switch part {
        case .head:
            inFlight += 1
            readingBody = true
            return .forward(.arm(timeouts.body))
        case .body:
            return .forward(.keep)
        case .end:
            readingBody = false
            // Complete: the application answers it (its own timeouts bound that).
            return .forward(inFlight > 0 ? .cancel : .arm(timeouts.header))
        }
    }

    mutating func write(_ part: Part) -> WriteAction {
        switch part {
        case .head:
            // The answer to the request being read (not to an earlier, pipelined one).
            if readingBody && inFlight == 1 && !closeAfterAnswer {
                closeAfterAnswer = true
                return .writeClosing
            }
            return .write(.keep)
        case .body:
            return .write(.keep)
        case .end:
            inFlight = max(0, inFlight - 1)
            if closeAfterAnswer {
                lingering = true
                return .writeThenLinger(timeouts.linger)
            }
            if readingBody { return .write(.keep) }  // a pipelined request's body: its bound runs
            return .write(inFlight == 0 ? .arm(timeouts.header) : .keep)
        }
    }

    /// The armed timer fired: its bound passed.
    func timerFired() -> EventAction { .close }

    /// The client shut its side of the connection.
    func inputClosed() -> EventAction { lingering ? .close : .nothing }

    /// The kinds of HTTP part, read or written.
    enum Part: Equatable {
        case head, body, end
    }
}
