import Foundation
import Imaging
import PhotoLab
import QueueKit
import Testing
@testable import Workers

/// The shared match index: codes filed in trees, looked up by prefix as deep as a crowded tree needs,
/// and removed when an item is matched.
@Suite struct MatchIndexTests {
    /// An item in `space` whose code in each of `trees` trees is `symbols`.
    func filing(_ symbols: String, trees: Int = 2, space: String = "thing") -> IndexFiling {
        IndexFiling(fileUnder: [], lookIn: [], similarity: SimilarityFiling(
            space: space, partnerSpaces: [space], codes: (0..<trees).map { BucketCode(tree: "t\($0)", symbols: symbols) }))
    }

    func item(_ id: String, user: String) -> Item {
        Item(id: id, user: user, product: "thing", attributes: ItemAttributes(), fingerprint: nil, createdAt: 0)
    }

    @Test func crowdedTreesAreSearchedDeeperSoTheCandidatesStayFew() async throws {
        let fleet = TestFleet()
        defer { Task { await fleet.cleanUp() } }
        let store = MatchStore(client: fleet.client, keyspace: fleet.keyspace)
        let shared = String(repeating: "a", count: MatchStore.shallowestPrefix)
        // 100 items agree with the query on the shallowest prefix; 3 of them also on the next 4 symbols.
        for n in 0..<100 {
            let tail = n < 3 ? "bbbb" + String(n) : String(format: "c%03d", n) + "z"
            try await store.store(item("i\(n)", user: "u\(n)"))
            #expect(try await store.file("i\(n)", filing: filing(shared + tail)) == .waiting)
        }
        let query = filing(shared + "bbbb9")
        try await store.store(item("q", user: "asker"))
        #expect(try await store.file("q", filing: query) == .waiting)
        let search = try await store.candidates(for: query, excludingUser: "asker", excludingItem: "q")
        #expect(Set(search.items.map(\.id)) == ["i0", "i1", "i2"])
        #expect(search.waiting == 101, "the 100 items and the query wait in the space searched")

        // A small index is searched at the shallowest depth: all that share it are candidates.
        let few = filing(String(repeating: "x", count: MatchStore.shallowestPrefix) + "00000", space: "rare")
        for n in 0..<5 {
            try await store.store(item("r\(n)", user: "v\(n)"))
            _ = try await store.file("r\(n)", filing: filing(String(repeating: "x", count: MatchStore.shallowestPrefix) + "1111\(n)", space: "rare"))
        }
        #expect(try await store.candidates(for: few, excludingUser: "asker", excludingItem: "q").items.count == 5)
        // Where one symbol more leaves only the query itself, its nearest codes one level up are taken.
        let lonely = String(repeating: "n", count: MatchStore.shallowestPrefix)
        for n in 0..<30 {
            try await store.store(item("s\(n)", user: "s\(n)"))
            _ = try await store.file("s\(n)", filing: filing(lonely + String(UnicodeScalar(UInt8(48 + 2 * n))) + "0000", space: "sparse"))
        }
        let middle = filing(lonely + "O" + "9999", space: "sparse")  // "O" sorts between s15's "N" and s16's "P"
        try await store.store(item("m", user: "asker"))
        _ = try await store.file("m", filing: middle)
        let near = Set(try await store.candidates(for: middle, excludingUser: "asker", excludingItem: "m").items.map(\.id))
        #expect(near.count == MatchStore.candidatesPerTree)
        #expect(near.contains("s15") && near.contains("s16") && !near.contains("s0") && !near.contains("s29"), "\(near.sorted())")
        // Nothing is found when even the shallowest prefix differs.
        #expect(try await store.candidates(for: filing("y" + shared.dropFirst() + "bbbb9"), excludingUser: "asker", excludingItem: "q").items.isEmpty)
    }

    /// A version may let the lookup widen a sparse tree to a shorter prefix than the default
    /// (`MatchingRole.Rule.shallowestPrefix`): items that share only the first 6 symbols of the
    /// query's code are found from 6 on, not at the default 11; widening stops where the range would
    /// hold more than a tree may hand over.
    @Test func aShallowerPrefixWidensASparseTree() async throws {
        let fleet = TestFleet()
        defer { Task { await fleet.cleanUp() } }
        let store = MatchStore(client: fleet.client, keyspace: fleet.keyspace)
        let tail = String(repeating: "b", count: 10)
        // Three items share 6 symbols with the query; 30 share only 5.
        for n in 0..<3 {
            try await store.store(item("w\(n)", user: "w\(n)"))
            _ = try await store.file("w\(n)", filing: filing("aaaaaac\(n)" + tail))
        }
        for n in 0..<30 {
            try await store.store(item("x\(n)", user: "x\(n)"))
            _ = try await store.file("x\(n)", filing: filing("aaaaaz" + String(format: "%02d", n) + tail))
        }
        let query = filing("aaaaaabb" + tail)
        try await store.store(item("q", user: "asker"))
        _ = try await store.file("q", filing: query)
        func found(from shallowest: Int) async throws -> Set<String> {
            Set(try await store.candidates(for: query, excludingUser: "asker", excludingItem: "q", shallowestPrefix: shallowest).items.map(\.id))
        }
        #expect(try await found(from: MatchStore.shallowestPrefix).isEmpty)
        #expect(try await found(from: 6) == ["w0", "w1", "w2"])
        #expect(try await found(from: 1) == ["w0", "w1", "w2"], "33 items share 5 symbols, more than a tree hands over")
    }

    @Test func aLimitKeepsTheCandidatesFoundInTheMostTrees() async throws {
        let fleet = TestFleet()
        defer { Task { await fleet.cleanUp() } }
        let store = MatchStore(client: fleet.client, keyspace: fleet.keyspace)
        let base = String(repeating: "a", count: MatchStore.shallowestPrefix)
        // Sharing the query's code in a tree, or (nil) under another shallowest prefix, where the query does not look.
        let far = String(repeating: "z", count: MatchStore.shallowestPrefix) + "0000"
        func codes(_ perTree: [String?]) -> IndexFiling {
            IndexFiling(fileUnder: [], lookIn: [], similarity: SimilarityFiling(
                space: "thing", partnerSpaces: ["thing"],
                codes: perTree.enumerated().map { BucketCode(tree: "t\($0.offset)", symbols: $0.element.map { base + $0 } ?? far) }))
        }
        // "three" shares the query's code in three trees, "two" in two, "one" in one.
        let filed = ["three": ["1111", "2222", "3333"], "two": ["1111", "2222", nil], "one": [nil, nil, "3333"]]
        for (id, perTree) in filed {
            try await store.store(item(id, user: id))
            #expect(try await store.file(id, filing: codes(perTree)) == .waiting)
        }
        let query = codes(["1111", "2222", "3333"])
        try await store.store(item("q", user: "asker"))
        _ = try await store.file("q", filing: query)
        #expect(try await store.candidates(for: query, excludingUser: "asker", excludingItem: "q").items.map(\.id) == ["three", "two", "one"])
        #expect(try await store.candidates(for: query, excludingUser: "asker", excludingItem: "q", limit: 2).items.map(\.id) == ["three", "two"])
        #expect(try await store.candidates(for: query, excludingUser: "asker", excludingItem: "q", limit: 1).items.map(\.id) == ["three"])
    }

    /// A filing that searches several spaces (a button set, in the diameter bands its tolerance reaches) finds
    /// what waits in each of them, in one lookup, and counts the waiting items of all.
    @Test func aLookupSearchesEveryPartnerSpace() async throws {
        let fleet = TestFleet()
        defer { Task { await fleet.cleanUp() } }
        let store = MatchStore(client: fleet.client, keyspace: fleet.keyspace)
        let code = String(repeating: "a", count: MatchStore.shallowestPrefix) + "0000"
        for (id, space) in [("low", "band:1"), ("high", "band:2"), ("other", "band:3"), ("low2", "band:1")] {
            try await store.store(item(id, user: id))
            #expect(try await store.file(id, filing: filing(code, space: space)) == .waiting)
        }
        let query = IndexFiling(fileUnder: [], lookIn: [], similarity: SimilarityFiling(
            space: "band:1", partnerSpaces: ["band:1", "band:2"], codes: (0..<2).map { BucketCode(tree: "t\($0)", symbols: code) }))
        try await store.store(item("q", user: "asker"))
        #expect(try await store.file("q", filing: query) == .waiting)
        let search = try await store.candidates(for: query, excludingUser: "asker", excludingItem: "q")
        #expect(Set(search.items.map(\.id)) == ["low", "low2", "high"])
        #expect(search.waiting == 4, "two sets and the query in band 1, one set in band 2")
    }

    @Test func storedAttributesDecodeBackAndGarbageIsRefused() throws {
        let attributes = ItemAttributes(["count": "6", "holes": "4", "note": "vert émeraude"])
        #expect(ItemAttributes(stored: Array(try JSONEncoder().encode(attributes))) == attributes)
        #expect(ItemAttributes(stored: Array("{\"values\":{\"count\":6}}".utf8)) == nil)
        #expect(ItemAttributes(stored: Array("not json".utf8)) == nil)
    }

    @Test func exactKeysAreLeftOnAMatchToo() async throws {
        let fleet = TestFleet()
        defer { Task { await fleet.cleanUp() } }
        let store = MatchStore(client: fleet.client, keyspace: fleet.keyspace)
        let box = item("box", user: "a"), lid = item("lid", user: "b")
        let boxFiling = IndexFiling(fileUnder: ["rim:box", "shared"], lookIn: ["rim:lid"])
        let lidFiling = IndexFiling(fileUnder: ["rim:lid", "shared"], lookIn: ["rim:box"])
        for (thing, filed) in [(box, boxFiling), (lid, lidFiling)] {
            try await store.store(thing)
            _ = try await store.file(thing.id, filing: filed)
        }
        #expect(try await store.candidates(for: boxFiling, excludingUser: "a", excludingItem: "box").items.map(\.id) == ["lid"])
        let result = try await store.recordMatch(box, filing: boxFiling, with: lid, partnerFiling: lidFiling, score: 1,
                                                 price: PriceSuggestion(baseCents: 300), algorithm: "v1")
        #expect(result.recorded)
        for key in ["rim:box", "rim:lid", "shared"] {
            #expect(try await fleet.client.send("SCARD", store.keys.index(key)).int == 0, "\(key)")
        }
    }

    @Test func matchedItemsLeaveTheIndex() async throws {
        let fleet = TestFleet()
        defer { Task { await fleet.cleanUp() } }
        let store = MatchStore(client: fleet.client, keyspace: fleet.keyspace)
        let code = String(repeating: "k", count: 16)
        let a = item("a", user: "alice"), b = item("b", user: "bob"), c = item("c", user: "carol")
        for (thing, filed) in [(a, filing(code)), (b, filing(code)), (c, filing(code, space: "other"))] {
            try await store.store(thing)
            _ = try await store.file(thing.id, filing: filed)
        }
        #expect(try await store.candidates(for: filing(code), excludingUser: "alice", excludingItem: "a").items.map(\.id) == ["b"])
        let price = PriceSuggestion(baseCents: 100)
        let result = try await store.recordMatch(a, filing: filing(code), with: b, partnerFiling: filing(code), score: 0.9, price: price,
                                                 algorithm: "v1")
        #expect(result.recorded)
        // Both halves are gone from every tree of their space; the other space is untouched.
        for tree in ["t0", "t1"] {
            #expect(try await fleet.client.send("ZCARD", store.keys.tree("thing", tree)).int == 0)
            #expect(try await fleet.client.send("ZCARD", store.keys.tree("other", tree)).int == 1)
        }
        #expect(try await store.candidates(for: filing(code), excludingUser: "nobody", excludingItem: "none").items.isEmpty)
        // Filing a matched item again leaves it out of the index.
        #expect(try await store.file("a", filing: filing(code)) == .matched)
        #expect(try await fleet.client.send("ZCARD", store.keys.tree("thing", "t0")).int == 0)
    }

    /// Neighbours keep each item's best score with the item that gave it and the best from any other;
    /// an item's own search starts them, others only add to started ones, matched items are left alone.
    @Test func neighboursKeepTheBestTwoFromDifferentItems() async throws {
        let fleet = TestFleet()
        defer { Task { await fleet.cleanUp() } }
        let store = MatchStore(client: fleet.client, keyspace: fleet.keyspace)
        let code = String(repeating: "n", count: 16)
        let (a, b, c, d, e) = (item("a", user: "u1"), item("b", user: "u2"), item("c", user: "u3"), item("d", user: "u4"), item("e", user: "u5"))
        for thing in [a, b, c, d, e] {
            try await store.store(thing)
            _ = try await store.file(thing.id, filing: filing(code))
        }
        func neighbours(_ id: String) async throws -> Item.Neighbours? { try await store.item(id)?.item.neighbours }
        /// What `id`'s search notes, with every item read as the matching role reads its candidates.
        func note(_ id: String, _ scores: [(String, Double)]) async throws {
            var scored: [(item: Item, score: Double)] = []
            for (other, score) in scores { scored.append((try #require(try await store.item(other)?.item), score)) }
            try await store.noteNeighbours(of: try #require(try await store.item(id)?.item), scored: scored)
        }

        try await note("a", [("b", 0.2), ("c", 0.5), ("d", 0.1)])
        #expect(try await neighbours("a") == Item.Neighbours(best: 0.5, bestBy: "c", second: 0.2))
        #expect(try await neighbours("c") == nil, "c has not looked around itself yet")
        try await note("c", [])
        #expect(try await neighbours("c") == Item.Neighbours(best: 0, bestBy: "", second: 0), "looked and met nothing")

        try await note("d", [("a", 0.3), ("c", 0.4)])
        #expect(try await neighbours("a") == Item.Neighbours(best: 0.5, bestBy: "c", second: 0.3), "d's 0.3 is a's best from another item than c")
        #expect(try await neighbours("c") == Item.Neighbours(best: 0.4, bestBy: "d", second: 0))
        #expect(try await neighbours("a")?.best(excluding: "c") == 0.3)
        #expect(try await neighbours("a")?.best(excluding: "d") == 0.5)
        // The same item again only raises its own score; a better one from another item demotes it.
        try await note("c", [("a", 0.6)])
        #expect(try await neighbours("a") == Item.Neighbours(best: 0.6, bestBy: "c", second: 0.3))
        try await note("e", [("a", 0.9)])
        #expect(try await neighbours("a") == Item.Neighbours(best: 0.9, bestBy: "e", second: 0.6))

        let result = try await store.recordMatch(a, filing: filing(code), with: b, partnerFiling: filing(code), score: 0.9,
                                                 price: PriceSuggestion(baseCents: 100), algorithm: "v8")
        #expect(result.recorded)
        try await note("b", [])
        try await note("d", [("a", 0.95)])
        #expect(try await neighbours("a") == Item.Neighbours(best: 0.9, bestBy: "e", second: 0.6), "a matched: left alone")
        #expect(try await neighbours("b") == nil, "b matched before it looked around")
    }

    /// A sock's fingerprint, and two items with it: walt's (`w`, to wait) and nina's (`n`, to ask).
    func twoSocks() throws -> (Fingerprint, Item, Item) {
        let design = try #require(DesignCatalogue.make(count: 10, seed: 5).first { $0.kind == .sock })
        let fingerprint = Fingerprint(image: Photographer.photograph(design, shot: 0, seed: 5).image)
        return (fingerprint, Item(id: "w", user: "walt", product: "sock", attributes: ItemAttributes(), fingerprint: fingerprint, createdAt: 1),
                Item(id: "n", user: "nina", product: "sock", attributes: ItemAttributes(), fingerprint: fingerprint, createdAt: 2))
    }

    @Test func reindexFilesWaitingItemsAgain() async throws {
        let fleet = TestFleet()
        defer { Task { await fleet.cleanUp() } }
        let store = MatchStore(client: fleet.client, keyspace: fleet.keyspace)
        let (fingerprint, waiting, fresh) = try twoSocks()
        let unknown = Item(id: "u", user: "ursula", product: "kite", attributes: ItemAttributes(), fingerprint: fingerprint, createdAt: 3)
        for thing in [waiting, fresh, unknown] { try await store.store(thing) }
        _ = try await store.file("w", filing: Sock().filing(of: waiting))
        _ = try await store.file("u", filing: Sock().filing(of: unknown))
        // The index is lost (or was built under an older scheme): nothing is found.
        _ = try await fleet.client.withConnection { try $0.deleteKeys(matching: fleet.keyspace.prefix + ":{match}:idx:*") }
        let query = Sock().filing(of: fresh)
        #expect(try await store.candidates(for: query, excludingUser: "nina", excludingItem: "n").items.isEmpty)
        // Only the waiting sock is filed again: not the never-filed item, nor the unknown product.
        #expect(try await store.reindex(using: .standard, batch: 2) == 1)
        #expect(try await store.candidates(for: query, excludingUser: "nina", excludingItem: "n").items.map(\.id) == ["w"])
        #expect(try await store.reindex(using: .standard) == 1)
        // Each batch files its waiting items in one round trip, several at a time.
        for k in 0..<6 {
            let other = Item(id: "w\(k)", user: "walt\(k)", product: "sock", attributes: ItemAttributes(), fingerprint: fingerprint, createdAt: 4)
            try await store.store(other)
            _ = try await store.file(other.id, filing: Sock().filing(of: other))
        }
        _ = try await fleet.client.withConnection { try $0.deleteKeys(matching: fleet.keyspace.prefix + ":{match}:idx:*") }
        #expect(try await store.reindex(using: .standard, batch: 4) == 7)
        #expect(Set(try await store.candidates(for: query, excludingUser: "nina", excludingItem: "n").items.map(\.id)) == Set(["w"] + (0..<6).map { "w\($0)" }))
    }

    @Test func aNewSchemeIsFiledByReindexAndTheOlderTreesDropped() async throws {
        let fleet = TestFleet()
        defer { Task { await fleet.cleanUp() } }
        let store = MatchStore(client: fleet.client, keyspace: fleet.keyspace)
        let (fingerprint, waiting, fresh) = try twoSocks()
        for thing in [waiting, fresh] { try await store.store(thing) }
        // Filed by a worker of the release before, under the older scheme.
        #expect(BucketScheme.forest != BucketScheme.current)
        let older = IndexFiling(fileUnder: [], lookIn: [], similarity: SimilarityFiling(
            space: "sock", partnerSpaces: ["sock"], codes: fingerprint.bucketCodes(scheme: .forest)))
        #expect(try await store.file("w", filing: older) == .waiting)
        // Another kind of index key (a set of ids), which no scheme names, and a newer scheme's tree.
        _ = try await fleet.client.send("SADD", MatchKeys(fleet.keyspace).index("lid:round"), "x")
        let newer = MatchKeys(fleet.keyspace).tree("sock", "v1s\(BucketScheme.current.tag + 1)t0")
        _ = try await fleet.client.send("ZADD", newer, "0", "abc|x")
        let query = Sock().filing(of: fresh)
        #expect(try await store.candidates(for: query, excludingUser: "nina", excludingItem: "n").items.isEmpty, "the new scheme's trees are empty")
        #expect(try await store.reindex(using: .standard) == 1)
        #expect(try await store.candidates(for: query, excludingUser: "nina", excludingItem: "n").items.map(\.id) == ["w"])

        func trees(tag: Int) async throws -> Int {
            let keys = try await fleet.client.send("KEYS", MatchKeys(fleet.keyspace).index("*")).array ?? []
            return keys.compactMap(\.string).filter { MatchStore.schemeTag(ofTree: $0) == tag }.count
        }
        #expect(try await trees(tag: BucketScheme.forest.tag) == BucketScheme.forest.bands)
        #expect(try await store.dropTrees() == BucketScheme.forest.bands)
        #expect(try await trees(tag: BucketScheme.forest.tag) == 0)
        #expect(try await trees(tag: BucketScheme.current.tag) == BucketScheme.current.bands)
        #expect(try await fleet.client.send("SCARD", MatchKeys(fleet.keyspace).index("lid:round")).int == 1, "not a tree: kept")
        #expect(try await fleet.client.send("ZCARD", newer).int == 1, "a newer scheme's tree: kept")
        #expect(try await store.candidates(for: query, excludingUser: "nina", excludingItem: "n").items.map(\.id) == ["w"])
        #expect(try await store.dropTrees() == 0, "nothing left to drop")

        #expect(MatchStore.schemeTag(ofTree: "p:{match}:idx:glove:left:v1s3t63") == 3)
        #expect(MatchStore.schemeTag(ofTree: "p:{match}:idx:sock:v1s12t0") == 12)
        for other in ["p:{match}:idx:lid:round", "p:{match}:idx:sock:v1s3", "p:{match}:idx:sock:vs3t1", "p:{match}:idx:sock:v1s3tx"] {
            #expect(MatchStore.schemeTag(ofTree: other) == nil, "\(other)")
        }
    }
}
