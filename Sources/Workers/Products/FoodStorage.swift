/// The rim of a food-storage container or the size of a lid: shape and dimensions in millimetres,
/// shared by `FoodContainer` and `ContainerLid` (complementary products).
struct Rim: Equatable {
    var shape: String
    /// Shorter and longer side (both the diameter for a round rim).
    var width: Double, length: Double

    static let shapes = ["round", "square", "rectangular"]
    /// How far a lid may differ from the rim and still fit.
    static let toleranceMM = 2.0

    static func validate(_ attributes: ItemAttributes, product: String) throws(ProductInputError) {
        let shape = try attributes.choice("shape", of: shapes, product: product)
        switch shape {
        case "round": _ = try attributes.number("diameter_mm", in: 20...600, product: product)
        case "square": _ = try attributes.number("width_mm", in: 20...600, product: product)
        default:
            _ = try attributes.number("width_mm", in: 20...600, product: product)
            _ = try attributes.number("length_mm", in: 20...600, product: product)
        }
    }

    init(_ attributes: ItemAttributes) {
        shape = attributes["shape"] ?? "round"
        let a: Double, b: Double
        switch shape {
        case "round": a = attributes.checkedNumber("diameter_mm"); b = a
        case "square": a = attributes.checkedNumber("width_mm"); b = a
        default: a = attributes.checkedNumber("width_mm"); b = attributes.checkedNumber("length_mm")
        }
        width = min(a, b)
        length = max(a, b)
    }

    init(shape: String, width: Double, length: Double) {
        self.shape = shape
        self.width = min(width, length)
        self.length = max(width, length)
    }

    /// Index keys: the shape and the width in 10 mm steps; a lookup also covers the neighbouring steps.
    func key(_ kind: String) -> String { "\(kind):\(shape):\(Int(width / 10))" }
    func neighbourhood(_ kind: String) -> [String] {
        let step = Int(width / 10)
        return (step - 1...step + 1).map { "\(kind):\(shape):\($0)" }
    }

    /// 1 for a perfect fit, falling to 0.5 at the tolerance; nil when it does not fit.
    func fit(_ other: Rim) -> Double? {
        guard shape == other.shape else { return nil }
        let off = max(abs(width - other.width), abs(length - other.length))
        guard off <= Rim.toleranceMM else { return nil }
        return 1 - 0.5 * off / Rim.toleranceMM
    }

    func offer(_ kind: String, from catalog: VendorCatalog) -> VendorOffer? {
        catalog.entries
            .filter { $0.kind == kind }
            .compactMap { entry in fit(Rim(shape: entry.shape, width: entry.widthMM, length: entry.lengthMM)).map { (entry, $0) } }
            .max { $0.1 < $1.1 }
            .map { VendorOffer(entry: $0.0, fit: $0.1) }
    }
}

/// A food-storage container: matches a lid of the same shape whose size fits its rim; when no
/// user's lid fits, a partner vendor's lid is offered.
public struct FoodContainer: Product {
    public init() {}
    public var name: String { "container" }

    public func validate(_ attributes: ItemAttributes) throws(ProductInputError) { try Rim.validate(attributes, product: name) }
    /// Any fit within the tolerance is a match.
    public var confidentScore: Double { 0.5 }

    public func filing(of item: Item) -> IndexFiling {
        let rim = Rim(item.attributes)
        return IndexFiling(fileUnder: [rim.key("container")], lookIn: rim.neighbourhood("lid"))
    }

    public func compatibility(of item: Item, with candidate: Item, photos: PhotoComparison) -> Double? {
        guard candidate.product == "lid" else { return nil }
        return Rim(item.attributes).fit(Rim(candidate.attributes))
    }

    public func price(of item: Item, matchedWith partner: Item) -> PriceSuggestion {
        let fit = Rim(item.attributes).fit(Rim(partner.attributes)) ?? 0.5
        return PriceSuggestion(baseCents: 300, factors: fit > 0.9 ? [.init("exact fit", 1.2)] : [])
    }

    public func fallbackOffer(for item: Item, from catalog: VendorCatalog) -> VendorOffer? {
        Rim(item.attributes).offer("lid", from: catalog)
    }
}

/// A lid for a food-storage container: the complement of `FoodContainer`.
public struct ContainerLid: Product {
    public init() {}
    public var name: String { "lid" }

    public func validate(_ attributes: ItemAttributes) throws(ProductInputError) { try Rim.validate(attributes, product: name) }
    public var confidentScore: Double { 0.5 }

    public func filing(of item: Item) -> IndexFiling {
        let rim = Rim(item.attributes)
        return IndexFiling(fileUnder: [rim.key("lid")], lookIn: rim.neighbourhood("container"))
    }

    public func compatibility(of item: Item, with candidate: Item, photos: PhotoComparison) -> Double? {
        guard candidate.product == "container" else { return nil }
        return Rim(item.attributes).fit(Rim(candidate.attributes))
    }

    public func price(of item: Item, matchedWith partner: Item) -> PriceSuggestion {
        FoodContainer().price(of: partner, matchedWith: item)
    }

    public func fallbackOffer(for item: Item, from catalog: VendorCatalog) -> VendorOffer? {
        Rim(item.attributes).offer("container", from: catalog)
    }
}
