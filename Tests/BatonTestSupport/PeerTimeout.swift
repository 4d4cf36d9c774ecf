import Foundation

/// How long a test lets a real peer on loopback (Dovecot, aiosmtpd, Radicale) take to answer one
/// read or write, where the test is about what the peer says and not about a timeout. The full
/// suite runs hundreds of tests and a dozen servers on two cores; there Dovecot once took more
/// than 10 s to answer `AUTHENTICATE PLAIN`. Tests of the timeout itself set their own, short one.
public enum PeerTimeout {
    public static let seconds: TimeInterval = 120
}
