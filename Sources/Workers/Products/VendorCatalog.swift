import Foundation

/// A partner vendor's replacement items, read from a JSON data file (`vendor-catalog.json`, shipped
/// with the Workers library; `FLEET_VENDOR_CATALOG` names another file).
public struct VendorCatalog: Sendable, Codable {
    public struct Entry: Sendable, Codable, Equatable {
        public var sku: String
        public var vendor: String
        /// The product this entry stands in for (`lid`, `container`).
        public var kind: String
        public var shape: String
        public var widthMM: Double
        public var lengthMM: Double
        public var priceCents: Int

        enum CodingKeys: String, CodingKey {
            case sku, vendor, kind, shape, widthMM = "width_mm", lengthMM = "length_mm", priceCents = "price_cents"
        }
    }

    public var entries: [Entry]

    public init(entries: [Entry]) { self.entries = entries }

    /// Loads the catalog from `path`, or the shipped one.
    public static func load(path: String? = ProcessInfo.processInfo.environment["FLEET_VENDOR_CATALOG"]) throws -> VendorCatalog {
        let url = path.map { URL(fileURLWithPath: $0) } ?? Bundle.module.url(forResource: "vendor-catalog", withExtension: "json")
        guard let url, let data = FileManager.default.contents(atPath: url.path) else {
            throw ProductInputError(product: "catalog", reason: "cannot read the vendor catalog at \(path ?? "the shipped vendor-catalog.json")")
        }
        return try JSONDecoder().decode(VendorCatalog.self, from: data)
    }
}

/// A vendor's replacement offered to a user whose item found no partner.
public struct VendorOffer: Sendable, Codable, Equatable {
    public var sku: String
    public var vendor: String
    public var kind: String
    public var priceCents: Int
    /// How well it fits, 0.5...1.
    public var fit: Double

    init(entry: VendorCatalog.Entry, fit: Double) {
        sku = entry.sku
        vendor = entry.vendor
        kind = entry.kind
        priceCents = entry.priceCents
        self.fit = fit
    }
}
