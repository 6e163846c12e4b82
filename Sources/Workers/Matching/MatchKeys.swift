import QueueKit

/// The only place the matching keys are spelled. They share the hash tag `{match}` so that a match
/// between two items is one single-slot script.
public struct MatchKeys: Sendable {
    let base: String

    public init(_ keyspace: Keyspace) { base = "\(keyspace.prefix):{match}:" }

    /// HASH of one item: user, product, attrs (JSON), fp (packed Float32s), fpm (the fingerprint's
    /// method), created, photo (blob key), state, match, and n1, n1by, n2 (its neighbours).
    public func item(_ id: String) -> String { base + "item:" + id }
    /// SET of waiting item ids filed under an index key.
    public func index(_ key: String) -> String { base + "idx:" + key }
    /// ZSET (all scores 0, ordered by member) of the codes of waiting items in one tree of a space:
    /// members `<code>|<item id>`, so that items sharing a code prefix are one lexicographic range.
    public func tree(_ space: String, _ tree: String) -> String { base + "idx:" + space + ":" + tree }
    /// HASH of one match: items, users, product, score, price (JSON), algorithm, created.
    public func match(_ id: String) -> String { base + "match:" + id }
    /// ZSET of a user's match ids by time.
    public func userMatches(_ user: String) -> String { base + "user:" + user + ":matches" }
    /// HASH of a user's vendor offers: item id to offer JSON.
    public func userOffers(_ user: String) -> String { base + "user:" + user + ":offers" }
    /// SET of users with matches or offers, for listings.
    public var users: String { base + "users" }
    var itemPrefix: String { base + "item:" }
}
