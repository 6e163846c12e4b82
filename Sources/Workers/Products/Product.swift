import Imaging

/// One kind of thing SockMatcher matches. A new product is one type conforming to this protocol,
/// in its own file, plus one line in `ProductCatalog.standard`; no other code names products.
public protocol Product: Sendable {
    /// The name uploads use, such as `sock`.
    var name: String { get }
    /// Whether an upload needs a photo (its fingerprint is then on the item).
    var needsPhoto: Bool { get }
    /// Checks an upload's attributes, throwing `ProductInputError` with a readable reason.
    func validate(_ attributes: ItemAttributes) throws(ProductInputError)
    /// Where the matching index files this item, and where it looks for partners.
    func filing(of item: Item) -> IndexFiling
    /// How well `candidate` completes `item`, from 0 to 1, or nil when it cannot; `photos` compares
    /// the two items' photos by the metric of the matching algorithm in use; a product that goes
    /// by the photos answers with `photos.similarityAboveFloor(of:to:)`, refusing a candidate
    /// below the algorithm's photo floor.
    func compatibility(of item: Item, with candidate: Item, photos: PhotoComparison) -> Double?
    /// A score at or above which a candidate is a match even with no runner-up to compare it with.
    /// Below it, the best candidate must clearly beat the runner-up (see `MatchingRole`).
    var confidentScore: Double { get }
    /// The suggested price of a matched pair, with the factors that made it.
    func price(of item: Item, matchedWith partner: Item) -> PriceSuggestion
    /// What to offer when no user's item matches (a partner vendor's replacement), if anything.
    func fallbackOffer(for item: Item, from catalog: VendorCatalog) -> VendorOffer?
    /// Whether an item is loose pieces that lie anywhere in its photo (a button set: each owner's
    /// set lies in its own arrangement), so that its photo is compared with another piece by piece
    /// by the versions that do (`MatchingRole.Confirmation.loosePieces`), and judged by their own
    /// weighing of the distances where a version has one (`MatchingRole.Confirmation.looseWeighing`).
    var piecesLieLoose: Bool { get }
    /// How the look of two of its photos laid over each other adds up to one agreement, under the
    /// versions that weigh it by product (`MatchingRole.Confirmation.weighsParts`, v21 on); nil: the
    /// plain agreement (`PhotoAlignment.Weighing.plain`). `ops/choose-rule --weigh-parts` chooses
    /// such weights from match-bench's dumps.
    var photoWeighing: PhotoAlignment.Weighing? { get }
}

extension Product {
    public var needsPhoto: Bool { true }
    /// Photo similarity alone is never confident: near misses (same colours, another pattern) can
    /// score high, so photo products rely on the runner-up test.
    public var confidentScore: Double { .infinity }
    public func fallbackOffer(for item: Item, from catalog: VendorCatalog) -> VendorOffer? { nil }
    public var piecesLieLoose: Bool { false }
    public var photoWeighing: PhotoAlignment.Weighing? { nil }

    /// `compatibility(of:with:photos:)` as the default matching algorithm compares (its photo metric
    /// and floor, and whether it counts loose pieces).
    public func compatibility(of item: Item, with candidate: Item) -> Double? {
        compatibility(of: item, with: candidate, photos: MatchingRole.photoComparison(for: MatchingRole.defaultAlgorithm))
    }
}

/// Where the matching index files an item and where it looks for partners: exact keys (an item
/// is a candidate when it is filed under one the searcher looks in) and, for photo products,
/// locality-sensitive codes (an item is a candidate when its code shares a long enough prefix).
public struct IndexFiling: Sendable, Equatable {
    public var fileUnder: [String]
    public var lookIn: [String]
    public var similarity: SimilarityFiling?

    public init(fileUnder: [String], lookIn: [String], similarity: SimilarityFiling? = nil) {
        self.fileUnder = fileUnder
        self.lookIn = lookIn
        self.similarity = similarity
    }

    /// Filing by a fingerprint's locality-sensitive codes (`Fingerprint.bucketCodes()`), within `space`;
    /// partners are looked for in `partnerSpaces` (the same space unless given).
    public static func buckets(of fingerprint: Fingerprint, in space: String, partnersIn partnerSpaces: [String]? = nil) -> IndexFiling {
        IndexFiling(fileUnder: [], lookIn: [],
                    similarity: SimilarityFiling(space: space, partnerSpaces: partnerSpaces ?? [space], codes: fingerprint.bucketCodes()))
    }
}

/// An item's locality-sensitive codes, one per tree of the index, the space (such as `sock` or
/// `glove:left`) it is filed in, and the spaces it searches (one, or a few neighbouring ones, such as
/// the diameter bands a button set's partner may lie in).
public struct SimilarityFiling: Sendable, Equatable {
    public var space: String
    public var partnerSpaces: [String]
    public var codes: [BucketCode]

    public init(space: String, partnerSpaces: [String], codes: [BucketCode]) {
        self.space = space
        self.partnerSpaces = partnerSpaces
        self.codes = codes
    }
}

/// A suggested price: a base and the factors applied to it, so that it can be explained.
public struct PriceSuggestion: Sendable, Codable, Equatable {
    public struct Factor: Sendable, Codable, Equatable {
        public var reason: String
        public var multiplier: Double
        public init(_ reason: String, _ multiplier: Double) {
            self.reason = reason
            self.multiplier = multiplier
        }
    }

    public var currency: String
    public var baseCents: Int
    public var factors: [Factor]

    public init(currency: String = "EUR", baseCents: Int, factors: [Factor] = []) {
        self.currency = currency
        self.baseCents = baseCents
        self.factors = factors
    }

    public var totalCents: Int {
        Int((Double(baseCents) * factors.reduce(1.0) { $0 * $1.multiplier }).rounded())
    }

    /// `4.00 EUR = base 4.00 × 1.10 (near-identical photos)`.
    public var explanation: String {
        func money(_ cents: Int) -> String { String(format: "%d.%02d", cents / 100, cents % 100) }
        let applied = factors.map { String(format: " × %.2f (%@)", $0.multiplier, $0.reason) }.joined()
        return "\(money(totalCents)) \(currency) = base \(money(baseCents))\(applied)"
    }
}

/// An upload whose attributes do not fit its product.
public struct ProductInputError: Error, Sendable, CustomStringConvertible {
    public let product: String
    public let reason: String
    public init(product: String, reason: String) {
        self.product = product
        self.reason = reason
    }
    public var description: String { "\(product) upload refused: \(reason)" }
}
