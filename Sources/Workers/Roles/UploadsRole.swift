import Foundation
import Imaging
import QueueKit

/// The uploads worker: reads an upload's photo from the blob store, decodes it (JPEG, PNG),
/// fingerprints it, stores the item, and enqueues its matching job atomically with the ack.
/// Anything wrong with the upload goes to the dead-letter queue with the reason.
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
            fingerprint = try await PhotoWork.run { [blobs, maxPixels] in
                Fingerprint(image: try ImageDecoder.decode(try blobs.get(upload.blob), maxPixels: maxPixels,
                                                           reducedFor: Fingerprint.workingLongSide))
            }
        } catch let error as ImageDecodingError {
            throw PermanentJobError("photo refused: \(error.message)")
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
}
