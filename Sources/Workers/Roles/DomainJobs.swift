import QueueKit

/// The domain queues and the payloads that travel on them. Payloads carry customer ids and blob
/// keys, never personal data or image bytes.
public enum DomainJobs {
    public static let uploads = try! QueueName("uploads")
    public static let matching = try! QueueName("matching")
    public static let personalization = try! QueueName("personalization")

    /// `upload` on `uploads`: a user's photo of a lost item, stored in the blob store.
    public struct Upload: Codable, Sendable, Equatable {
        public var user: String
        public var product: String
        public var attributes: [String: String]
        /// SHA-256 of the photo in the blob store.
        public var blob: String

        public init(user: String, product: String, attributes: [String: String], blob: String) {
            self.user = user
            self.product = product
            self.attributes = attributes
            self.blob = blob
        }
    }

    /// `refingerprint` on `uploads`: compute a waiting item's fingerprint again from its photo, by
    /// the current method (`queuectl refingerprint` asks for it after the method changed).
    public struct Refingerprint: Codable, Sendable, Equatable {
        public var item: String
        public init(item: String) { self.item = item }
    }

    /// `match` on `matching`: find a partner for a stored item.
    public struct Match: Codable, Sendable, Equatable {
        public var item: String
        public init(item: String) { self.item = item }
    }

    /// `activity` on `personalization`: something happened to a user (a match, an offer).
    /// Idempotent by (user, event).
    public struct Activity: Codable, Sendable, Equatable {
        public var user: String
        /// `match:<id>` or `offer:<item id>`.
        public var event: String
        public var product: String
        public init(user: String, event: String, product: String) {
            self.user = user
            self.event = event
            self.product = product
        }
    }
}
