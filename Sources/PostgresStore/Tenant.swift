/// One business's place in a shared PostgreSQL database: a schema of its own, which every
/// connection of its store puts first (and alone) on its `search_path`, so no query of one business
/// can name another's tables.
package struct Tenant: Sendable, Equatable, CustomStringConvertible {
    /// The schema's name: `[a-z_][a-z0-9_]*`, at most 63 bytes, never `pg_…` or `public`.
    package let schema: String

    /// The tenant named explicitly (`--tenant NAME`).
    ///
    /// - Throws: ``NotPlain`` when `name` is not a plain lower-case identifier.
    package init(explicit name: String) throws {
        guard Self.isPlain(name) else { throw NotPlain() }
        schema = name
    }

    /// The tenant of a blueprint, from its business name: `baton_` and the name in lower case with
    /// every other character as `_`; when that changed the name, a hash of the name follows, so
    /// `Acme!` and `Acme?` never share a schema.
    package init(blueprintName name: String) {
        var plain = ""
        for scalar in name.lowercased().unicodeScalars {
            let keep = ("a"..."z").contains(scalar) || ("0"..."9").contains(scalar) || scalar == "_"
            let character: Character = keep ? Character(scalar) : "_"
            if character == "_" && plain.hasSuffix("_") { continue }
            plain.append(character)
        }
        let exact = plain == name && !plain.isEmpty && plain.utf8.count <= 40
        let stem = "baton_" + String(plain.prefix(40))
        schema = exact ? stem : stem + "_" + Self.fnv1a(name)
    }

    package var description: String { schema }

    /// A tenant name that is not a plain lower-case identifier (it is not repeated: it may hold
    /// anything a terminal would obey).
    package struct NotPlain: Error, CustomStringConvertible {
        package var description: String {
            "a tenant is 1 to 63 of a-z, 0-9 and _, not starting with a digit, pg_ or naming public"
        }
    }

    /// The schema as an SQL identifier (quoted; it holds no quote).
    var quoted: String { "\"\(schema)\"" }

    private static func isPlain(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, name.utf8.count <= 63 else { return false }
        guard ("a"..."z").contains(first) || first == "_" else { return false }
        guard !name.hasPrefix("pg_"), name != "public" else { return false }
        return name.unicodeScalars.allSatisfy { ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "_" }
    }

    /// FNV-1a of the name's bytes, as 8 hex digits: stable across processes and machines.
    private static func fnv1a(_ text: String) -> String {
        var hash: UInt32 = 2_166_136_261
        for byte in text.utf8 {
            hash ^= UInt32(byte)
            hash = hash &* 16_777_619
        }
        let hex = String(hash, radix: 16)
        return String(repeating: "0", count: 8 - hex.count) + hex
    }
}
