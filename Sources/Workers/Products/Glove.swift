import Imaging

/// A glove matches its mirror image: a left glove a right glove of the same design, never two of
/// the same hand. The upload states the hand; the photos are compared with the fingerprint's
/// mirror-tolerant distance, so a left glove's photo is close to its right partner's.
public struct Glove: Product {
    public init() {}
    public var name: String { "glove" }

    public func validate(_ attributes: ItemAttributes) throws(ProductInputError) {
        _ = try attributes.choice("hand", of: ["left", "right"], product: name)
    }

    public func filing(of item: Item) -> IndexFiling {
        guard let fingerprint = item.fingerprint else { return IndexFiling(fileUnder: [], lookIn: []) }
        // Each hand looks among the other hand's gloves.
        let hand = item.attributes["hand"] ?? "left"
        return .buckets(of: fingerprint, in: "glove:\(hand)", partnersIn: ["glove:\(hand == "left" ? "right" : "left")"])
    }

    public func compatibility(of item: Item, with candidate: Item, photos: PhotoComparison) -> Double? {
        guard candidate.product == name else { return nil }
        guard let mine = item.attributes["hand"], let theirs = candidate.attributes["hand"], mine != theirs else { return nil }
        return photos.similarityAboveFloor(of: item, to: candidate)
    }

    /// v21's, chosen on v20's dumps of the independent photo sets (seeds 21, 31, 41 and 51) by the
    /// first cut of `ops/choose-rule --weigh-parts`, which also counted a best candidate vetoed by
    /// its runner-up as decided by its score (README, "v21"). The outline counts for nothing
    /// (gloves' outlines are much alike: a stranger's overlaps as well as the partner's), the
    /// pattern a little less, and a constant makes up for it.
    public var photoWeighing: PhotoAlignment.Weighing? {
        PhotoAlignment.Weighing(constant: 0.99, correlation: 0.78, overlap: 0, chroma: 0.49, light: 0.22)
    }

    public func price(of item: Item, matchedWith partner: Item) -> PriceSuggestion {
        PriceSuggestion(baseCents: 900)
    }
}
