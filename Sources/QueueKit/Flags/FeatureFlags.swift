import Foundation

/// A feature flag's rollout: `percent` of users (chosen by a stable hash of the flag and the user,
/// so a user stays on one side while the percentage grows) get `variant`, the rest `fallback`.
public struct FlagRollout: Sendable, Codable, Hashable {
    public var variant: String
    public var fallback: String
    /// 0...100.
    public var percent: Int

    public init(variant: String, fallback: String, percent: Int) {
        self.variant = variant
        self.fallback = fallback
        self.percent = min(100, max(0, percent))
    }

    /// The variant `user` gets.
    public func variant(for user: String, flag: String) -> String {
        FlagRollout.bucket(flag: flag, user: user) < percent ? variant : fallback
    }

    /// A user's stable bucket 0..<100 for a flag (FNV-1a, the same in every process and release).
    public static func bucket(flag: String, user: String) -> Int {
        var hash: UInt64 = 0xcbf29ce484222325
        for byte in "\(flag)\u{0}\(user)".utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x100000001b3
        }
        return Int(hash % 100)
    }
}

/// Feature flags kept in Redis, read on every decision so that a rollback takes effect at once.
public struct FeatureFlags: Sendable {
    public let client: RedisClient
    public let keyspace: Keyspace

    public init(client: RedisClient, keyspace: Keyspace = Keyspace()) {
        self.client = client
        self.keyspace = keyspace
    }

    /// Sets (or replaces) a flag's rollout.
    public func set(_ name: String, _ rollout: FlagRollout) async throws {
        let json = String(decoding: try JSONEncoder().encode(rollout), as: UTF8.self)
        try await client.send("HSET", keyspace.flags, name, json)
    }

    /// Sends every user back to the fallback at once.
    public func rollBack(_ name: String) async throws {
        guard var rollout = try await rollout(name) else { return }
        rollout.percent = 0
        try await set(name, rollout)
    }

    /// The flag's rollout, or nil when it was never set.
    public func rollout(_ name: String) async throws -> FlagRollout? {
        guard let bytes = try await client.send("HGET", keyspace.flags, name).bytes else { return nil }
        return try? JSONDecoder().decode(FlagRollout.self, from: Data(bytes))
    }

    /// The variant `user` gets, or `default` when the flag is not set (or unreadable).
    public func variant(of name: String, for user: String, default fallback: String) async throws -> String {
        try await rollout(name)?.variant(for: user, flag: name) ?? fallback
    }

    /// Every flag, by name.
    public func all() async throws -> [String: FlagRollout] {
        let values = try await client.send("HGETALL", keyspace.flags).array ?? []
        var result: [String: FlagRollout] = [:]
        var i = 0
        while i + 1 < values.count {
            if let name = values[i].string, let bytes = values[i + 1].bytes,
               let rollout = try? JSONDecoder().decode(FlagRollout.self, from: Data(bytes)) {
                result[name] = rollout
            }
            i += 2
        }
        return result
    }
}
