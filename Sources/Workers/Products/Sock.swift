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

    public func price(of item: Item, matchedWith partner: Item) -> PriceSuggestion {
        // Pricing keeps one fixed measure, whichever algorithm made the match.
        let similarity = PhotoComparison(.tuned).similarity(of: item, to: partner)
        var factors: [PriceSuggestion.Factor] = []
        if similarity >= 0.5 { factors.append(.init("near-identical photos", 1.10)) }
        return PriceSuggestion(baseCents: 400, factors: factors)
    }
}
