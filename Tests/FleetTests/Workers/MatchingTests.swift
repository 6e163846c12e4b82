import Foundation
import Imaging
import PhotoLab
import Producer
import QueueKit
import Synchronization
import Testing
@testable import Workers

/// A product that exists only in this test: board-game pieces, matched by stated game and colour
/// and a similar photo. It proves a product plugs in with no change to the workers.
struct BoardGamePiece: Product {
    var name: String { "board-game-piece" }
    func validate(_ attributes: ItemAttributes) throws(ProductInputError) {
        _ = try attributes.choice("game", of: ["chess", "ludo"], product: name)
    }
    func filing(of item: Item) -> IndexFiling {
        IndexFiling(fileUnder: ["piece:\(item.attributes["game"] ?? "")"], lookIn: ["piece:\(item.attributes["game"] ?? "")"])
    }
    func compatibility(of item: Item, with candidate: Item, photos: PhotoComparison) -> Double? {
        guard candidate.product == name, candidate.attributes["game"] == item.attributes["game"] else { return nil }
        return photos.similarityAboveFloor(of: item, to: candidate)
    }
    func price(of item: Item, matchedWith partner: Item) -> PriceSuggestion {
        PriceSuggestion(baseCents: 150, factors: [.init("collector's game", 2)])
    }
}

/// A small fleet in this process: a producer, the uploads and matching roles, a blob directory.
struct DomainFleet {
    let fleet = TestFleet()
    let blobs: BlobStore
    let products: ProductCatalog
    let store: MatchStore

    init(products: ProductCatalog = .standard) {
        self.products = products
        blobs = BlobStore(directory: FileManager.default.temporaryDirectory.appendingPathComponent("blobs-\(UUID().uuidString)"))
        store = MatchStore(client: fleet.client, keyspace: fleet.keyspace)
    }

    var uploader: Uploader {
        Uploader(producer: Producer(queue: fleet.producer()), blobs: blobs, products: products)
    }

    func worker(roles: [String]) throws -> Worker {
        let environment = Roles.Environment(redis: fleet.redis, keyspace: fleet.keyspace, products: products, blobs: blobs,
                                            vendors: try VendorCatalog.load(path: nil))
        return Worker(configuration: fleet.workerConfiguration(queues: roles, concurrency: 4),
                      handlers: Roles.handlers(for: roles, in: environment))
    }

    /// Removes the blob directory at once (a `Task` started in a `defer` may not run before the test
    /// process exits, and the directory would stay in the temporary directory) and deletes the test's
    /// keys in the background (best effort, as before: ops/test's Redis goes away after the run).
    func cleanUp() {
        try? FileManager.default.removeItem(at: blobs.directory)
        Task { [fleet] in await fleet.cleanUp() }
    }
}

/// The blob store's photos, counting how many are read and how many come with a kept mask.
final class CountedPhotos: PhotoSource {
    let blobs: BlobStore
    let reads = Mutex(0), masks = Mutex(0)
    init(_ blobs: BlobStore) { self.blobs = blobs }
    func photo(of item: Item) -> ItemPhoto? {
        reads.withLock { $0 += 1 }
        let photo = blobs.photo(of: item)
        if photo?.mask != nil { masks.withLock { $0 += 1 } }
        return photo
    }
    func keep(_ mask: ObjectSegmentation.Mask, for item: Item) { blobs.keep(mask, for: item) }
}

func photo(of design: ItemDesign, shot: Int) -> [UInt8] {
    Photographer.photograph(design, shot: shot, seed: 21).jpeg
}

@Suite struct MatchingTests {
    @Test func uploadsAreMatchedPricedAndAnnounced() async throws {
        let domain = DomainFleet()
        defer { domain.cleanUp() }
        let designs = DesignCatalogue.make(count: 40, seed: 3)
        let socks = designs.filter { $0.kind == .sock && $0.nearMissOf == nil }
        let sock = try #require(socks.first)
        let uploads = try domain.worker(roles: ["uploads"]), matching = try domain.worker(roles: ["matching"])
        try await withWorker(uploads) {
            try await withWorker(matching) {
                // Other users' lost socks already wait in the index: the matcher must pick the twin among them.
                for (n, other) in socks.dropFirst().prefix(6).enumerated() {
                    try await domain.uploader.upload(user: "other-\(n)", product: "sock", photo: photo(of: other, shot: 0), attributes: [:])
                }
                try await eventually("the index is filled") { try await domain.fleet.stats("matching").done == min(6, socks.count - 1) }
                try await domain.uploader.upload(user: "alice", product: "sock", photo: photo(of: sock, shot: 0), attributes: [:])
                try await domain.uploader.upload(user: "bob", product: "sock", photo: photo(of: sock, shot: 1), attributes: [:])
                try await domain.uploader.upload(user: "carol", product: "container", photo: photo(of: sock, shot: 0),
                                                 attributes: ["shape": "round", "diameter_mm": "150"])
                try await domain.uploader.upload(user: "dave", product: "lid", photo: photo(of: sock, shot: 1),
                                                 attributes: ["shape": "round", "diameter_mm": "151"])
                try await domain.uploader.upload(user: "erin", product: "lid", photo: photo(of: sock, shot: 0),
                                                 attributes: ["shape": "square", "width_mm": "135"])
                try await eventually("matching settled", timeout: .seconds(60)) {
                    try await domain.fleet.stats("matching").done == 5 + min(6, socks.count - 1)
                }
            }
        }
        let alice = try await domain.store.matches(for: "alice")
        #expect(alice.count == 1)
        #expect(alice.first?.userB == "bob" || alice.first?.userA == "bob")
        #expect(alice.first?.price.totalCents ?? 0 >= 400)
        let carol = try await domain.store.matches(for: "carol")
        #expect(carol.count == 1 && Set([carol[0].productA, carol[0].productB]) == ["container", "lid"])
        let offers = try await domain.store.offers(for: "erin")
        #expect(offers.count == 1 && offers[0].offer.kind == "container")
        // Each match announces itself to both users once, and each offer to its user, atomically with
        // the acks. (A lid processed before its container was filed also got an offer: nothing fit yet.)
        let all = try await domain.store.allMatches()
        #expect(all.count == 2, "matches: \(all.map { "\($0.userA)-\($0.userB) \($0.score)" })")
        var offerCount = 0
        for user in ["carol", "dave", "erin"] { offerCount += try await domain.store.offers(for: user).count }
        let activities = try await domain.fleet.stats("personalization")
        #expect(activities.ready == 2 * all.count + offerCount, "\(activities)")
    }

    @Test func badUploadsAreRefusedWithReasons() async throws {
        let domain = DomainFleet()
        defer { domain.cleanUp() }
        let uploader = domain.uploader
        let video = Array("\u{0}\u{0}\u{0}\u{18}ftypmp42".utf8) + Array(repeating: 0, count: 100)
        for (bytes, says) in [([UInt8](), "empty"), (video, "video is not supported yet"), (Array("GIF89a...".utf8), "GIF")] {
            do {
                try await uploader.upload(user: "u", product: "sock", photo: bytes, attributes: [:])
                Issue.record("an upload with \(says) was accepted")
            } catch let error as UploadError {
                #expect(error.reason.lowercased().contains(says.lowercased()), "\(error.reason)")
            }
        }
        await #expect(throws: ProductInputError.self) {
            try await uploader.upload(user: "u", product: "button-set", photo: [1], attributes: ["count": "3"])
        }
        // What the producer cannot see (a blob corrupted in the store, a product this worker lacks)
        // the uploads worker sends to the dead-letter queue with the reason.
        let truncated = Array(photo(of: DesignCatalogue.make(count: 1, seed: 1)[0], shot: 0).prefix(300))
        let key = try domain.blobs.put(truncated)
        let producer = domain.fleet.producer()
        try await producer.enqueue(try NewJob(queue: DomainJobs.uploads, type: "upload",
                                              encoding: DomainJobs.Upload(user: "u", product: "sock", attributes: [:], blob: key)))
        try await producer.enqueue(try NewJob(queue: DomainJobs.uploads, type: "upload",
                                              encoding: DomainJobs.Upload(user: "u", product: "earring", attributes: [:], blob: key)))
        try await withWorker(try domain.worker(roles: ["uploads"])) {
            try await eventually("both dead") { try await domain.fleet.stats("uploads").dead == 2 }
        }
        let reasons = try await domain.fleet.operatorAPI().listDeadJobs(in: DomainJobs.uploads).map(\.reason)
        #expect(reasons.contains { $0.contains("photo refused") }, "\(reasons)")
        #expect(reasons.contains { $0.contains("unknown product 'earring'") }, "\(reasons)")
    }

    /// An upload that runs again after it stored its item (its matching job held back by a full
    /// queue, or its worker killed before the ack) asks for the match again without reading and
    /// decoding its photo again: with the photo gone from the store, the second run still succeeds.
    @Test func anUploadThatRunsAgainDoesNotDecodeItsPhotoAgain() async throws {
        let domain = DomainFleet()
        defer { domain.cleanUp() }
        let sock = try #require(DesignCatalogue.make(count: 20, seed: 3).first { $0.kind == .sock })
        let upload = DomainJobs.Upload(user: "u", product: "sock", attributes: [:], blob: try domain.blobs.put(photo(of: sock, shot: 0)))
        let role = UploadsRole(products: domain.products, blobs: domain.blobs, store: domain.store)
        let first = JobContext.forTesting(id: JobID("up-1")), again = JobContext.forTesting(id: JobID("up-1"))
        try await role.handle(upload, context: first)
        let stored = try #require(try await domain.store.item("it-up-1"))
        #expect(stored.item.fingerprint != nil)
        try FileManager.default.removeItem(at: domain.blobs.directory)
        try await role.handle(upload, context: again)
        #expect(first.pendingFollowUps.map(\.type) == ["match"] && again.pendingFollowUps.map(\.payload) == first.pendingFollowUps.map(\.payload))
        #expect(try await domain.store.item("it-up-1")?.item.fingerprint == stored.item.fingerprint)
    }

    /// The upload keeps where it found the item beside the photo, so that the matcher's look at the
    /// photo (v11) need not find it again: the photo source hands back the very mask the fingerprint
    /// was computed with. A damaged mask file, or one of another segmentation method, is not used
    /// (the item is found again), and the photo still is.
    @Test func anUploadKeepsWhereItFoundTheItemBesideThePhoto() async throws {
        let domain = DomainFleet()
        defer { domain.cleanUp() }
        let sock = try #require(DesignCatalogue.make(count: 20, seed: 3).first { $0.kind == .sock })
        let bytes = photo(of: sock, shot: 0)
        let key = try domain.blobs.put(bytes)
        let role = UploadsRole(products: domain.products, blobs: domain.blobs, store: domain.store)
        try await role.handle(DomainJobs.Upload(user: "u", product: "sock", attributes: [:], blob: key), context: .forTesting(id: JobID("up-1")))
        let item = try #require(try await domain.store.item("it-up-1")?.item)
        let measured = Fingerprint.measuring(try ImageDecoder.decode(bytes, reducedFor: Fingerprint.workingLongSide))
        #expect(item.fingerprint == measured.fingerprint)
        let kept = try #require(domain.blobs.photo(of: item))
        #expect(kept.mask == measured.mask && kept.mask?.inside.contains(true) == true)

        var damaged = measured.mask.packed()
        damaged.removeLast()
        try domain.blobs.put(damaged, beside: key, as: BlobStore.maskName)
        #expect(domain.blobs.photo(of: item)?.mask == nil && domain.blobs.photo(of: item)?.image != nil)
        var older = measured.mask.packed()
        older[0] = UInt8(ObjectSegmentation.Mask.currentMethod - 1)
        try domain.blobs.put(older, beside: key, as: BlobStore.maskName)
        #expect(domain.blobs.photo(of: item)?.mask == nil)
    }

    /// After the fingerprint's method changed, `queuectl refingerprint` (`requestRefingerprints`)
    /// asks the uploads workers for every unmatched item with an older fingerprint. The worker
    /// computes it again from the photo, moves the item in the index, forgets its neighbours and asks
    /// for its match again; an item not yet filed only takes the new fingerprint. Current, matched
    /// and photo-less items are counted and left alone; a rerun of the job changes nothing, and an
    /// item whose photo is gone keeps its fingerprint with a reason.
    @Test func olderFingerprintsAreComputedAgainFromThePhotos() async throws {
        let domain = DomainFleet()
        defer { domain.cleanUp() }
        let socks = DesignCatalogue.make(count: 30, seed: 4).filter { $0.kind == .sock }
        let sock = try domain.products.product(named: "sock")
        let shot = photo(of: socks[0], shot: 0)
        let key = try domain.blobs.put(shot)
        // Stored as items were before the method was kept: a fingerprint (here another sock's, so that
        // a new one cannot be mistaken for it), no `fpm` field, neighbours met under the old fingerprint.
        let other = Fingerprint(image: Photographer.photograph(socks[1], shot: 0, seed: 21).image)
        func stored(_ id: String, photo: String?, legacy: Bool, state: String = "waiting") async throws -> Item {
            let item = Item(id: id, user: "user-\(id)", product: "sock", attributes: ItemAttributes(), fingerprint: other, createdAt: 1, photo: photo)
            try await domain.store.store(item)
            // A "new" item is stored and not yet filed: its match job has not run.
            if state != "new" { _ = try await domain.store.file(id, filing: sock.filing(of: item)) }
            if legacy { _ = try await domain.fleet.client.send("HDEL", domain.store.keys.item(id), "fpm") }
            _ = try await domain.fleet.client.send("HSET", domain.store.keys.item(id), "state", state, "n1", "0.5", "n1by", "x", "n2", "0.1")
            return try #require(try await domain.store.item(id)?.item)
        }
        let old = try await stored("old", photo: key, legacy: true)
        #expect(old.fingerprintMethod == 1)
        _ = try await stored("no-photo", photo: nil, legacy: true)
        _ = try await stored("current", photo: key, legacy: false)
        _ = try await stored("matched", photo: key, legacy: true, state: "matched")
        _ = try await stored("gone", photo: String(repeating: "0", count: 64), legacy: true)
        let unfiled = try await stored("unfiled", photo: key, legacy: true, state: "new")

        let requested = Mutex<[NewJob]>([])
        let census = try await UploadsRole.requestRefingerprints(in: domain.store, batch: 2) { jobs in requested.withLock { $0 += jobs } }
        var expected = UploadsRole.RefingerprintCensus()
        (expected.requested, expected.withoutPhoto, expected.current, expected.matched) = (3, 1, 1, 1)
        #expect(census == expected)
        #expect(requested.withLock { jobs in Set(jobs.map(\.type)) == ["refingerprint"] && jobs.count == 3 })

        // Through the queue: the uploads worker runs the job, and the item's match is asked for again.
        try await domain.fleet.producer().enqueue(try UploadsRole.refingerprintJob(for: "old"))
        try await withWorker(try domain.worker(roles: ["uploads"])) {
            try await eventually("refingerprinted") { try await domain.fleet.stats("uploads").done == 1 }
        }
        #expect(try await domain.fleet.stats("matching").ready == 1)
        let fresh = try #require(try await domain.store.item("old"))
        let expectedFingerprint = Fingerprint(image: try ImageDecoder.decode(shot, reducedFor: Fingerprint.workingLongSide))
        #expect(fresh.state == .waiting && fresh.item.fingerprint == expectedFingerprint)
        #expect(fresh.item.fingerprintMethod == Fingerprint.currentMethod && fresh.item.neighbours == nil)
        // The item left its old codes for its new ones (a code both share stays).
        let oldCodes = try #require(sock.filing(of: old).similarity), newCodes = try #require(sock.filing(of: fresh.item).similarity)
        #expect(oldCodes.codes != newCodes.codes)
        func filed(_ code: BucketCode, in space: String) async throws -> Bool {
            try await domain.fleet.client.send("ZSCORE", domain.store.keys.tree(space, code.tree), code.symbols + "|old").string != nil
        }
        for code in newCodes.codes { #expect(try await filed(code, in: newCodes.space)) }
        for code in oldCodes.codes where !newCodes.codes.contains(code) { #expect(try await filed(code, in: oldCodes.space) == false) }

        // Whatever was read before the refresh cannot write the old fingerprint's traces back: filing
        // (a match job's first step, or reindex) throws, a match is not recorded, neighbours are not noted.
        await #expect(throws: MatchStore.FingerprintChangedError.self) {
            try await domain.store.file("old", filing: sock.filing(of: old), method: old.fingerprintMethod)
        }
        for code in oldCodes.codes where !newCodes.codes.contains(code) { #expect(try await filed(code, in: oldCodes.space) == false) }
        #expect(try await domain.store.refreshFingerprint(of: old, filing: sock.filing(of: old), to: fresh.item, freshFiling: sock.filing(of: fresh.item)) == false)
        let current = try #require(try await domain.store.item("current")?.item)
        let raced = try await domain.store.recordMatch(old, filing: sock.filing(of: old), with: current, partnerFiling: sock.filing(of: current),
                                                       score: 0.9, price: PriceSuggestion(baseCents: 1, factors: []), algorithm: "v9")
        #expect(!raced.recorded && raced.matchID == nil)
        try await domain.store.noteNeighbours(of: old, scored: [(item: current, score: 0.9)])
        #expect(try await domain.store.item("old")?.item.neighbours == nil)
        #expect(try await domain.store.item("old")?.state == .waiting)

        // An item not yet filed takes the new fingerprint and stays out of the index for its match
        // job to file; its match is asked for again, in case that job read the old fingerprint.
        let role = UploadsRole(products: domain.products, blobs: domain.blobs, store: domain.store)
        let unfiledJob = JobContext.forTesting(id: JobID("unfiled"))
        try await role.handle(DomainJobs.Refingerprint(item: "unfiled"), context: unfiledJob)
        #expect(unfiledJob.pendingFollowUps.map(\.type) == ["match"])
        let refreshed = try #require(try await domain.store.item("unfiled"))
        #expect(refreshed.state == .new && refreshed.item.fingerprint == expectedFingerprint)
        #expect(refreshed.item.fingerprintMethod == Fingerprint.currentMethod && refreshed.item.neighbours == nil)
        let unfiledCodes = try #require(sock.filing(of: unfiled).similarity)
        for code in unfiledCodes.codes + newCodes.codes {
            #expect(try await domain.fleet.client.send("ZSCORE", domain.store.keys.tree(newCodes.space, code.tree), code.symbols + "|unfiled").string == nil)
        }
        await #expect(throws: MatchStore.FingerprintChangedError.self) {
            try await domain.store.file("unfiled", filing: sock.filing(of: unfiled), method: unfiled.fingerprintMethod)
        }

        // A rerun changes nothing and asks for nothing; the next request finds the item current.
        let rerun = JobContext.forTesting(id: JobID("rerun"))
        try await role.handle(DomainJobs.Refingerprint(item: "old"), context: rerun)
        #expect(rerun.pendingFollowUps.isEmpty)
        #expect(try await UploadsRole.requestRefingerprints(in: domain.store) { _ in }.current == 3)
        // Without a readable photo the item keeps its fingerprint, and the job says why.
        for (id, says) in [("gone", "keeps its fingerprint"), ("no-photo", "before items kept their photo's key"), ("nobody", "does not exist")] {
            do {
                try await role.handle(DomainJobs.Refingerprint(item: id), context: .forTesting(id: JobID(id)))
                Issue.record("refingerprinting '\(id)' succeeded")
            } catch let error as PermanentJobError {
                #expect(error.description.contains(says), "\(error)")
            }
        }
        #expect(try await domain.store.item("gone")?.item.fingerprint == other)
    }

    /// A fingerprint of an older layout (`Fingerprint.currentVersion`) cannot be read: the item is
    /// read without one, counted by `queuectl refingerprint` and computed again from its photo, and
    /// then filed under its new codes (an older release filed it under trees this one does not name).
    @Test func aFingerprintOfAnOlderLayoutIsComputedAgain() async throws {
        let domain = DomainFleet()
        defer { domain.cleanUp() }
        let design = try #require(DesignCatalogue.make(count: 30, seed: 4).first { $0.kind == .sock })
        let sock = try domain.products.product(named: "sock")
        let shot = photo(of: design, shot: 0)
        let key = try domain.blobs.put(shot)
        // As a release of layout 1 and method 3 stored and filed it: a version byte 1 and 398 values.
        var layout1 = RedisCommand("HSET", domain.store.keys.item("layout1"), "user", "ulla", "product", "sock", "attrs", "{\"values\":{}}",
                                   "created", "1", "photo", key, "fpm", "3", "state", "waiting", "fp")
        layout1.append([UInt8(1)] + [UInt8](repeating: 0, count: 1592))
        _ = try await domain.fleet.client.send(layout1)
        let old = try #require(try await domain.store.item("layout1")?.item)
        #expect(old.fingerprint == nil && old.hasUnreadableFingerprint && old.hasOlderFingerprint)
        let census = try await UploadsRole.requestRefingerprints(in: domain.store) { _ in }
        #expect(census.requested == 1)
        let expected = Fingerprint(image: try ImageDecoder.decode(shot, reducedFor: Fingerprint.workingLongSide))
        let codes = try #require(IndexFiling.buckets(of: expected, in: "sock").similarity)
        func filed() async throws -> Int {
            var count = 0
            for code in codes.codes where try await domain.fleet.client.send("ZSCORE", domain.store.keys.tree(codes.space, code.tree), code.symbols + "|layout1").string != nil {
                count += 1
            }
            return count
        }
        #expect(try await filed() == 0)

        let role = UploadsRole(products: domain.products, blobs: domain.blobs, store: domain.store)
        let job = JobContext.forTesting(id: JobID("layout1"))
        try await role.handle(DomainJobs.Refingerprint(item: "layout1"), context: job)
        #expect(job.pendingFollowUps.map(\.type) == ["match"])
        let fresh = try #require(try await domain.store.item("layout1"))
        #expect(fresh.state == .waiting && fresh.item.fingerprint == expected && !fresh.item.hasUnreadableFingerprint)
        #expect(fresh.item.fingerprintMethod == Fingerprint.currentMethod)
        #expect(sock.filing(of: fresh.item).similarity == codes)
        #expect(try await filed() == codes.codes.count)
    }

    /// Two workers handle the two halves of a pair at the same moment, many times over: each pair
    /// is matched exactly once.
    @Test func racingWorkersRecordEachMatchOnce() async throws {
        let domain = DomainFleet(products: ProductCatalog.standard)
        defer { domain.cleanUp() }
        let role = MatchingRole(products: domain.products, store: domain.store,
                                flags: FeatureFlags(client: domain.fleet.client, keyspace: domain.fleet.keyspace),
                                vendors: VendorCatalog(entries: []))
        let pairs = 30
        for n in 0..<pairs {
            for side in ["a", "b"] {
                let attributes = ItemAttributes(["shape": "round", "diameter_mm": "\(100 + n * 10)"])
                try await domain.store.store(Item(id: "\(side)\(n)", user: "\(side)-user", product: side == "a" ? "container" : "lid",
                                                  attributes: attributes, fingerprint: nil, createdAt: n))
            }
        }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for n in 0..<pairs {
                for side in ["a", "b"] {
                    group.addTask {
                        let context = JobContext.forTesting(id: JobID("\(side)\(n)"))
                        _ = try await role.handle(DomainJobs.Match(item: "\(side)\(n)"), context: context)
                    }
                }
            }
            try await group.waitForAll()
        }
        let matches = try await domain.store.matches(for: "a-user", limit: 1000)
        #expect(matches.count == pairs)
        #expect(Set(matches.map(\.itemA) + matches.map(\.itemB)).count == pairs * 2)
    }

    @Test func aNewProductPlugsInWithoutTouchingTheWorkers() async throws {
        let domain = DomainFleet(products: ProductCatalog.standard.adding(BoardGamePiece()))
        defer { domain.cleanUp() }
        let design = try #require(DesignCatalogue.make(count: 20, seed: 8).first { $0.kind == .sock })
        try await withWorker(try domain.worker(roles: ["uploads", "matching"])) {
            try await domain.uploader.upload(user: "p1", product: "board-game-piece", photo: photo(of: design, shot: 0), attributes: ["game": "ludo"])
            try await domain.uploader.upload(user: "p2", product: "board-game-piece", photo: photo(of: design, shot: 1), attributes: ["game": "ludo"])
            try await eventually("matched", timeout: .seconds(60)) { try await domain.store.matches(for: "p1").count == 1 }
        }
        let match = try #require(try await domain.store.matches(for: "p2").first)
        #expect(match.price.totalCents == 300)
        #expect(match.price.explanation == "3.00 EUR = base 1.50 × 2.00 (collector's game)")
    }

    /// v7 takes the count of waiting items from the lookup: with one sock waiting, a candidate 2.60
    /// away and alone is a match under v7 (alone below 2.65 among few items), not under v4 (2.55).
    @Test func v7LoosensWhereFewItemsWait() async throws {
        let design = try #require(DesignCatalogue.make(count: 10, seed: 5).first { $0.kind == .sock })
        let original = Fingerprint(image: Photographer.photograph(design, shot: 0, seed: 5).image)
        // The same fingerprint with its layout moved until the learned distance is 2.60: the index
        // codes (colour, spectrum, outline) stay the same, so the lookup finds it.
        func moved(_ t: Float) -> Fingerprint {
            var out = original
            out.layout = original.layout.enumerated().map { $0.element + t * ($0.offset % 2 == 0 ? 1 : -1) }
            return out
        }
        var (low, high): (Float, Float) = (0, 1)
        while LearnedMetric.standard.distance(original, moved(high)) < 2.6 { high *= 2 }
        for _ in 0..<40 {
            let middle = (low + high) / 2
            if LearnedMetric.standard.distance(original, moved(middle)) < 2.6 { low = middle } else { high = middle }
        }
        let query = moved(high)
        #expect(abs(LearnedMetric.standard.distance(original, query) - 2.6) < 0.01)
        for (algorithm, matches) in [("v4", false), ("v7", true)] {
            let domain = DomainFleet(products: ProductCatalog.standard)
            defer { domain.cleanUp() }
            let flags = FeatureFlags(client: domain.fleet.client, keyspace: domain.fleet.keyspace)
            try await flags.set(MatchingRole.algorithmFlag, FlagRollout(variant: algorithm, fallback: algorithm, percent: 100))
            let role = MatchingRole(products: domain.products, store: domain.store, flags: flags, vendors: VendorCatalog(entries: []))
            for (id, fingerprint) in [("waiting", original), ("query", query)] {
                try await domain.store.store(Item(id: id, user: "u-\(id)", product: "sock", attributes: ItemAttributes(),
                                                  fingerprint: fingerprint, createdAt: 0))
            }
            #expect(try await role.handle(DomainJobs.Match(item: "waiting"), context: .forTesting(id: JobID("waiting"))) == .waiting)
            let outcome = try await role.handle(DomainJobs.Match(item: "query"), context: .forTesting(id: JobID("query")))
            #expect((outcome != .waiting) == matches, "\(algorithm): \(outcome)")
        }
    }

    /// v8 weighs what the best candidate has met: a query 2.60 from a waiting sock, alone, is a
    /// match when the sock has met nothing (below v8's alone 2.65), and not when a stranger once came
    /// 2.8 from it (the query must then be clearly closer than that), though v7 takes it either way.
    /// The stranger's match job notes it in the sock's neighbours, through the role.
    @Test func v8RefusesWhatTheCandidateHasMetAsClose() async throws {
        let design = try #require(DesignCatalogue.make(count: 10, seed: 5).first { $0.kind == .sock })
        let original = Fingerprint(image: Photographer.photograph(design, shot: 0, seed: 5).image)
        // The fingerprint with its layout moved (index codes unchanged) to a learned distance `d`, on
        // one side (+1) or the other (-1): the query and the stranger lie far apart from each other.
        func moved(to d: Float, side: Float) -> Fingerprint {
            func at(_ t: Float) -> Fingerprint {
                var out = original
                out.layout = original.layout.enumerated().map { $0.element + side * t * ($0.offset % 2 == 0 ? 1 : -1) }
                return out
            }
            var (low, high): (Float, Float) = (0, 1)
            while LearnedMetric.standard.distance(original, at(high)) < d { high *= 2 }
            for _ in 0..<40 {
                let middle = (low + high) / 2
                if LearnedMetric.standard.distance(original, at(middle)) < d { low = middle } else { high = middle }
            }
            return at(high)
        }
        let query = moved(to: 2.6, side: 1), stranger = moved(to: 2.8, side: -1)
        #expect(LearnedMetric.standard.distance(query, stranger) > 3.95, "the stranger is below the photo floor for the query")
        for (algorithm, withStranger, matches) in [("v8", false, true), ("v8", true, false), ("v7", true, true)] {
            let domain = DomainFleet(products: ProductCatalog.standard)
            defer { domain.cleanUp() }
            let flags = FeatureFlags(client: domain.fleet.client, keyspace: domain.fleet.keyspace)
            try await flags.set(MatchingRole.algorithmFlag, FlagRollout(variant: algorithm, fallback: algorithm, percent: 100))
            let role = MatchingRole(products: domain.products, store: domain.store, flags: flags, vendors: VendorCatalog(entries: []))
            var arrivals = [("waiting", original)]
            if withStranger { arrivals.append(("stranger", stranger)) }
            for (id, fingerprint) in arrivals + [("query", query)] {
                try await domain.store.store(Item(id: id, user: "u-\(id)", product: "sock", attributes: ItemAttributes(),
                                                  fingerprint: fingerprint, createdAt: 0))
            }
            for (id, _) in arrivals {
                #expect(try await role.handle(DomainJobs.Match(item: id), context: .forTesting(id: JobID(id))) == .waiting)
            }
            let neighbours = try #require(try await domain.store.item("waiting")?.item.neighbours)
            if withStranger {
                #expect(neighbours.bestBy == "stranger")
                #expect(abs(-log(neighbours.best) - 2.8) < 0.01)
            } else {
                #expect(neighbours.best == 0, "met nothing")
            }
            let outcome = try await role.handle(DomainJobs.Match(item: "query"), context: .forTesting(id: JobID("query")))
            #expect((outcome != .waiting) == matches, "\(algorithm), stranger \(withStranger): \(outcome)")
        }
    }

    /// After an upgrade to v8, `survey` lets the waiting items that have not looked around do so
    /// (filing alone notes nothing); a second survey finds none left, and matched items are skipped.
    @Test func aSurveyLetsWaitingItemsLookAroundOnce() async throws {
        let domain = DomainFleet(products: ProductCatalog.standard)
        defer { domain.cleanUp() }
        let role = MatchingRole(products: domain.products, store: domain.store, flags: FeatureFlags(client: domain.fleet.client, keyspace: domain.fleet.keyspace),
                                vendors: VendorCatalog(entries: []))
        let design = try #require(DesignCatalogue.make(count: 10, seed: 5).first { $0.kind == .sock })
        for shot in 0..<3 {
            let item = Item(id: "s\(shot)", user: "u\(shot)", product: "sock", attributes: ItemAttributes(),
                            fingerprint: Fingerprint(image: Photographer.photograph(design, shot: shot, seed: 5).image), createdAt: 0)
            try await domain.store.store(item)
            _ = try await domain.store.file(item.id, filing: try domain.products.product(named: "sock").filing(of: item))
            #expect(try await domain.store.item(item.id)?.item.neighbours == nil)
        }
        #expect(try await role.survey(batch: 2) == 3)
        for shot in 0..<3 {
            let neighbours = try #require(try await domain.store.item("s\(shot)")?.item.neighbours)
            #expect(neighbours.best > 0 && neighbours.second > 0, "two photos of its design met")
        }
        #expect(try await role.survey() == 0)
    }

    /// v5 decides by the photos: a sock's second photo matches its first, but not its near miss (the
    /// same dots, 1.3 times as far apart), which v4's rule takes when it waits alone (1.73 away, closer
    /// than the sock's own first photo, 2.09); without readable photos (items stored before photos
    /// were kept) v4's numbers decide.
    @Test func v5DecidesByThePhotosAndFallsBackWithoutThem() async throws {
        let designs = DesignCatalogue.make(count: 208, seed: 2)
        let sock = designs[11]
        guard case .dots(let ground, let dot, let spacing, let radius) = sock.pattern else {
            Issue.record("design 11 of seed 2 is expected to have dots, not \(sock.pattern.kindName)"); return
        }
        let nearMiss = ItemDesign(id: 207, kind: .sock, pattern: .dots(ground, dot, spacing: 1.3 * spacing, radius: radius), shape: sock.shape)
        /// Stores an item with the given photo of `design` and runs its match job under `algorithm`.
        func match(_ id: String, _ design: ItemDesign, shot: Int, in domain: DomainFleet, algorithm: String = "v5",
                   keepPhoto: Bool = true) async throws -> MatchingRole.Outcome {
            let flags = FeatureFlags(client: domain.fleet.client, keyspace: domain.fleet.keyspace)
            try await flags.set(MatchingRole.algorithmFlag, FlagRollout(variant: algorithm, fallback: algorithm, percent: 100))
            let role = MatchingRole(products: domain.products, store: domain.store, flags: flags, vendors: VendorCatalog(entries: []),
                                    photos: domain.blobs)
            // Stored as the uploads worker stores it: the photo, with its mask beside it.
            let photo = Photographer.photograph(design, shot: shot, seed: 2)
            let key = try domain.blobs.put(photo.jpeg)
            let measured = Fingerprint.measuring(try ImageDecoder.decode(photo.jpeg, reducedFor: Fingerprint.workingLongSide))
            try domain.blobs.putMask(measured.mask, ofPhoto: key)
            try await domain.store.store(Item(id: id, user: "u-\(id)", product: "sock", attributes: ItemAttributes(),
                                              fingerprint: measured.fingerprint, createdAt: 0, photo: keepPhoto ? key : nil))
            return try await role.handle(DomainJobs.Match(item: id), context: .forTesting(id: JobID(id)))
        }
        for algorithm in ["v5", "v4"] {
            let domain = DomainFleet(products: ProductCatalog.standard)
            defer { domain.cleanUp() }
            #expect(try await match("near", nearMiss, shot: 0, in: domain, algorithm: algorithm) == .waiting)
            let outcome = try await match("second", sock, shot: 1, in: domain, algorithm: algorithm)
            #expect(algorithm == "v5" ? outcome == .waiting : outcome != .waiting, "\(algorithm): \(outcome)")
        }
        let domain = DomainFleet(products: ProductCatalog.standard)
        defer { domain.cleanUp() }
        _ = try await match("first", sock, shot: 0, in: domain)
        #expect(try await domain.store.item("first")?.item.photo != nil)
        #expect(try await match("second", sock, shot: 1, in: domain) != .waiting)
        let matches = try await domain.store.matches(for: "u-second")
        #expect(matches.count == 1 && Set([matches[0].itemA, matches[0].itemB]) == ["first", "second"] && matches[0].algorithm == "v5")
        // The same photo twice, without photo keys: nothing to look at, and 0 apart.
        _ = try await match("plain-a", designs[40], shot: 0, in: domain, keepPhoto: false)
        #expect(try await match("plain-b", designs[40], shot: 0, in: domain, keepPhoto: false) != .waiting)
    }

    /// v11 lays the best candidate's photo over the job's before deciding: a sock's second photo
    /// matches its first with both photos read, with the masks their uploads kept; photos without
    /// masks get theirs kept by the look; without readable photos (items stored before photos were
    /// kept) its numbers, v10's, decide, and nothing is read.
    @Test func v11ConfirmsByThePhotosAndFallsBackWithoutThem() async throws {
        let domain = DomainFleet(products: ProductCatalog.standard)
        defer { domain.cleanUp() }
        let flags = FeatureFlags(client: domain.fleet.client, keyspace: domain.fleet.keyspace)
        try await flags.set(MatchingRole.algorithmFlag, FlagRollout(variant: "v11", fallback: "v11", percent: 100))
        let photos = CountedPhotos(domain.blobs)
        let role = MatchingRole(products: domain.products, store: domain.store, flags: flags, vendors: VendorCatalog(entries: []), photos: photos)
        func match(_ id: String, _ design: ItemDesign, shot: Int, keepPhoto: Bool = true, keepMask: Bool = true) async throws -> MatchingRole.Outcome {
            // Stored as the uploads worker stores it: the photo, with its mask beside it (or, as
            // before masks were kept, without).
            let photo = Photographer.photograph(design, shot: shot, seed: 2)
            let key = try domain.blobs.put(photo.jpeg)
            let measured = Fingerprint.measuring(try ImageDecoder.decode(photo.jpeg, reducedFor: Fingerprint.workingLongSide))
            if keepMask { try domain.blobs.putMask(measured.mask, ofPhoto: key) }
            try await domain.store.store(Item(id: id, user: "u-\(id)", product: "sock", attributes: ItemAttributes(),
                                              fingerprint: measured.fingerprint, createdAt: 0, photo: keepPhoto ? key : nil))
            return try await role.handle(DomainJobs.Match(item: id), context: .forTesting(id: JobID(id)))
        }
        let designs = DesignCatalogue.make(count: 41, seed: 2)
        #expect(try await match("first", designs[11], shot: 0) == .waiting)
        #expect(photos.reads.withLock { $0 } == 0, "no candidate, nothing to look at")
        #expect(try await match("second", designs[11], shot: 1) != .waiting)
        #expect(photos.reads.withLock { $0 } == 2 && photos.masks.withLock { $0 } == 2, "the job's photo and its best candidate's, with their masks")
        let matches = try await domain.store.matches(for: "u-second")
        #expect(matches.count == 1 && Set([matches[0].itemA, matches[0].itemB]) == ["first", "second"] && matches[0].algorithm == "v11")
        // The same two photos again (the same blob keys: the store is emptied first), one as uploaded
        // before masks were kept, the other with a mask of another size than its photo's working
        // copy: the look finds both items again, as the upload would have, and keeps their masks.
        try FileManager.default.removeItem(at: domain.blobs.directory)
        #expect(try await match("old-a", designs[11], shot: 0, keepMask: false) == .waiting)
        let oldA = try #require(try await domain.store.item("old-a")?.item.photo)
        let packed = Fingerprint.measuring(try ImageDecoder.decode(try domain.blobs.get(oldA), reducedFor: Fingerprint.workingLongSide)).mask.packed()
        try domain.blobs.put(Array(packed[0..<1] + packed[3..<5] + packed[1..<3] + packed[5...]), beside: oldA, as: BlobStore.maskName)
        #expect(try await match("old-b", designs[11], shot: 1, keepMask: false) != .waiting)
        #expect(photos.reads.withLock { $0 } == 4 && photos.masks.withLock { $0 } == 3, "two kept masks, one of the wrong size")
        for id in ["old-a", "old-b"] {
            let item = try #require(try await domain.store.item(id)?.item)
            let image = try ImageDecoder.decode(try domain.blobs.get(try #require(item.photo)), reducedFor: Fingerprint.workingLongSide)
            let kept = domain.blobs.photo(of: item)?.mask == Fingerprint.measuring(image).mask
            #expect(kept, "the mask of \(id)'s photo was kept")
        }
        // Without photo keys: v10's numbers decide (the same photo twice, 0 apart).
        _ = try await match("plain-a", designs[40], shot: 0, keepPhoto: false)
        #expect(try await match("plain-b", designs[40], shot: 0, keepPhoto: false) != .waiting)
        // A sock and a fingerprint between its photo's and another sock's, beyond the confirmation's
        // ceiling (3.5) but within the photo floor (3.9) of the first: the best candidate is scored,
        // and refused without a photo read.
        let ceiling = try #require(MatchingRole.rules["v11"]?.confirmation?.ceiling)
        let socks = DesignCatalogue.make(count: 10, seed: 2).filter { $0.kind == .sock }.prefix(2).map { design in
            let jpeg = Photographer.photograph(design, shot: 0, seed: 2).jpeg
            return (design, Fingerprint(image: try! ImageDecoder.decode(jpeg, reducedFor: Fingerprint.workingLongSide)))
        }
        let target = Float(ceiling + -log(Item.photoFloor)) / 2
        var (near, far) = (Float(0), Float(1))
        try #require(LearnedMetric.standard.distance(socks[0].1, socks[1].1) > target, "two socks farther apart than the window")
        for _ in 0..<30 {
            let t = (near + far) / 2
            if LearnedMetric.standard.distance(socks[0].1, socks[0].1.blended(toward: socks[1].1, by: t)) < target { near = t } else { far = t }
        }
        let apart = Double(LearnedMetric.standard.distance(socks[0].1, socks[0].1.blended(toward: socks[1].1, by: near)))
        try #require(apart > ceiling + 0.05 && apart < -log(Item.photoFloor) - 0.05, "\(apart) lies between the ceiling and the photo floor")
        let readsBefore = photos.reads.withLock { $0 }
        #expect(try await match("far-a", socks[0].0, shot: 0) == .waiting)
        try await domain.store.store(Item(id: "far-b", user: "u-far-b", product: "sock", attributes: ItemAttributes(),
                                          fingerprint: socks[0].1.blended(toward: socks[1].1, by: near), createdAt: 0,
                                          photo: try domain.blobs.put(Photographer.photograph(socks[1].0, shot: 0, seed: 2).jpeg)))
        let sock = try domain.products.product(named: "sock")
        let found = try await domain.store.candidates(for: sock.filing(of: try #require(try await domain.store.item("far-b")?.item)),
                                                      excludingUser: "u-far-b", excludingItem: "far-b", limit: 30)
        try #require(found.items.map(\.id) == ["far-a"], "the far sock is the one candidate")
        #expect(try await role.handle(DomainJobs.Match(item: "far-b"), context: .forTesting(id: JobID("far-b"))) == .waiting)
        #expect(photos.reads.withLock { $0 } == readsBefore, "beyond the ceiling, no photo is read")
    }

    /// A matching worker of `domain` running `algorithm` for every user, reading photos through a
    /// counter.
    private func matching(by algorithm: String, in domain: DomainFleet) async throws -> (MatchingRole, CountedPhotos) {
        let flags = FeatureFlags(client: domain.fleet.client, keyspace: domain.fleet.keyspace)
        try await flags.set(MatchingRole.algorithmFlag, FlagRollout(variant: algorithm, fallback: algorithm, percent: 100))
        let photos = CountedPhotos(domain.blobs)
        return (MatchingRole(products: domain.products, store: domain.store, flags: flags, vendors: VendorCatalog(entries: []), photos: photos), photos)
    }

    /// v12 takes what v11 takes unless the runner-up's photo lines up with the job's better. Here the
    /// best candidate is the sock's other photo, which v11 takes; the runner-up carries the
    /// fingerprint of a third photo of the sock (farther, within the confirmation's ceiling) but the
    /// job's very photo, which lines up better than any other: v12 reads it and leaves the item
    /// waiting. With another design's photo behind the runner-up instead, v12 reads it and takes the
    /// best, as v11 does, and so do v13 to v15: the best photo's lead over a stranger's only
    /// adds to its score.
    @Test func v12WaitsWhenTheRunnerUpLinesUpBetter() async throws {
        let ceiling = Float(try #require(MatchingRole.rules["v12"]?.confirmation?.ceiling))
        let designs = DesignCatalogue.make(count: 5, seed: 2)
        let sock = designs[4]
        let jpeg = (0..<2).map { Photographer.photograph(sock, shot: $0, seed: 2).jpeg }
        func fingerprint(_ bytes: [UInt8]) throws -> Fingerprint { Fingerprint(image: try ImageDecoder.decode(bytes, reducedFor: Fingerprint.workingLongSide)) }
        let query = try fingerprint(jpeg[1]), partner = try fingerprint(jpeg[0])
        let third = try fingerprint(Photographer.photograph(sock, shot: 0, seed: 10).jpeg)
        let metric = LearnedMetric.standard
        try #require(sock.kind == .sock && metric.distance(query, third) > metric.distance(query, partner) + 0.3 && metric.distance(query, third) < ceiling - 0.05,
                     "the third photo is farther than the partner's, within the ceiling")
        let strangersPhoto = Photographer.photograph(designs[3], shot: 0, seed: 2).jpeg
        for (algorithm, runnerUpShowsTheJob) in [("v11", true), ("v12", true), ("v12", false), ("v13", false), ("v14", false), ("v15", false)] {
            let domain = DomainFleet(products: ProductCatalog.standard)
            defer { domain.cleanUp() }
            let (role, photos) = try await matching(by: algorithm, in: domain)
            let ownKey = try domain.blobs.put(jpeg[1]), partnerKey = try domain.blobs.put(jpeg[0])
            let runnerUpKey = runnerUpShowsTheJob ? ownKey : try domain.blobs.put(strangersPhoto)
            for (id, print, key) in [("partner", partner, partnerKey), ("runner-up", third, runnerUpKey), ("job", query, ownKey)] {
                try await domain.store.store(Item(id: id, user: "u-\(id)", product: "sock", attributes: ItemAttributes(), fingerprint: print, createdAt: 0, photo: key))
            }
            // The two candidates are filed without a search of their own (which would let them meet).
            let product = try domain.products.product(named: "sock")
            for id in ["partner", "runner-up"] {
                let item = try #require(try await domain.store.item(id)?.item)
                _ = try await domain.store.file(id, filing: product.filing(of: item), method: item.fingerprintMethod)
            }
            let job = try #require(try await domain.store.item("job")?.item)
            let found = try await domain.store.candidates(for: product.filing(of: job), excludingUser: "u-job", excludingItem: "job", limit: 30)
            try #require(Set(found.items.map(\.id)) == ["partner", "runner-up"], "the index finds both candidates")
            let before = photos.reads.withLock { $0 }
            let outcome = try await role.handle(DomainJobs.Match(item: "job"), context: .forTesting(id: JobID("job")))
            let read = photos.reads.withLock { $0 } - before
            if algorithm == "v12" && runnerUpShowsTheJob {
                #expect(outcome == .waiting, "the runner-up lines up better: v12 waits")
                #expect(try await domain.store.matches(for: "u-job").isEmpty)
            } else {
                #expect(outcome != .waiting, "\(algorithm) takes the best candidate, the sock's other photo")
                #expect(try await domain.store.matches(for: "u-job").first.map { Set([$0.itemA, $0.itemB]) } == ["job", "partner"])
            }
            #expect(read == (algorithm == "v11" ? 2 : 3), "the job's photo and the best candidate's, and from v12 on the runner-up's")
        }
    }

    /// v13 judges a runner-up whose photo lines up better than the best candidate's in its place.
    /// Two candidates carry the same fingerprint, the sock's other photo's: the first filed (the
    /// best, among equals) shows another design, the second the sock itself. v12 refuses the best,
    /// whose photo disagrees, and the item waits; v13 reads the runner-up's photo too, which lines up
    /// far better, and matches the job with it.
    @Test func v13TakesTheRunnerUpWhosePhotoLinesUpBetter() async throws {
        for algorithm in ["v12", "v13", "v14", "v15", "v16", "v17", "v18", "v19", "v20", "v21", "v22", "v23", "v24", "v25", "v26"] {
            let (outcome, matched) = try await matchBehindDecoys(1, by: algorithm)
            if algorithm == "v12" {
                #expect(outcome == .waiting && matched == nil, "v12 refuses the best, whose photo shows another design")
            } else {
                #expect(outcome != .waiting && matched == ["job", "partner"], "\(algorithm) takes the runner-up, whose photo lines up better")
            }
        }
    }

    /// v22 looks at up to five candidates' photos: behind two decoys that carry its fingerprint and
    /// show another design, the partner comes third, and only v22 sees it. v21 looks at the two
    /// decoys, neither of which leads the other, and the item waits.
    @Test func v22TakesAThirdCandidateWhosePhotoLinesUpBest() async throws {
        for algorithm in ["v21", "v22", "v23", "v24", "v25", "v26"] {
            let (outcome, matched) = try await matchBehindDecoys(2, by: algorithm)
            if algorithm == "v21" {
                #expect(outcome == .waiting && matched == nil, "v21 looks at the best and the runner-up only")
            } else {
                #expect(outcome != .waiting && matched == ["job", "partner"], "\(algorithm) takes the third, whose photo lines up best")
            }
        }
    }

    /// The match job of a sock (design 4 of seed 2, its second photo) under `algorithm`, with its
    /// partner (the first photo) filed after `decoys` items that carry the partner's fingerprint
    /// and show another design (design 3), so that the partner comes after them among equals.
    private func matchBehindDecoys(_ decoys: Int, by algorithm: String) async throws -> (outcome: MatchingRole.Outcome, matched: Set<String>?) {
        let designs = DesignCatalogue.make(count: 5, seed: 2)
        let sock = designs[4]
        let jpeg = (0..<2).map { Photographer.photograph(sock, shot: $0, seed: 2).jpeg }
        func fingerprint(_ bytes: [UInt8]) throws -> Fingerprint { Fingerprint(image: try ImageDecoder.decode(bytes, reducedFor: Fingerprint.workingLongSide)) }
        let query = try fingerprint(jpeg[1]), partner = try fingerprint(jpeg[0])
        try #require(sock.kind == .sock, "design 4 of seed 2 is a sock")
        let strangersPhoto = Photographer.photograph(designs[3], shot: 0, seed: 2).jpeg
        let domain = DomainFleet(products: ProductCatalog.standard)
        defer { domain.cleanUp() }
        let (role, _) = try await matching(by: algorithm, in: domain)
        let keys = (own: try domain.blobs.put(jpeg[1]), partner: try domain.blobs.put(jpeg[0]), stranger: try domain.blobs.put(strangersPhoto))
        let filed = (0..<decoys).map { ("decoy\($0)", keys.stranger, $0) } + [("partner", keys.partner, decoys)]
        for (id, key, created) in filed {
            try await domain.store.store(Item(id: id, user: "u-\(id)", product: "sock", attributes: ItemAttributes(), fingerprint: partner, createdAt: created, photo: key))
        }
        try await domain.store.store(Item(id: "job", user: "u-job", product: "sock", attributes: ItemAttributes(), fingerprint: query, createdAt: decoys + 1, photo: keys.own))
        // The candidates are filed without a search of their own (which would let them meet).
        let product = try domain.products.product(named: "sock")
        for (id, _, _) in filed {
            let item = try #require(try await domain.store.item(id)?.item)
            _ = try await domain.store.file(id, filing: product.filing(of: item), method: item.fingerprintMethod)
        }
        let outcome = try await role.handle(DomainJobs.Match(item: "job"), context: .forTesting(id: JobID("job")))
        return (outcome, try await domain.store.matches(for: "u-job").first.map { Set([$0.itemA, $0.itemB]) })
    }

    /// A button set photographed by its owner and the same buttons laid out anew by another (design
    /// 66 of seed 1, `laidOutAnew`): laid over each other whole, the photos agree 0.76, and v14
    /// leaves the item waiting; v15 also compares them button by button (1.50, less its discount
    /// of 0.5) and matches them. Not every set laid out anew gets this far: of the first 20 button
    /// sets of seed 1, each alone with its partner among few waiting items, v15 would take 2 and v14
    /// 1 (design 128, which lines up whole); the fingerprint, which the
    /// arrangement moves, puts most partners too far (README, "Button sets laid out anew").
    @Test func v15MatchesAButtonSetLaidOutAnew() async throws {
        let set = DesignCatalogue.make(count: 67, seed: 1)[66]
        let facts = try #require(set.shape.buttonFacts)
        let moved = try #require(set.laidOutAnew(seed: 7))
        let jpeg = [Photographer.photograph(set, shot: 0, seed: 1).jpeg, Photographer.photograph(moved, shot: 1, seed: 1).jpeg]
        let prints = try jpeg.map { Fingerprint(image: try ImageDecoder.decode($0, reducedFor: Fingerprint.workingLongSide)) }
        for algorithm in ["v14", "v15", "v16", "v17", "v18", "v19", "v20", "v21", "v22", "v23", "v24", "v25", "v26"] {
            let (outcome, matched) = try await matchButtonSet(by: algorithm, facts: facts, jpeg: jpeg, filed: prints[0], query: prints[1])
            if algorithm == "v14" {
                #expect(outcome == .waiting && matched == nil, "v14 lays the photos over each other whole only")
            } else {
                #expect(outcome != .waiting && matched == ["job", "partner"], "\(algorithm) compares the buttons one by one")
            }
        }
    }

    /// A button set's match job under `algorithm` against its partner alone in the index, both
    /// stating the set's `facts` (see `matchPair`).
    private func matchButtonSet(by algorithm: String, facts: (count: Int, holes: Int, diameterMM: Double), jpeg: [[UInt8]], filed: Fingerprint, query: Fingerprint) async throws
        -> (outcome: MatchingRole.Outcome, matched: Set<String>?) {
        let attributes = ItemAttributes(["count": "\(facts.count)", "holes": "\(facts.holes)", "diameter_mm": "\(facts.diameterMM)"])
        return try await matchPair(of: "button-set", attributes: attributes, by: algorithm, jpeg: jpeg, filed: filed, query: query)
    }

    /// A `product` item's match job under `algorithm` against its partner alone in the index: the
    /// partner filed with `jpeg[0]` and the `filed` fingerprint, the job with `jpeg[1]` and `query`,
    /// both with `attributes`. Returns what the job did and the pair matched.
    private func matchPair(of product: String, attributes: ItemAttributes = ItemAttributes(), by algorithm: String, jpeg: [[UInt8]],
                           filed: Fingerprint, query: Fingerprint) async throws -> (outcome: MatchingRole.Outcome, matched: Set<String>?) {
        let domain = DomainFleet(products: ProductCatalog.standard)
        defer { domain.cleanUp() }
        let (role, _) = try await matching(by: algorithm, in: domain)
        for (id, index, print) in [("partner", 0, filed), ("job", 1, query)] {
            try await domain.store.store(Item(id: id, user: "u-\(id)", product: product, attributes: attributes, fingerprint: print,
                                              createdAt: index, photo: try domain.blobs.put(jpeg[index])))
        }
        let plugIn = try domain.products.product(named: product)
        let partner = try #require(try await domain.store.item("partner")?.item)
        _ = try await domain.store.file("partner", filing: plugIn.filing(of: partner), method: partner.fingerprintMethod)
        let outcome = try await role.handle(DomainJobs.Match(item: "job"), context: .forTesting(id: JobID("job")))
        return (outcome, try await domain.store.matches(for: "u-job").first.map { Set([$0.itemA, $0.itemB]) })
    }

    /// A sock whose two photos' fingerprints lie 4.3 apart (as a colour cast or a poor outline can
    /// put them; here the filed photo's fingerprint is blended toward another sock's): beyond v15's
    /// photo floor (3.9), v15 never scores the partner and the item waits. v16 scores candidates
    /// down to e^−5.3 and looks at the best one's photo out to 5.0; the two photos of this sock line
    /// up well (agreement 1.78 under fingerprint method 9's outlines), and it matches them. (Not
    /// every pair lines up that well: the two photos of each of the first four socks of seed 2 agree
    /// 1.57 to 1.78 under method 9, not measured against v16's threshold at this distance; under
    /// method 8 they agreed 1.50 to 1.79, and two would have waited, their score short of it.)
    @Test func v16JudgesAFarPartnerByItsPhoto() async throws {
        let (_, jpeg, moved, query) = try farPair()
        for algorithm in ["v15", "v16", "v17", "v18", "v19", "v20", "v21", "v22", "v23", "v24", "v25", "v26"] {
            let domain = DomainFleet(products: ProductCatalog.standard)
            defer { domain.cleanUp() }
            let (role, _) = try await matching(by: algorithm, in: domain)
            for (id, index, print) in [("partner", 0, moved), ("job", 1, query)] {
                try await domain.store.store(Item(id: id, user: "u-\(id)", product: "sock", attributes: ItemAttributes(), fingerprint: print,
                                                  createdAt: index, photo: try domain.blobs.put(jpeg[index])))
            }
            let sock = try domain.products.product(named: "sock")
            let partner = try #require(try await domain.store.item("partner")?.item)
            _ = try await domain.store.file("partner", filing: sock.filing(of: partner), method: partner.fingerprintMethod)
            let job = try #require(try await domain.store.item("job")?.item)
            let found = try await domain.store.candidates(for: sock.filing(of: job), excludingUser: "u-job", excludingItem: "job", limit: 30,
                                                          shallowestPrefix: MatchingRole.rule(for: algorithm).shallowestPrefix)
            try #require(found.items.map(\.id) == ["partner"], "the index finds the far partner")
            // v15's floor refuses the partner before any ceiling could: it is not even scored.
            let scored = sock.compatibility(of: job, with: partner, photos: MatchingRole.photoComparison(for: algorithm, query: job))
            #expect((scored == nil) == (algorithm == "v15"), "\(algorithm) scores the far partner: \(String(describing: scored))")
            let outcome = try await role.handle(DomainJobs.Match(item: "job"), context: .forTesting(id: JobID("job")))
            let matched = try await domain.store.matches(for: "u-job").first.map { Set([$0.itemA, $0.itemB]) }
            if algorithm == "v15" {
                #expect(outcome == .waiting && matched == nil, "v15 leaves the item waiting")
            } else {
                #expect(outcome != .waiting && matched == ["job", "partner"], "\(algorithm) judges the far partner by its photo")
            }
        }
    }

    /// v20 judges a set of loose pieces more by its photos than by its distances. A button set of
    /// seed 2 (the seventh; laid over each other whole, its photos agree 1.56 under fingerprint
    /// method 9's outlines) whose filed photo's fingerprint is put 4.5 from the query's, alone among
    /// few waiting items: its photos line up well enough for v20 (the distance term weighing 0.5,
    /// the threshold 1.75) and not for v19 (0.75 and 1.95), which leaves the item waiting. Alone
    /// at d 4.5 that holds for an agreement between 1.46 and 1.58 (the lead counts its usual 0.15):
    /// a change to the photo check that moves this set's agreement out of that window fails here.
    @Test func v20JudgesAFarButtonSetMoreByItsPhotos() async throws {
        let (design, jpeg, filed, query) = try farPair(of: .buttonSet, 6, apart: 4.5)
        let facts = try #require(design.shape.buttonFacts)
        for algorithm in ["v19", "v20"] {
            let (outcome, matched) = try await matchButtonSet(by: algorithm, facts: facts, jpeg: jpeg, filed: filed, query: query)
            if algorithm == "v19" {
                #expect(outcome == .waiting && matched == nil, "v19 weighs the distance too much to take it")
            } else {
                #expect(outcome != .waiting && matched == ["job", "partner"], "v20 takes the set whose photos line up")
            }
        }
    }

    /// v21 judges a sock's photos by the sock's own weighing of the look (`Sock.photoWeighing`). The
    /// fourth sock of seed 2, whose filed photo's fingerprint is put 4.5 from the query's, alone
    /// among few waiting items: its photos line up in pattern better than in colour, and agree 1.57
    /// plainly (v20) and 1.68 as a sock (v21), under fingerprint method 9's outlines. Alone at d
    /// 4.5 a best candidate is taken when it agrees over 1.95 − 0.15 − 0.75 ln(6 / 4.5) = 1.58: v20
    /// leaves the item waiting and v21 matches it. A change to the photo check that moves either
    /// agreement across 1.58 fails here.
    @Test func v21JudgesASockByItsOwnWeighingOfThePhotos() async throws {
        let (_, jpeg, filed, query) = try farPair(of: .sock, 3, apart: 4.5)
        for algorithm in ["v20", "v21"] {
            let (outcome, matched) = try await matchPair(of: "sock", by: algorithm, jpeg: jpeg, filed: filed, query: query)
            if algorithm == "v20" {
                #expect(outcome == .waiting && matched == nil, "v20 judges the plain agreement, short of the threshold")
            } else {
                #expect(outcome != .waiting && matched == ["job", "partner"], "v21 judges the sock's weighing, over it")
            }
        }
    }

    /// The two photos of a design of seed 2 (the `index`-th of `kind`), with the filed photo's
    /// fingerprint blended toward the previous one's of that kind until it lies `apart` from the
    /// query's: beyond v15's photo floor (3.9), within v16's ceiling (5.0).
    private func farPair(of kind: ItemKind = .sock, _ index: Int = 1, apart target: Float = 4.3) throws
        -> (design: ItemDesign, jpeg: [[UInt8]], filed: Fingerprint, query: Fingerprint) {
        let designs = DesignCatalogue.make(count: 60, seed: 2).filter { $0.kind == kind }
        let jpeg = [Photographer.photograph(designs[index], shot: 0, seed: 2).jpeg, Photographer.photograph(designs[index], shot: 1, seed: 2).jpeg]
        func fingerprint(_ bytes: [UInt8]) throws -> Fingerprint { Fingerprint(image: try ImageDecoder.decode(bytes, reducedFor: Fingerprint.workingLongSide)) }
        let (filed, query) = (try fingerprint(jpeg[0]), try fingerprint(jpeg[1]))
        let other = try fingerprint(Photographer.photograph(designs[index - 1], shot: 0, seed: 2).jpeg)
        let metric = LearnedMetric.standard
        try #require(metric.distance(query, other) > target, "the other \(kind) lies beyond the target")
        var (near, far) = (Float(0), Float(1))
        for _ in 0..<30 {
            let t = (near + far) / 2
            if metric.distance(query, filed.blended(toward: other, by: t)) < target { near = t } else { far = t }
        }
        let moved = filed.blended(toward: other, by: near)
        let apart = Double(metric.distance(query, moved))
        try #require(apart > -log(Item.photoFloor) + 0.1 && apart < 5.0 - 0.1, "\(apart) lies beyond v15's floor and within v16's ceiling")
        return (designs[index], jpeg, moved, query)
    }

    /// v17's lookup widens a sparse tree down to a 6-symbol prefix: a sock whose filed photo's
    /// fingerprint lies 4.5 from the query's shares 11 symbols with it in no tree (v16's lookup
    /// finds nothing, and its job scores nothing) but 6 in several, and v17's job finds and scores
    /// it (noted in the item's neighbours; whether it is then matched is its photo's business).
    @Test func v17FindsAPartnerInASparseIndexThatV16Misses() async throws {
        let (_, _, filed, query) = try farPair(3, apart: 4.5)
        let apart = Double(LearnedMetric.standard.distance(query, filed))
        let shared = zip(filed.bucketCodes(), query.bucketCodes()).map { a, b in zip(a.symbols, b.symbols).prefix { $0 == $1 }.count }
        let widest = try #require(MatchingRole.rules["v17"]?.shallowestPrefix)
        try #require(shared.allSatisfy { $0 < MatchStore.shallowestPrefix } && shared.contains { $0 >= widest }, "\(shared)")
        for algorithm in ["v16", "v17"] {
            let domain = DomainFleet(products: ProductCatalog.standard)
            defer { domain.cleanUp() }
            let (role, _) = try await matching(by: algorithm, in: domain)
            let sock = try domain.products.product(named: "sock")
            for (id, print) in [("partner", filed), ("job", query)] {
                try await domain.store.store(Item(id: id, user: "u-\(id)", product: "sock", attributes: ItemAttributes(), fingerprint: print, createdAt: 0))
            }
            let partner = try #require(try await domain.store.item("partner")?.item)
            _ = try await domain.store.file("partner", filing: sock.filing(of: partner))
            _ = try await role.handle(DomainJobs.Match(item: "job"), context: .forTesting(id: JobID("job")))
            let noted = try #require(try await domain.store.item("job")?.item.neighbours?.best(excluding: "a job"))
            if algorithm == "v16" {
                #expect(noted == 0, "v16's lookup finds nothing")
            } else {
                #expect(abs(-log(noted) - apart) < 0.01, "v17 scored the partner at \(-log(noted)), not \(apart)")
            }
        }
    }

    /// A survey lets each item look around as its user's version would: the two far photos of
    /// `farPair` (a sock's, 4.3 apart) note each other as neighbours under v16, which scores down to
    /// e^−5.3, and nothing under v15, whose floor (e^−3.9) they lie beyond; the pair 4.5 apart that
    /// only v17's lookup finds (`v17FindsAPartnerInASparseIndexThatV16Misses`) notes nothing under
    /// v16 and each other under v17.
    @Test func aSurveyLooksAroundAsTheItemsVersionWould() async throws {
        let pairs = [4.3: try farPair(), 4.5: try farPair(3, apart: 4.5)]
        for (algorithm, pair, notes) in [("v15", 4.3, false), ("v16", 4.3, true), ("v16", 4.5, false), ("v17", 4.5, true)] {
            let (_, _, filed, query) = try #require(pairs[pair])
            let apart = Double(LearnedMetric.standard.distance(query, filed))
            let domain = DomainFleet(products: ProductCatalog.standard)
            defer { domain.cleanUp() }
            let (role, _) = try await matching(by: algorithm, in: domain)
            let sock = try domain.products.product(named: "sock")
            for (id, print) in [("a", filed), ("b", query)] {
                let item = Item(id: id, user: "u-\(id)", product: "sock", attributes: ItemAttributes(), fingerprint: print, createdAt: 0)
                try await domain.store.store(item)
                _ = try await domain.store.file(id, filing: sock.filing(of: item))
            }
            #expect(try await role.survey() == 2)
            for id in ["a", "b"] {
                let noted = try #require(try await domain.store.item(id)?.item.neighbours?.best(excluding: "a job"), "\(id) looked around")
                if notes {
                    #expect(abs(-log(noted) - apart) < 0.01, "under \(algorithm) \(id) noted the other at \(-log(noted)), not \(apart)")
                } else {
                    #expect(noted == 0, "under \(algorithm) \(id) has nothing near (the pair \(pair) apart)")
                }
            }
        }
    }

    /// A blob store on a stalled network share must not stop the worker's other tasks: the photo
    /// check reads and measures photos on threads of its own, never on the cooperative pool.
    @Test func aStalledPhotoShareLeavesTheCooperativePoolFree() async throws {
        /// A share that answers nothing for 1.5 s, then fails (the check then leaves it to the numbers).
        final class StalledPhotos: PhotoSource {
            let waiting = Mutex(0)
            func photo(of item: Item) -> ItemPhoto? {
                waiting.withLock { $0 += 1 }
                Thread.sleep(forTimeInterval: 1.5)
                return nil
            }
        }
        let domain = DomainFleet(products: ProductCatalog.standard)
        defer { domain.cleanUp() }
        let flags = FeatureFlags(client: domain.fleet.client, keyspace: domain.fleet.keyspace)
        try await flags.set(MatchingRole.algorithmFlag, FlagRollout(variant: "v5", fallback: "v5", percent: 100))
        let photos = StalledPhotos()
        let role = MatchingRole(products: domain.products, store: domain.store, flags: flags, vendors: VendorCatalog(entries: []), photos: photos)
        let sock = DesignCatalogue.make(count: 12, seed: 2)[11]
        let jobs = ProcessInfo.processInfo.activeProcessorCount * 2
        for (index, shot) in ([0] + Array(repeating: 1, count: jobs)).enumerated() {
            let photo = Photographer.photograph(sock, shot: shot, seed: 2)
            try await domain.store.store(Item(id: "s\(index)", user: "u-\(index)", product: "sock", attributes: ItemAttributes(),
                                              fingerprint: Fingerprint(image: photo.image), createdAt: index, photo: try domain.blobs.put(photo.jpeg)))
        }
        // The first photo waits in the index (no candidate yet, so no photo is read): every later
        // job has it as a candidate and reads photos.
        #expect(try await role.handle(DomainJobs.Match(item: "s0"), context: .forTesting(id: JobID("s0"))) == .waiting)
        #expect(photos.waiting.withLock { $0 } == 0)
        let started = ContinuousClock.now
        try await withThrowingTaskGroup(of: Void.self) { group in
            for index in 1...jobs {
                group.addTask { _ = try await role.handle(DomainJobs.Match(item: "s\(index)"), context: .forTesting(id: JobID("s\(index)"))) }
            }
            // As many stalled reads as cores would hold every cooperative thread if they ran there;
            // ordinary tasks must still run to completion long before the first read gives up.
            try await eventually("the jobs are waiting for the share") { photos.waiting.withLock { $0 } >= ProcessInfo.processInfo.activeProcessorCount }
            let progress = try await eightShortTasks()
            let progressAt = ContinuousClock.now - started
            #expect(progress == 28)
            #expect(progressAt < .milliseconds(1200), "other tasks waited \(progressAt) behind photo reads")
            try await group.waitForAll()
        }
    }

    @Test func theAlgorithmVersionFollowsTheFlag() async throws {
        let domain = DomainFleet()
        defer { domain.cleanUp() }
        let flags = FeatureFlags(client: domain.fleet.client, keyspace: domain.fleet.keyspace)
        try await flags.set(MatchingRole.algorithmFlag, FlagRollout(variant: "v2", fallback: "v1", percent: 100))
        let role = MatchingRole(products: domain.products, store: domain.store, flags: flags, vendors: VendorCatalog(entries: []))
        for (id, product) in [("c", "container"), ("l", "lid")] {
            try await domain.store.store(Item(id: id, user: "u-\(id)", product: product,
                                              attributes: ItemAttributes(["shape": "square", "width_mm": "100"]), fingerprint: nil, createdAt: 0))
        }
        _ = try await role.handle(DomainJobs.Match(item: "c"), context: .forTesting(id: JobID("c")))
        _ = try await role.handle(DomainJobs.Match(item: "l"), context: .forTesting(id: JobID("l")))
        #expect(try await domain.store.matches(for: "u-c").first?.algorithm == "v2")
    }
}
