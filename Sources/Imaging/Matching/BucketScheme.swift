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
    /// What is hashed.
    public let embedding: Embedding

    /// The vector a scheme hashes.
    public enum Embedding: Sendable, Hashable {
        /// Colour histogram, the rotation-free pattern spectrum and the outline's moment invariants,
        /// scaled to their weight in `Fingerprint.distance(to:)` (`Fingerprint.bucketEmbedding()`).
        case features
        /// The fingerprint's point in `LearnedMetric.standard`'s space, averaged over the axis flips
        /// (`LearnedMetric.flipAveragedProjection`): the space the matcher's distance is measured in.
        case learned
    }

    /// The first forest: 64 trees of up to 18 hashes of the features (`Embedding.features`) at width
    /// 1.6. An index keeps each tree's codes in order and looks a query's code up by prefix, as deep
    /// as it must to keep the candidates per tree few (an LSH forest): a small catalogue is searched
    /// at 11 symbols (the band length of the flat scheme 2 it replaced), a large one deeper, so the
    /// candidates per match stay bounded as the catalogue grows. `learnedForest` replaced it.
    public static let forest = BucketScheme(bands: 64, hashesPerBand: 18, width: 1.6, tag: 3)

    /// The same forest as `forest`, hashing the fingerprint's point in the learned metric's space
    /// (`Embedding.learned`) at width 9 (8 until tag 6): the index then finds what the matcher's
    /// distance calls near. Among 101,024 items of match-bench's seed 1, a simulated lookup (at
    /// width 8, tag 4) put the partner among the 30 most-found items for 248 of 300 queries
    /// (0.827), against 0.633 with `forest`. The codes follow `LearnedMetric.standard`: a metric
    /// learned again needs a new tag. Tag 4 until the seventeenth session; 5 since button sets are
    /// filed by diameter band (`ButtonSet.filing`), with the same codes, so that `queuectl reindex`
    /// files them in their bands and `--drop-old` deletes the trees of the spaces nothing files in
    /// any more; 6 since the fingerprint's layout 2 and the metric learned on it (nineteenth
    /// session), whose points lie farther apart: at width 8 the index lost twice as many partners
    /// among 5,789 items of seed 1 as at width 9 (58 and 30 of 1,500), so the width is 9 since.
    public static let learnedForest = BucketScheme(bands: 64, hashesPerBand: 18, width: 9, tag: 6, embedding: .learned)

    /// The scheme items are filed under (`Fingerprint.bucketCodes()`). After it changes,
    /// `queuectl reindex` files the waiting items again under it.
    public static let current = learnedForest

    /// Creates a scheme; schemes with different parameters must carry different tags.
    public init(bands: Int, hashesPerBand: Int, width: Float, tag: Int, embedding: Embedding = .features) {
        self.bands = bands
        self.hashesPerBand = hashesPerBand
        self.width = width
        self.tag = tag
        self.embedding = embedding
    }
}
