import Foundation
import Imaging
import QueueKit

/// Items, the matching index, matches and vendor offers in Redis: what the matching worker writes
/// and what the app reads. Any number of matching workers share it.
public struct MatchStore: Sendable {
    public let client: RedisClient
    public let keys: MatchKeys
    public let clock: JobClock

    public init(client: RedisClient, keyspace: Keyspace, clock: JobClock = .system) {
        self.client = client
        self.keys = MatchKeys(keyspace)
        self.clock = clock
    }

    /// The state of a stored item.
    public enum ItemState: String, Sendable { case new, waiting, matched }

    /// Stores an item unless it exists; returns its state.
    @discardableResult
    public func store(_ item: Item) async throws -> ItemState {
        var call = ScriptCall(MatchScripts.storeItem, keys: [keys.item(item.id)])
        call.append(item.user)
        call.append(item.product)
        call.append(try JSONEncoder().encode(item.attributes))
        call.append(item.fingerprint?.packed() ?? [])
        call.append(item.createdAt)
        call.append(item.photo ?? "")
        call.append(item.fingerprintMethod)
        let state = try await client.evaluate(call).string ?? ""
        return ItemState(rawValue: state) ?? .new
    }

    /// Thrown when an item's fingerprint was computed again (`queuectl refingerprint`) after the
    /// caller read it: what the caller was about to write came from the old one.
    public struct FingerprintChangedError: Error, Sendable, CustomStringConvertible {
        public let item: String
        public var description: String { "item \(item)'s fingerprint was computed again meanwhile" }
    }

    /// Replaces an unmatched item's fingerprint by `fresh`'s (computed again by a newer method) in one
    /// step: a waiting item leaves the index entries of `filing` (its old fingerprint's) for those of
    /// `freshFiling`, and forgets its neighbours, which were met under the old fingerprint; an item
    /// not yet filed only takes the new fingerprint. `item` is the item as read; it is left alone if
    /// it was matched or refreshed since. Returns whether it was refreshed.
    public func refreshFingerprint(of item: Item, filing: IndexFiling, to fresh: Item, freshFiling: IndexFiling) async throws -> Bool {
        guard let fingerprint = fresh.fingerprint else { return false }
        let old = indexEntries(of: item.id, filing), new = indexEntries(of: item.id, freshFiling)
        var call = ScriptCall(MatchScripts.refreshFingerprint, keys: [keys.item(item.id)] + (old + new).map(\.key))
        call.append(item.id)
        call.append(fingerprint.packed())
        call.append(fresh.fingerprintMethod)
        call.append(item.fingerprintMethod)
        call.append(old.count)
        for entry in old + new { call.append(entry.entry) }
        return try await client.evaluate(call).string == "refreshed"
    }

    /// Whether an item is stored (in any state).
    public func contains(_ id: String) async throws -> Bool {
        try await client.send("EXISTS", keys.item(id)).int == 1
    }

    /// Files an item in the index (if it is still unmatched); returns its state, nil if unknown.
    /// Given the fingerprint `method` the filing was made from, throws `FingerprintChangedError`
    /// (and files nothing) when the item's fingerprint was computed again since.
    public func file(_ id: String, filing: IndexFiling, method: Int? = nil) async throws -> ItemState? {
        let state = try await client.evaluate(fileCall(id, filing, method: method)).string
        if state == Self.changed { throw FingerprintChangedError(item: id) }
        return state.flatMap(ItemState.init(rawValue:))
    }

    /// What the scripts answer for an item whose fingerprint was computed again since it was read.
    static let changed = "changed"

    private func fileCall(_ id: String, _ filing: IndexFiling, method: Int?) -> ScriptCall {
        let entries = indexEntries(of: id, filing)
        var call = ScriptCall(MatchScripts.fileItem, keys: [keys.item(id)] + entries.map(\.key))
        call.append(id)
        call.append(method.map(String.init) ?? "")
        for entry in entries { call.append(entry.entry) }
        return call
    }

    /// The index keys an item is filed under, each with what the scripts add there: "s" for a SET
    /// (the item id), "z" and the member for a code tree.
    private func indexEntries(of id: String, _ filing: IndexFiling) -> [(key: String, entry: String)] {
        var entries = filing.fileUnder.map { (key: keys.index($0), entry: "s") }
        if let similarity = filing.similarity {
            entries += similarity.codes.map { (key: keys.tree(similarity.space, $0.tree), entry: "z" + $0.symbols + "|" + id) }
        }
        return entries
    }

    /// An item with its state and match id.
    public func item(_ id: String) async throws -> (item: Item, state: ItemState, match: String?)? {
        let key = keys.item(id)
        let reply = try await client.send(Self.readItem(key))
        return Self.decodeItem(id: id, fields: reply.array ?? [])
    }

    /// How many items one tree of the index may hand over per query; the lookup goes deeper into
    /// the codes until a tree's range is this small, so a query's work stays bounded as the index grows.
    public static let candidatesPerTree = 16
    /// The shortest code prefix the lookup accepts (scheme 2's band length, from which the forest grew).
    public static let shallowestPrefix = 11

    /// What one lookup found: the candidates, and how many items wait in the spaces searched.
    public struct Candidates: Sendable {
        /// Waiting items, most often found first, at most the limit asked for.
        public var items: [Item]
        /// How many items were filed in the similarity index's partner spaces when they were searched
        /// (the query itself included when it is filed there); nil for a filing without one. The
        /// decision rule tightens as this grows: the more items wait, the closer a stranger comes.
        /// A product that narrows its spaces (button sets by diameter band) is so judged among the
        /// items it can match, fewer than all of its kind, and by looser numbers.
        public var waiting: Int?
    }

    /// Waiting items where `filing` looks for partners, most often found first (an item found in
    /// more trees, or under more exact keys, is likelier the partner), at most `limit`, excluding
    /// `excludedUser`'s own items; with how many items wait in the spaces searched. A sparse code
    /// tree is widened down to `shallowestPrefix` symbols (a version's `Rule.shallowestPrefix`).
    public func candidates(for filing: IndexFiling, excludingUser excludedUser: String, excludingItem: String, limit: Int = 100,
                           shallowestPrefix: Int = MatchStore.shallowestPrefix) async throws -> Candidates {
        precondition(shallowestPrefix >= 1, "a lookup compares at least one symbol of the codes")
        var votes: [String: Int] = [:], waiting: Int?
        if !filing.lookIn.isEmpty {
            let memberLists = try await client.withConnection { [keys] connection in
                try connection.pipeline(filing.lookIn.map { RedisCommand("SMEMBERS", keys.index($0)) })
            }
            for list in memberLists { for member in list.array ?? [] { if let id = member.string { votes[id, default: 0] += 1 } } }
        }
        if let similarity = filing.similarity, let codeLength = similarity.codes.first?.symbols.utf8.count {
            // One lookup per partner space, in one round trip; the waiting items of all of them count.
            let calls = similarity.partnerSpaces.map { space in
                var call = ScriptCall(MatchScripts.findCandidates, keys: similarity.codes.map { keys.tree(space, $0.tree) })
                call.append(Self.candidatesPerTree)
                call.append(shallowestPrefix)
                call.append(excludingItem)
                for code in similarity.codes { call.append(code.symbols) }
                return call
            }
            let replies = try await client.withConnection { connection in try connection.evaluate(calls) }
            for (call, reply) in zip(calls, replies) {
                if case .error(let message) = reply { throw RedisCommandError(command: call.script.name, message: message) }
                let parts = reply.array ?? []
                if let filed = parts.first?.int { waiting = (waiting ?? 0) + filed }
                for member in parts.dropFirst().first?.array ?? [] {
                    // Members are `<code>|<id>` with ASCII codes of one length.
                    if let bytes = member.bytes, bytes.count > codeLength + 1 {
                        votes[String(decoding: bytes.dropFirst(codeLength + 1), as: UTF8.self), default: 0] += 1
                    }
                }
            }
        }
        votes[excludingItem] = nil
        let ranked = votes.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }.prefix(limit).map(\.key)
        if ranked.isEmpty { return Candidates(items: [], waiting: waiting) }
        let prefix = keys.itemPrefix
        let replies = try await client.withConnection { connection in
            try connection.pipeline(ranked.map { Self.readItem(prefix + $0) })
        }
        let items = zip(ranked, replies).compactMap { id, reply -> Item? in
            guard let decoded = Self.decodeItem(id: id, fields: reply.array ?? []), decoded.state == .waiting,
                  decoded.item.user != excludedUser else { return nil }
            return decoded.item
        }
        return Candidates(items: items, waiting: waiting)
    }

    /// Files every waiting item again under its product's current filing, e.g. after the index
    /// scheme changed (items filed under an older scheme are not found otherwise); safe to repeat and
    /// to run beside matching workers, since filing is idempotent and skips matched items. Items of
    /// products `products` does not know are left alone. Returns how many items were filed.
    public func reindex(using products: ProductCatalog, batch: Int = 500) async throws -> Int {
        var filed = 0
        try await forEachItem(batch: batch) { stored in
            let calls = stored.compactMap { item, state -> ScriptCall? in
                guard state == .waiting, let product = products[item.product] else { return nil }
                return fileCall(item.id, product.filing(of: item), method: item.fingerprintMethod)
            }
            if calls.isEmpty { return }
            // The batch's filings in one round trip; each is its own atomic script, as `file` runs it.
            let states = try await client.withConnection { connection in try connection.evaluate(calls) }
            for (call, state) in zip(calls, states) {
                if case .error(let message) = state { throw RedisCommandError(command: call.script.name, message: message) }
                if state.string == ItemState.waiting.rawValue { filed += 1 }
            }
        }
        return filed
    }

    /// Deletes the index trees of the schemes older than `scheme` (`BucketScheme.current`), which an
    /// upgrade that changed the scheme leaves behind: a match takes its items out of the current
    /// scheme's trees only, so an older scheme's trees keep every item they ever held. Run it after
    /// `reindex`, once every matching and uploads worker runs the new scheme (an older worker still
    /// files in, and searches, the older trees). A newer scheme's trees (a later release being tried
    /// beside this one) are left alone. Returns how many trees were deleted.
    public func dropTrees(olderThan scheme: BucketScheme = .current) async throws -> Int {
        let pattern = keys.index("*")
        return try await client.withConnection { connection in
            try connection.deleteKeys(matching: pattern) { key in Self.schemeTag(ofTree: key).map { $0 < scheme.tag } ?? false }
        }
    }

    /// The scheme tag in a tree key's last part (`…:v1s3t7` → 3); nil for any other index key.
    static func schemeTag(ofTree key: String) -> Int? {
        guard let last = key.split(separator: ":").last, last.first == "v" else { return nil }
        let numbers = last.dropFirst().split(separator: "s", maxSplits: 1)
        guard numbers.count == 2, numbers[0].allSatisfy(\.isNumber), !numbers[0].isEmpty else { return nil }
        let rest = numbers[1].split(separator: "t", maxSplits: 1)
        guard rest.count == 2, !rest[0].isEmpty, !rest[1].isEmpty, rest[1].allSatisfy(\.isNumber) else { return nil }
        return Int(rest[0])
    }

    /// Every stored item once, a SCAN batch at a time (`batch` is SCAN's COUNT hint), each batch read
    /// in one round trip. Items stored or changed meanwhile may be seen or not. SCAN itself may return
    /// a key twice (when Redis resizes its table during the scan); the ids already handed out are
    /// remembered, so such a repeat is skipped (at 100,000 items, a few megabytes).
    public func forEachItem(batch: Int = 500, _ body: ([(item: Item, state: ItemState)]) async throws -> Void) async throws {
        var cursor = "0"
        var seen = Set<String>()
        let itemPrefix = keys.itemPrefix
        repeat {
            let reply = try await client.send("SCAN", cursor, "MATCH", itemPrefix + "*", "COUNT", String(batch))
            let parts = reply.array ?? []
            cursor = parts.first?.string ?? "0"
            let ids = (parts.count > 1 ? parts[1].array ?? [] : []).compactMap(\.string).map { String($0.dropFirst(itemPrefix.count)) }
                .filter { seen.insert($0).inserted }
            if ids.isEmpty { continue }
            let replies = try await client.withConnection { connection in
                try connection.pipeline(ids.map { Self.readItem(itemPrefix + $0) })
            }
            let stored = zip(ids, replies).compactMap { id, reply in
                Self.decodeItem(id: id, fields: reply.array ?? []).map { (item: $0.item, state: $0.state) }
            }
            if !stored.isEmpty { try await body(stored) }
        } while cursor != "0"
    }

    /// Notes what one search saw: `item`'s own best two scores among `scored` (its candidates, with
    /// their compatibility scores under the learned metric), and `item`'s score in each candidate's
    /// neighbours (only for candidates that have looked around themselves, so that an item's
    /// neighbours always include its own search). Matched items are left alone. One round trip,
    /// carrying only the scores that can change something by the candidates' neighbours as read.
    public func noteNeighbours(of item: Item, scored: [(item: Item, score: Double)]) async throws {
        let top = scored.sorted { $0.score > $1.score }.prefix(2)
        var own: [(String, Double, String)] = top.map { (item.id, $0.score, $0.item.id) }
        if own.isEmpty { own = [(item.id, 0, "")] }
        let raising = scored.filter { candidate, score in
            guard let known = candidate.neighbours else { return false }
            return score > (known.bestBy == item.id ? known.best : known.second)
        }
        let entries = own + raising.map { ($0.item.id, $0.score, item.id) }
        var call = ScriptCall(MatchScripts.noteNeighbours, keys: entries.map { keys.item($0.0) })
        call.append(own.count)
        call.append(item.fingerprintMethod)
        for entry in entries {
            call.append(String(format: "%.6f", entry.1))
            call.append(entry.2)
        }
        _ = try await client.evaluate(call)
    }

    /// Records a match between two waiting items, exactly once. Returns whether this call recorded
    /// it and, when `item` was already matched by someone else, that match's id.
    public func recordMatch(_ item: Item, filing: IndexFiling, with partner: Item, partnerFiling: IndexFiling,
                            score: Double, price: PriceSuggestion, algorithm: String) async throws -> (recorded: Bool, matchID: String?) {
        let matchID = "m-" + JobID.make().rawValue
        let entriesA = indexEntries(of: item.id, filing), entriesB = indexEntries(of: partner.id, partnerFiling)
        var call = ScriptCall(MatchScripts.recordMatch, keys: [
            keys.item(item.id), keys.item(partner.id), keys.match(matchID), keys.userMatches(item.user),
            keys.userMatches(partner.user), keys.users] + (entriesA + entriesB).map(\.key))
        call.append(matchID)
        call.append(item.id)
        call.append(partner.id)
        call.append(clock.now())
        call.append(String(format: "%.4f", score))
        call.append(try JSONEncoder().encode(price))
        call.append(algorithm)
        call.append(entriesA.count)
        call.append(item.fingerprintMethod)
        call.append(partner.fingerprintMethod)
        for entry in entriesA + entriesB { call.append(entry.entry) }
        let reply = try await client.evaluate(call).array ?? []
        let recorded = reply.first?.int == 1
        let id = reply.count > 1 ? reply[1].string : nil
        return (recorded, id?.isEmpty == false ? id : nil)
    }

    /// Keeps a vendor offer for a user's unmatched item.
    public func saveOffer(_ offer: VendorOffer, for item: Item) async throws {
        let json = String(decoding: try JSONEncoder().encode(offer), as: UTF8.self)
        try await client.withConnection { [keys] connection in
            _ = try connection.pipeline([RedisCommand("HSET", keys.userOffers(item.user), item.id, json),
                                         RedisCommand("SADD", keys.users, item.user)])
        }
    }

    /// One match by id.
    public func match(_ id: String) async throws -> MatchRecord? {
        try await matches(ids: [id]).first
    }

    /// A user's matches, newest first.
    public func matches(for user: String, limit: Int = 100) async throws -> [MatchRecord] {
        let ids = (try await client.send(RedisCommand("ZREVRANGE", keys.userMatches(user), "0", String(limit - 1))).array ?? [])
            .compactMap(\.string)
        return try await matches(ids: ids)
    }

    /// Every user's matches (for operators), newest first.
    public func allMatches(limit: Int = 100) async throws -> [MatchRecord] {
        let users = try await users()
        let lists = try await client.withConnection { [keys] connection in
            try connection.pipeline(users.map { RedisCommand("ZRANGE", keys.userMatches($0), "0", "-1") })
        }
        let ids = Set(lists.flatMap { ($0.array ?? []).compactMap(\.string) })
        return try await matches(ids: Array(ids)).sorted { $0.createdAt > $1.createdAt }.prefix(limit).map { $0 }
    }

    /// A user's vendor offers.
    public func offers(for user: String) async throws -> [OfferRecord] {
        let values = try await client.send("HGETALL", keys.userOffers(user)).array ?? []
        var result: [OfferRecord] = []
        var i = 0
        while i + 1 < values.count {
            if let item = values[i].string, let bytes = values[i + 1].bytes,
               let offer = try? JSONDecoder().decode(VendorOffer.self, from: Data(bytes)) {
                result.append(OfferRecord(user: user, item: item, offer: offer))
            }
            i += 2
        }
        return result.sorted { $0.item < $1.item }
    }

    /// Users with matches or offers.
    public func users() async throws -> [String] {
        (try await client.send("SMEMBERS", keys.users).array ?? []).compactMap(\.string).sorted()
    }

    private func matches(ids: [String]) async throws -> [MatchRecord] {
        if ids.isEmpty { return [] }
        let replies = try await client.withConnection { [keys] connection in
            try connection.pipeline(ids.map { RedisCommand("HMGET", keys.match($0), "item_a", "item_b", "user_a", "user_b",
                                                          "product_a", "product_b", "score", "price", "algorithm", "created", "by") })
        }
        return zip(ids, replies).compactMap { id, reply in
            let f = reply.array ?? []
            guard f.count == 11, let itemA = f[0].string, let itemB = f[1].string, let priceBytes = f[7].bytes,
                  let price = try? JSONDecoder().decode(PriceSuggestion.self, from: Data(priceBytes)) else { return nil }
            return MatchRecord(id: id, itemA: itemA, itemB: itemB, userA: f[2].string ?? "", userB: f[3].string ?? "",
                               productA: f[4].string ?? "", productB: f[5].string ?? "", score: Double(f[6].string ?? "") ?? 0,
                               price: price, algorithm: f[8].string ?? "", createdAt: f[9].int ?? 0, recordedBy: f[10].string ?? itemA)
        }
    }

    /// Reads an item hash's fields in the order `decodeItem` expects them.
    static func readItem(_ key: String) -> RedisCommand {
        RedisCommand("HMGET", key, "user", "product", "attrs", "fp", "created", "state", "match", "photo", "n1", "n1by", "n2", "fpm")
    }

    static func decodeItem(id: String, fields f: [RedisReply]) -> (item: Item, state: ItemState, match: String?)? {
        guard f.count == 12, let user = f[0].string, let product = f[1].string else { return nil }
        let attributes = f[2].bytes.flatMap(ItemAttributes.init(stored:)) ?? ItemAttributes()
        // Packed Float32s: decoding hundreds of candidates per match must stay cheap.
        let stored = f[3].bytes.flatMap { $0.isEmpty ? nil : $0 }
        let fingerprint = stored.flatMap { try? Fingerprint(packed: $0) }
        var item = Item(id: id, user: user, product: product, attributes: attributes, fingerprint: fingerprint, createdAt: f[4].int ?? 0,
                        photo: f[7].string.flatMap { $0.isEmpty ? nil : $0 },
                        neighbours: f[8].string.flatMap(Double.init).map { Item.Neighbours(best: $0, bestBy: f[9].string ?? "",
                                                                                           second: f[10].string.flatMap(Double.init) ?? 0) },
                        // Items stored before the method was kept have the first method's fingerprints.
                        fingerprintMethod: f[11].int ?? 1)
        item.hasUnreadableFingerprint = stored != nil && fingerprint == nil
        return (item, ItemState(rawValue: f[5].string ?? "") ?? .new, f[6].string)
    }
}
