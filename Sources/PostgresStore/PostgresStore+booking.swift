import Orchestrator

/// The booking links' key (``BookingStorage``): the install's case-link key, read from
/// `runtime_meta` (``PostgresStore/caseLinkKey()`` in PostgresStore+reads.swift), so a tenant's
/// booking tokens open nothing in another tenant.
extension PostgresStore: BookingStorage {}
