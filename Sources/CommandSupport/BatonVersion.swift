/// Baton's version, which `baton --version` and `baton-runtime --version` print.
package enum BatonVersion {
    /// The release, as `scripts/package` names the archive.
    package static let number = "0.1.0"
}
