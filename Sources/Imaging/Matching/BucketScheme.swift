/// The parameters of one family of bucket keys (p-stable LSH): how many keys, how narrow each is, and the
/// tag that keeps its key text apart from other schemes' keys. Its one responsibility is naming a scheme,
/// so that an index can be migrated from one scheme to the next by computing both.
public struct BucketScheme: Sendable, Hashable {
    /// Keys per fingerprint (LSH bands); a pair shares a key when it agrees on every hash of that band.
    public let bands: Int
    /// Hashes per band; more means fewer, more similar candidates.
    public let hashesPerBand: Int
    /// Quantisation width of each projection, in embedding units; wider means more candidates.
    public let width: Float
    /// Scheme number written into the key text (scheme 1 wrote none).
    public let tag: Int

    /// The scheme `bucketKeys()` uses: 64 bands of 11 hashes at width 1.6. On PhotoLab catalogues of 600 to
    /// 3,000 items (two photo seeds) it keeps the true partner among the top-200 candidates at least as
    /// often as scheme 1 (0.94-0.96 against 0.92-0.95) while matching about half as many items (6-7 % of
    /// the catalogue instead of 12-13 %), and its finer shared-key counts rank the partner higher; see
    /// `imaging-bench --pipeline`. Narrower schemes (64 × 12) halve the candidates again but lose the partner
    /// more often in small catalogues.
    /// The matching index now files `bucketCodes()` (scheme `forest`, whose 11-symbol prefixes play the part
    /// of these bands); these keys remain for experiments and comparisons.
    public static let current = BucketScheme(bands: 64, hashesPerBand: 11, width: 1.6, tag: 2)

    /// The first scheme (20 bands of 6 hashes, width 1.3, keys such as `v1b3:4.-2.7.0.1.-3`), for indexes
    /// built before scheme 2 and for comparisons. Its projections are the first ones of the same seeded
    /// stream, so it reproduces those keys exactly.
    public static let legacy = BucketScheme(bands: 20, hashesPerBand: 6, width: 1.3, tag: 1)

    /// The scheme of `bucketCodes()`: 64 trees of up to 18 hashes at width 1.6. An index keeps each tree's
    /// codes in order and looks a query's code up by prefix, as deep as it must to keep the candidates
    /// per tree few (an LSH forest): a small catalogue is searched at the depth of scheme 2, a large one
    /// deeper, so the candidates per match stay bounded as the catalogue grows.
    public static let forest = BucketScheme(bands: 64, hashesPerBand: 18, width: 1.6, tag: 3)

    /// Creates a scheme; keys of schemes with different parameters must carry different tags.
    public init(bands: Int, hashesPerBand: Int, width: Float, tag: Int) {
        self.bands = bands
        self.hashesPerBand = hashesPerBand
        self.width = width
        self.tag = tag
    }
}
