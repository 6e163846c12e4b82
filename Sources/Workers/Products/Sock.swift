import Imaging

/// A sock matches an identical sock lost by another user.
public struct Sock: Product {
    public init() {}
    public var name: String { "sock" }

    public func validate(_ attributes: ItemAttributes) throws(ProductInputError) {}

    public func filing(of item: Item) -> IndexFiling {
        guard let fingerprint = item.fingerprint else { return IndexFiling(fileUnder: [], lookIn: []) }
        return .buckets(of: fingerprint, in: "sock")
    }

    public func compatibility(of item: Item, with candidate: Item, photos: PhotoComparison) -> Double? {
        guard candidate.product == name else { return nil }
        return photos.similarityAboveFloor(of: item, to: candidate)
    }

    /// v21's, chosen on v20's dumps of the independent photo sets (seeds 21, 31, 41 and 51) by the
    /// first cut of `ops/choose-rule --weigh-parts`, which also counted a best candidate vetoed by
    /// its runner-up as decided by its score (README, "v21"). The pattern counts more, the
    /// differences in colour and light much less.
    public var photoWeighing: PhotoAlignment.Weighing? {
        PhotoAlignment.Weighing(constant: -0.01, correlation: 1.14, overlap: 0.79, chroma: 0.34, light: 0.03)
    }

    public func price(of item: Item, matchedWith partner: Item) -> PriceSuggestion {
        // Pricing keeps one fixed measure, whichever algorithm made the match.
        let similarity = PhotoComparison(.tuned).similarity(of: item, to: partner)
        var factors: [PriceSuggestion.Factor] = []
        if similarity >= 0.5 { factors.append(.init("near-identical photos", 1.10)) }
        return PriceSuggestion(baseCents: 400, factors: factors)
    }
}
