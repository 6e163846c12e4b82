import Imaging

/// A set of buttons: the upload states how many, the holes per button and the diameter. A match
/// needs the same holes, a diameter within tolerance and a similar look; the price scales with
/// the number of buttons.
public struct ButtonSet: Product {
    public init() {}
    public var name: String { "button-set" }

    public func validate(_ attributes: ItemAttributes) throws(ProductInputError) {
        _ = try attributes.number("count", in: 1...500, product: name)
        _ = try attributes.number("holes", in: 0...8, product: name)
        _ = try attributes.number("diameter_mm", in: 5...80, product: name)
    }

    public func filing(of item: Item) -> IndexFiling {
        guard let fingerprint = item.fingerprint else { return IndexFiling(fileUnder: [], lookIn: []) }
        return .buckets(of: fingerprint, in: "button:h\(Int(item.attributes.checkedNumber("holes")))")
    }

    public func compatibility(of item: Item, with candidate: Item, photos: PhotoComparison) -> Double? {
        guard candidate.product == name else { return nil }
        let a = item.attributes, b = candidate.attributes
        guard a.checkedNumber("holes") == b.checkedNumber("holes") else { return nil }
        let d1 = a.checkedNumber("diameter_mm"), d2 = b.checkedNumber("diameter_mm")
        guard abs(d1 - d2) <= max(0.5, 0.03 * max(d1, d2)) else { return nil }
        let similarity = photos.similarity(of: item, to: candidate)
        return similarity >= Item.photoFloor ? similarity : nil
    }

    public func price(of item: Item, matchedWith partner: Item) -> PriceSuggestion {
        let buttons = Int(item.attributes.checkedNumber("count") + partner.attributes.checkedNumber("count"))
        return PriceSuggestion(baseCents: 35, factors: [.init("\(buttons) buttons in the two sets", Double(buttons))])
    }
}
