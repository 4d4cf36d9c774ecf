import BatonTestSupport
import Foundation
import Testing

/// `baton run --case-lease` and `--outbox-lease`: a value out of range, not a number or without
/// `--store` is refused before anything starts, with the option named and a non-zero exit; an
/// outbox lease a slow SMTP exchange could outlast is refused once the connector is read.
@Suite("Lease options of baton run", .serialized)
struct LeaseOptionTests {
    /// Values no lease takes: out of range, not whole seconds, not numbers, hostile text.
    static let bad =
        ["0", "-1", "86401", "99999999999999999999", "1.5", "1e3", "", " 5", "abc", "5s"]
        + HostileText.hostile.prefix(4)

    @Test("bad lease values are refused, naming the option", arguments: ["--case-lease", "--outbox-lease"])
    func badValues(option: String) async throws {
        let url = try await TestServer.address()
        for value in Self.bad {
            let result = try await StoreCommandTests.baton(
                [
                    "run", TenantIsolationRunTests.golden, "--once", option, value, "--store", url, "--tenant",
                    "unused",
                    "--data-dir", BatonBinary.temporaryFolder(),
                ])
            #expect(result.status != 0, "\(option) '\(value)' was taken")
            #expect(result.stderr.contains(option), "\(option) '\(value)': \(result.stderr)")
            #expect(!result.stderr.contains("Fatal error"), "\(result.stderr)")
        }
    }

    @Test("leases without --store are refused")
    func leasesNeedAStore() async throws {
        let result = try await StoreCommandTests.baton(
            [
                "run", TenantIsolationRunTests.golden, "--once", "--case-lease", "5", "--data-dir",
                BatonBinary.temporaryFolder(),
            ])
        #expect(result.status != 0)
        #expect(result.stderr.contains("give --store too"), "\(result.stderr)")
    }

    @Test("an outbox lease no longer than the SMTP timeout is refused; a longer one runs")
    func outboxLeaseOutlastsTheEmailTimeout() async throws {
        let url = try await TestServer.address()
        let tenant = StoreCommandTests.freshTenant()
        let data = BatonBinary.temporaryFolder()
        // Nothing is sent (--once with no events): the port need not answer.
        let blueprint = try WorkerCrashRunTests.blueprint(smtpPort: LoopbackPort.free(), in: data)
        let on = ["--store", url, "--tenant", tenant, "--data-dir", data]
        #expect(try await StoreCommandTests.baton(["store", "migrate"] + on).status == 0)
        let timeout = WorkerCrashRunTests.smtpTimeout
        let short = try await StoreCommandTests.baton(
            ["run", blueprint, "--once", "--outbox-lease", "\(timeout)"] + on)
        #expect(short.status == 1)
        #expect(
            short.stderr.contains(
                "--outbox-lease \(timeout) is not longer than the email connector's timeout_seconds (\(timeout))"),
            "\(short.stderr)")
        let long = try await StoreCommandTests.baton(
            ["run", blueprint, "--once", "--outbox-lease", "\(timeout + 1)", "--case-lease", "1"] + on)
        #expect(long.status == 0, "\(long.stderr)")
    }
}
