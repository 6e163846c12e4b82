import Imaging

/// A glove matches its mirror image: a left glove a right glove of the same design, never two of
/// the same hand. The photo is compared against the candidate's mirrored photo.
public struct Glove: Product {
    public init() {}
    public var name: String { "glove" }

    public func validate(_ attributes: ItemAttributes) throws(ProductInputError) {
        if attributes["hand"] != nil { _ = try attributes.choice("hand", of: ["left", "right"], product: name) }
    }

    public func filing(of item: Item) -> IndexFiling {
        guard let fingerprint = item.fingerprint else { return IndexFiling(fileUnder: [], lookIn: []) }
        // Partners are filed under their own photo, which looks like this one mirrored.
        return .buckets(of: fingerprint, in: "glove", partnerFingerprint: fingerprint.mirrored())
    }

    public func compatibility(of item: Item, with candidate: Item) -> Double? {
        guard candidate.product == name else { return nil }
        if let mine = item.attributes["hand"], let theirs = candidate.attributes["hand"], mine == theirs { return nil }
        let mirrored = item.photoSimilarity(to: candidate, mirrored: true)
        let same = item.photoSimilarity(to: candidate)
        // A mirror image, not a copy: two gloves of the same hand look alike unmirrored.
        guard mirrored >= Double(Fingerprint.matchThreshold), mirrored > same else { return nil }
        return mirrored
    }

    public func price(of item: Item, matchedWith partner: Item) -> PriceSuggestion {
        var factors: [PriceSuggestion.Factor] = []
        if item.attributes["hand"] != nil && partner.attributes["hand"] != nil {
            factors.append(.init("both hands stated by their owners", 1.05))
        }
        return PriceSuggestion(baseCents: 900, factors: factors)
    }
}
