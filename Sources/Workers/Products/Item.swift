import Foundation
import Imaging

/// An upload's stated attributes (`count=6`, `hand=left`, `width_mm=120`), as text.
public struct ItemAttributes: Sendable, Codable, Equatable {
    public var values: [String: String]

    public init(_ values: [String: String] = [:]) { self.values = values }

    public subscript(name: String) -> String? { values[name] }

    /// A number attribute within `range`, or a readable error naming it.
    public func number(_ name: String, in range: ClosedRange<Double>, product: String) throws(ProductInputError) -> Double {
        guard let text = values[name] else { throw ProductInputError(product: product, reason: "attribute '\(name)' is missing") }
        guard let value = Double(text), value.isFinite else {
            throw ProductInputError(product: product, reason: "attribute '\(name)' must be a number, not '\(text.prefix(40))'")
        }
        guard range.contains(value) else {
            throw ProductInputError(product: product, reason: "attribute '\(name)' = \(text) is outside \(range.lowerBound)...\(range.upperBound)")
        }
        return value
    }

    /// One of `choices`, or a readable error naming the attribute.
    public func choice(_ name: String, of choices: [String], product: String) throws(ProductInputError) -> String {
        guard let text = values[name] else { throw ProductInputError(product: product, reason: "attribute '\(name)' is missing") }
        guard choices.contains(text) else {
            throw ProductInputError(product: product, reason: "attribute '\(name)' must be one of \(choices.joined(separator: ", ")), not '\(text.prefix(40))'")
        }
        return text
    }

    /// A number the upload's validation already checked (0 if absent).
    public func checkedNumber(_ name: String) -> Double { Double(values[name] ?? "") ?? 0 }
}

/// An uploaded item as the matcher sees it.
public struct Item: Sendable, Codable, Equatable {
    public var id: String
    /// The customer id of the owner (never a name).
    public var user: String
    public var product: String
    public var attributes: ItemAttributes
    public var fingerprint: Fingerprint?
    /// How `fingerprint` was computed (`Fingerprint.currentMethod` when it was made; 1 for items
    /// stored before the method was kept). `queuectl refingerprint` computes older ones again.
    public var fingerprintMethod: Int
    /// ms since 1970.
    public var createdAt: Int
    /// Where the item's photo is (a blob key), for a matcher that looks at the photos themselves
    /// (see `PhotoSource`); nil for items without a photo and those stored before it was kept.
    public var photo: String?
    /// The closest other items this item has met, as the matcher keeps them (nil until the item has
    /// looked around itself: its own match job, or a survey).
    public var neighbours: Neighbours?
    /// Whether a fingerprint is stored that this release cannot read (one of an older layout, see
    /// `Fingerprint.currentVersion`): `fingerprint` is then nil, and the item is not found or
    /// matched by its photo until `queuectl refingerprint` has it computed again.
    public var hasUnreadableFingerprint = false

    public init(id: String, user: String, product: String, attributes: ItemAttributes, fingerprint: Fingerprint?, createdAt: Int,
                photo: String? = nil, neighbours: Neighbours? = nil, fingerprintMethod: Int = Fingerprint.currentMethod) {
        self.id = id
        self.user = user
        self.product = product
        self.attributes = attributes
        self.fingerprint = fingerprint
        self.fingerprintMethod = fingerprintMethod
        self.createdAt = createdAt
        self.photo = photo
        self.neighbours = neighbours
    }

    /// The highest compatibility scores (under the learned photo metric) an item has had with other
    /// items: the best with the item that gave it, and the best from any other item. Every match job
    /// adds its own candidates' scores to its item and its score to each candidate's, so an item knows
    /// how crowded its neighbourhood is: a query closer to it than anything it has met is likelier
    /// its partner than one a twin matches as well (see `MatchingRole.Rule.neighbours`).
    public struct Neighbours: Sendable, Codable, Equatable {
        public var best: Double
        public var bestBy: String
        public var second: Double

        public init(best: Double, bestBy: String, second: Double) {
            self.best = best
            self.bestBy = bestBy
            self.second = second
        }

        /// The best score from an item other than `id` (the job's own item must not count as its
        /// candidate's neighbour: its earlier run, or its partner racing it, may have noted it).
        public func best(excluding id: String) -> Double { bestBy == id ? second : best }
    }

    /// Whether the item has a fingerprint made by an older method than the current one, readable or
    /// of an older layout (`queuectl refingerprint` has such fingerprints computed again).
    public var hasOlderFingerprint: Bool {
        (fingerprint != nil || hasUnreadableFingerprint) && fingerprintMethod < Fingerprint.currentMethod
    }

    /// The lowest photo similarity worth considering at all, unless the matching algorithm's rule
    /// says otherwise (`PhotoComparison.floor`); the matcher decides among the rest.
    public static let photoFloor = 0.02
}

extension ItemAttributes {
    /// Decodes attributes as stored (`JSONEncoder`'s `{"values":{...}}`) without Codable's overhead,
    /// about four times faster: a match decodes those of up to 100 candidates.
    init?(stored bytes: [UInt8]) {
        guard let object = try? JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any],
              let values = object["values"] as? [String: String] else { return nil }
        self.init(values)
    }
}
