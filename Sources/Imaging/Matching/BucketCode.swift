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
