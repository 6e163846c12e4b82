/// The parameters of one family of locality-sensitive codes (p-stable LSH): how many trees, how many
/// hashes each, how narrow each hash is, and the tag that keeps its codes apart from other schemes'.
/// Its one responsibility is naming a scheme, so that an index can be migrated from one scheme to the
/// next (`queuectl reindex`).
public struct BucketScheme: Sendable, Hashable {
    /// Codes per fingerprint (LSH trees).
    public let bands: Int
    /// Hashes (symbols) per code; agreeing on more of them means more alike.
    public let hashesPerBand: Int
    /// Quantisation width of each projection, in embedding units; wider means more collisions.
    public let width: Float
    /// Scheme number written into the tree names (schemes 1 and 2 were flat keys, no longer used).
    public let tag: Int

    /// The scheme of `bucketCodes()`: 64 trees of up to 18 hashes at width 1.6. An index keeps each tree's
    /// codes in order and looks a query's code up by prefix, as deep as it must to keep the candidates
    /// per tree few (an LSH forest): a small catalogue is searched at 11 symbols (the band length of the
    /// flat scheme 2 it replaced), a large one deeper, so the candidates per match stay bounded as the
    /// catalogue grows.
    public static let forest = BucketScheme(bands: 64, hashesPerBand: 18, width: 1.6, tag: 3)

    /// Creates a scheme; schemes with different parameters must carry different tags.
    public init(bands: Int, hashesPerBand: Int, width: Float, tag: Int) {
        self.bands = bands
        self.hashesPerBand = hashesPerBand
        self.width = width
        self.tag = tag
    }
}
