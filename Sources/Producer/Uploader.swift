import Foundation
import Imaging
import QueueKit
import Workers

/// What the app calls when a user uploads a photo of a lost item: checks what it can (product,
/// attributes, the photo's format and size), stores the photo in the content-addressed blob store,
/// and enqueues the upload job, which carries the blob key, never the bytes.
public struct Uploader: Sendable {
    public let producer: Producer
    public let blobs: BlobStore
    public let products: ProductCatalog
    public var maxPixels: Int = ImageDecoder.defaultMaxPixels

    public init(producer: Producer, blobs: BlobStore, products: ProductCatalog = .standard) {
        self.producer = producer
        self.blobs = blobs
        self.products = products
    }

    /// Enqueues an upload and returns its job id. The same user uploading the same photo again
    /// within a day gets the first upload's job id. Throws `ProductInputError`, `UploadError`,
    /// `EnqueueError` (queue full past the producer's patience) or a Redis error.
    @discardableResult
    public func upload(user: String, product name: String, photo: [UInt8], attributes: [String: String]) async throws -> JobID {
        guard !user.isEmpty, user.utf8.count <= 128 else { throw UploadError(reason: "the user id must be 1-128 characters") }
        let product = try products.product(named: name)
        try product.validate(ItemAttributes(attributes))
        // Decoding and writing the blob block a thread (the share may be a network mount): off the pool.
        let blob = try await PhotoWork.run { [blobs, maxPixels] in
            do throws(ImageDecodingError) {
                _ = try ImageDecoder.decode(photo, maxPixels: maxPixels, reducedFor: Fingerprint.workingLongSide)
            } catch {
                throw UploadError(reason: "photo refused: \(error.message)")
            }
            return try blobs.put(photo)
        }
        let job = try NewJob(queue: DomainJobs.uploads, type: "upload",
                             encoding: DomainJobs.Upload(user: user, product: product.name, attributes: attributes, blob: blob),
                             idempotencyKey: "upload:\(user):\(blob)")
        return try await producer.enqueue(job)
    }
}

/// An upload refused before it was enqueued.
public struct UploadError: Error, Sendable, CustomStringConvertible {
    public let reason: String
    public init(reason: String) { self.reason = reason }
    public var description: String { "upload refused: \(reason)" }
}
