/// A recorded match between two users' items, as the app and `queuectl matches` read it.
public struct MatchRecord: Sendable, Codable, Equatable {
    public var id: String
    public var itemA: String, itemB: String
    public var userA: String, userB: String
    public var productA: String, productB: String
    /// Compatibility, 0...1.
    public var score: Double
    public var price: PriceSuggestion
    /// The matching algorithm version that made it (feature flag `matching.algorithm`).
    public var algorithm: String
    /// ms since 1970.
    public var createdAt: Int
    /// The item whose matching job recorded the match (and announces it).
    public var recordedBy: String
}

/// A vendor offer made to a user whose item found no partner.
public struct OfferRecord: Sendable, Codable, Equatable {
    public var user: String
    public var item: String
    public var offer: VendorOffer
}
