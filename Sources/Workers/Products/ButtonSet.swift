import Foundation
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

    /// Sets are filed by holes and a band of stated diameters, each band 6 % wide (the sizes one
    /// diameter's tolerance spans), so that a lookup searches only sets that could fit: its own band
    /// and those its diameter's tolerance reaches into. Among many sets, the sets of other sizes no
    /// longer crowd the partner out of the index's few candidates per tree.
    static let bandRatio = 1.06

    static func band(_ diameter: Double) -> Int { Int((log(diameter) / log(bandRatio)).rounded(.down)) }

    /// Diameters within tolerance of `d`: `d2` fits when |d - d2| ≤ max(0.5 mm, 3 % of the larger).
    static func fitting(_ d: Double) -> ClosedRange<Double> {
        (d - max(0.5, 0.03 * d))...max(d + 0.5, d / 0.97)
    }

    static func fits(_ d1: Double, _ d2: Double) -> Bool { abs(d1 - d2) <= max(0.5, 0.03 * max(d1, d2)) }

    public func filing(of item: Item) -> IndexFiling {
        guard let fingerprint = item.fingerprint else { return IndexFiling(fileUnder: [], lookIn: []) }
        let holes = Int(item.attributes.checkedNumber("holes")), diameter = item.attributes.checkedNumber("diameter_mm")
        let space = { (band: Int) in "button:h\(holes):d\(band)" }
        let range = Self.fitting(diameter)
        return .buckets(of: fingerprint, in: space(Self.band(diameter)), partnersIn: (Self.band(range.lowerBound)...Self.band(range.upperBound)).map(space))
    }

    public func compatibility(of item: Item, with candidate: Item, photos: PhotoComparison) -> Double? {
        guard candidate.product == name else { return nil }
        let a = item.attributes, b = candidate.attributes
        guard a.checkedNumber("holes") == b.checkedNumber("holes") else { return nil }
        guard Self.fits(a.checkedNumber("diameter_mm"), b.checkedNumber("diameter_mm")) else { return nil }
        let similarity = photos.similarity(of: item, to: candidate)
        return similarity >= Item.photoFloor ? similarity : nil
    }

    public func price(of item: Item, matchedWith partner: Item) -> PriceSuggestion {
        let buttons = Int(item.attributes.checkedNumber("count") + partner.attributes.checkedNumber("count"))
        return PriceSuggestion(baseCents: 35, factors: [.init("\(buttons) buttons in the two sets", Double(buttons))])
    }
}
