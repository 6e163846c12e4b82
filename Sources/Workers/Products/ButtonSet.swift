import Foundation
import Imaging

/// A set of buttons: the upload states how many, the holes per button and the diameter. A match
/// needs the same holes, a diameter within tolerance and a similar look, which from v19 on includes
/// the same number of buttons (`PhotoComparison.countsStatedPieces`); the price scales with the
/// number of buttons.
public struct ButtonSet: Product {
    public init() {}
    public var name: String { "button-set" }
    /// Each owner's buttons lie as they fell: the photos are compared button by button.
    public var piecesLieLoose: Bool { true }

    public func validate(_ attributes: ItemAttributes) throws(ProductInputError) {
        _ = try attributes.number("count", in: 1...500, product: name)
        _ = try attributes.number("holes", in: 0...8, product: name)
        _ = try attributes.number("diameter_mm", in: 5...80, product: name)
    }

    /// Sets are filed by holes and a band of stated diameters, each band 6 % wide, so that a lookup
    /// searches only sets that could fit: the bands its diameter's tolerance reaches (0.97 d to
    /// d / 0.97, a little more than one band: two bands, and up to five below 16.7 mm, where the
    /// 0.5 mm floor is wider than 3 %). Among many sets, the sets of other sizes no longer crowd the
    /// partner out of the index's few candidates per tree. Changing the bands needs a new index tag
    /// (`BucketScheme`): a match takes items out of their current filing's trees only.
    static let bandRatio = 1.06

    /// The diameters uploads may state (`validate`); filing clamps to them, so that an item stored
    /// unchecked cannot take the logarithm of nothing.
    static let diameters = 5.0...80.0

    static func band(_ diameter: Double) -> Int {
        let d = diameter.isFinite ? min(max(diameter, diameters.lowerBound), diameters.upperBound) : diameters.lowerBound
        return Int((log(d) / log(bandRatio)).rounded(.down))
    }

    /// The diameters that fit `d`: within 0.5 mm or 3 % of the larger of the two.
    static func fitting(_ d: Double) -> ClosedRange<Double> {
        (d - max(0.5, 0.03 * d))...max(d + 0.5, d / 0.97)
    }

    static func fits(_ d1: Double, _ d2: Double) -> Bool { fitting(max(d1, d2)).contains(min(d1, d2)) }

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
        guard !photos.countsStatedPieces || a.checkedNumber("count") == b.checkedNumber("count") else { return nil }
        return photos.similarityAboveFloor(of: item, to: candidate)
    }

    public func price(of item: Item, matchedWith partner: Item) -> PriceSuggestion {
        let buttons = Int(item.attributes.checkedNumber("count") + partner.attributes.checkedNumber("count"))
        return PriceSuggestion(baseCents: 35, factors: [.init("\(buttons) buttons in the two sets", Double(buttons))])
    }
}
