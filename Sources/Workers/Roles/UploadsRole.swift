import Foundation
import Imaging
import QueueKit

/// The uploads worker: reads an upload's photo from the blob store, decodes it (JPEG, PNG),
/// fingerprints it, stores the item, and enqueues its matching job atomically with the ack.
/// Anything wrong with the upload goes to the dead-letter queue with the reason. It also computes
/// stored items' fingerprints again when the method changed (`refingerprint` jobs).
public struct UploadsRole: Sendable {
    public let products: ProductCatalog
    public let blobs: BlobStore
    public let store: MatchStore
    /// Largest image accepted, in pixels (decompression bombs). Default 40 megapixels.
    public var maxPixels: Int = ImageDecoder.defaultMaxPixels

    public init(products: ProductCatalog, blobs: BlobStore, store: MatchStore) {
        self.products = products
        self.blobs = blobs
        self.store = store
    }

    public func register(into handlers: inout JobHandlers) {
        handlers.register("upload", payload: DomainJobs.Upload.self) { upload, context in
            try await handle(upload, context: context)
        }
        handlers.register("refingerprint", payload: DomainJobs.Refingerprint.self) { request, context in
            try await handle(request, context: context)
        }
    }

    func handle(_ upload: DomainJobs.Upload, context: JobContext) async throws {
        let attributes = ItemAttributes(upload.attributes)
        let product: any Product
        do {
            product = try products.product(named: upload.product)
            try product.validate(attributes)
        } catch {
            throw PermanentJobError(error.description)
        }
        // The item id comes from the job id, so a repeated run stores the same item once. A run
        // after the item was stored (the matching job was held back by a full queue, or the worker
        // died before the ack) only asks for the match again: the photo is not read and decoded again.
        let itemID = "it-\(context.id.rawValue)"
        let match = try NewJob(queue: DomainJobs.matching, type: "match", encoding: DomainJobs.Match(item: itemID))
        if try await store.contains(itemID) {
            context.enqueueOnSuccess(match)
            return
        }
        let fingerprint: Fingerprint?
        do {
            fingerprint = try await self.fingerprint(ofPhoto: upload.blob, logger: context.logger)
        } catch let error as BlobError {
            if product.needsPhoto { throw PermanentJobError(error.description) }
            fingerprint = nil
        }
        let item = Item(id: itemID, user: upload.user, product: product.name, attributes: attributes,
                        fingerprint: fingerprint, createdAt: context.enqueuedAt,
                        photo: fingerprint == nil ? nil : upload.blob)
        try await store.store(item)
        context.enqueueOnSuccess(match)
    }

    /// Computes a waiting item's fingerprint again from its photo by the current method, moves it
    /// to its new place in the index (`MatchStore.refreshFingerprint`) and asks for its match again
    /// (with the ack), so that it looks around with the new fingerprint: a partner the old one
    /// missed may be waiting. An item not yet filed (stored by a worker of the older method, its
    /// match job still queued) takes the new fingerprint too, and its match is asked for all the
    /// same: a match job that read the old one stops when it files. Items already current or
    /// matched are left alone; an item whose photo cannot be read goes to the dead-letter queue with
    /// the reason and keeps its fingerprint.
    func handle(_ request: DomainJobs.Refingerprint, context: JobContext) async throws {
        guard let stored = try await store.item(request.item) else {
            throw PermanentJobError("item \(request.item) does not exist")
        }
        let item = stored.item
        guard stored.state == .waiting || stored.state == .new, item.hasOlderFingerprint else { return }
        guard let product = products[item.product] else {
            throw PermanentJobError("item \(item.id) is a '\(item.product)', which this worker does not know")
        }
        guard let photo = item.photo else {
            throw PermanentJobError("item \(item.id) keeps its fingerprint: it was stored before items kept their photo's key")
        }
        var fresh = item
        do {
            fresh.fingerprint = try await fingerprint(ofPhoto: photo, logger: context.logger)
        } catch let error as BlobError {
            throw PermanentJobError("item \(item.id) keeps its fingerprint: \(error.description)")
        }
        fresh.fingerprintMethod = Fingerprint.currentMethod
        fresh.hasUnreadableFingerprint = false
        fresh.neighbours = nil
        guard try await store.refreshFingerprint(of: item, filing: product.filing(of: item), to: fresh, freshFiling: product.filing(of: fresh))
        else { return }
        context.enqueueOnSuccess(try NewJob(queue: DomainJobs.matching, type: "match", encoding: DomainJobs.Match(item: item.id)))
    }

    /// The fingerprint of a photo in the blob store, decoded and computed off the cooperative pool.
    /// Where the item was found in the photo is kept beside it (`BlobStore.putMask`), so that the
    /// matching worker's look at the photo need not find it again; a mask that cannot be kept is
    /// logged and the upload goes on (the look is then slower, not different). Throws `BlobError`
    /// when the photo cannot be read, and a permanent job error with the reason when it cannot be
    /// decoded.
    private func fingerprint(ofPhoto key: String, logger: Logger) async throws -> Fingerprint {
        let measured: (fingerprint: Fingerprint, maskNotKept: String?)
        do {
            measured = try await PhotoWork.run { [blobs, maxPixels] in
                let found = Fingerprint.measuring(try ImageDecoder.decode(try blobs.get(key), maxPixels: maxPixels,
                                                                          reducedFor: Fingerprint.workingLongSide))
                do {
                    try blobs.putMask(found.mask, ofPhoto: key)
                    return (found.fingerprint, nil)
                } catch {
                    return (found.fingerprint, "\(error)")
                }
            }
        } catch let error as ImageDecodingError {
            throw PermanentJobError("photo refused: \(error.message)")
        }
        if let reason = measured.maskNotKept {
            logger.warning("photo mask not kept; matches will find the item again", ["blob": key, "reason": reason])
        }
        return measured.fingerprint
    }
}

extension UploadsRole {
    /// What `requestRefingerprints` found among the stored items.
    public struct RefingerprintCensus: Sendable, Equatable, Codable {
        /// Unmatched items (waiting, or stored and not yet filed) with a fingerprint older than the
        /// current method, readable or of an older layout: asked for.
        public var requested = 0
        /// Unmatched items with an older fingerprint and no photo key (stored before items kept it):
        /// they keep their fingerprint.
        public var withoutPhoto = 0
        /// Unmatched items whose fingerprint is current, or that have none (a stored fingerprint of
        /// the current method that cannot be read, which no release writes, counts here too).
        public var current = 0
        /// Matched items, left alone.
        public var matched = 0

        public init() {}
    }

    /// The job that fingerprints `item` again. Its idempotency key names the item and the method, so
    /// a request repeated within a day adds nothing.
    public static func refingerprintJob(for item: String) throws -> NewJob {
        try NewJob(queue: DomainJobs.uploads, type: "refingerprint", encoding: DomainJobs.Refingerprint(item: item),
                   idempotencyKey: "refingerprint:\(item):m\(Fingerprint.currentMethod)")
    }

    /// Asks for every unmatched item whose fingerprint is older than the current method to be
    /// fingerprinted again, handing `enqueue` the jobs of each SCAN batch (the caller waits out a
    /// full queue). Safe to repeat and to run beside the workers.
    public static func requestRefingerprints(in store: MatchStore, batch: Int = 500,
                                             enqueue: @Sendable ([NewJob]) async throws -> Void) async throws -> RefingerprintCensus {
        var census = RefingerprintCensus()
        // SCAN may return an item twice; each is counted once.
        var seen = Set<String>()
        try await store.forEachItem(batch: batch) { stored in
            var jobs: [NewJob] = []
            for (item, state) in stored where seen.insert(item.id).inserted {
                if state == .matched {
                    census.matched += 1
                } else if !item.hasOlderFingerprint {
                    census.current += 1
                } else if item.photo == nil {
                    census.withoutPhoto += 1
                } else {
                    jobs.append(try refingerprintJob(for: item.id))
                }
            }
            // In small batches: each is enqueued whole or refused whole against the queue's depth limit.
            for start in stride(from: 0, to: jobs.count, by: 100) {
                let batch = Array(jobs[start..<min(start + 100, jobs.count)])
                try await enqueue(batch)
                census.requested += batch.count
            }
        }
        return census
    }
}
