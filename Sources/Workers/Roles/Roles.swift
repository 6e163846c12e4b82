import Foundation
import QueueKit

/// The process roles of the `workers` executable and the handlers each runs. Every role also runs
/// the diagnostic job types (`noop`, `sleep`, `fail`).
public enum Roles {
    /// What the domain roles need around them.
    public struct Environment: Sendable {
        public var redis: RedisConfiguration
        public var keyspace: Keyspace
        public var products: ProductCatalog
        public var blobs: BlobStore
        public var vendors: VendorCatalog

        public init(redis: RedisConfiguration, keyspace: Keyspace, products: ProductCatalog = .standard,
                    blobs: BlobStore = .fromEnvironment(), vendors: VendorCatalog) {
            self.redis = redis
            self.keyspace = keyspace
            self.products = products
            self.blobs = blobs
            self.vendors = vendors
        }
    }

    /// The role names, each also the name of the queue it serves.
    public static let names = ["uploads", "matching"]

    /// Handlers for the diagnostic job types only.
    public static func handlers() -> JobHandlers {
        var handlers = JobHandlers()
        DiagnosticJobs.register(into: &handlers)
        return handlers
    }

    /// Handlers for the given roles (unknown names are refused by the caller with `names`).
    public static func handlers(for roles: [String], in environment: Environment) -> JobHandlers {
        var handlers = Self.handlers()
        let client = RedisClient(environment.redis.named("roles"))
        let store = MatchStore(client: client, keyspace: environment.keyspace)
        if roles.contains("uploads") {
            UploadsRole(products: environment.products, blobs: environment.blobs, store: store).register(into: &handlers)
        }
        if roles.contains("matching") {
            MatchingRole(products: environment.products, store: store,
                         flags: FeatureFlags(client: client, keyspace: environment.keyspace),
                         vendors: environment.vendors, photos: environment.blobs).register(into: &handlers)
        }
        return handlers
    }
}
