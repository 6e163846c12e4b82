/// A short locality-sensitive key: two fingerprints of the same design share at least one key with
/// high probability, unrelated ones rarely do, so an index can look up candidates instead of scanning.
///
/// The text is stable across runs and machines (it depends only on `Fingerprint.currentVersion` and
/// fixed constants in `Fingerprint.Bucketing`), so keys may be stored, e.g. as Redis set names, with a prefix of the caller's choice.
public struct BucketKey: Hashable, Sendable, Codable, CustomStringConvertible {
    /// Key text such as `v1s2b3:4.-2.7.…`: layout version, bucketing scheme, band, then one integer per hash.
    public let rawValue: String

    /// Wraps key text.
    public init(rawValue: String) { self.rawValue = rawValue }

    public var description: String { rawValue }
}

/// One tree's locality-sensitive code of a fingerprint: one symbol per hash, so that two fingerprints
/// agreeing on the first `n` hashes share the first `n` symbols, and codes sort so that a prefix is a
/// contiguous range. Symbols are `0`...`o` (ASCII 48-111): below `|` and `~`, which an index may use
/// as separator and range end.
public struct BucketCode: Hashable, Sendable, Codable {
    /// The tree's name, such as `v1s3t7` (layout version, scheme, tree).
    public let tree: String
    /// The symbols, `hashesPerBand` of them.
    public let symbols: String

    public init(tree: String, symbols: String) {
        self.tree = tree
        self.symbols = symbols
    }
}
