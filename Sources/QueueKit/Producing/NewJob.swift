import Foundation

/// A job to enqueue.
public struct NewJob: Sendable {
    public var queue: QueueName
    public var type: String
    public var payload: [UInt8]
    /// Attempts before the job goes to the dead-letter queue. Default 5.
    public var maxAttempts: Int
    /// When to run it, ms since 1970; `nil` runs it as soon as a worker is free.
    public var runAt: Int?
    public var tenant: String?
    /// A repeated enqueue with the same key (within `idempotencyWindow`) is a no-op that returns the
    /// first job's id.
    public var idempotencyKey: String?
    /// How long an idempotency key is remembered. Default 24 h.
    public var idempotencyWindow: Duration

    public init(
        queue: QueueName, type: String, payload: [UInt8] = Array("{}".utf8), maxAttempts: Int = 5,
        runAt: Int? = nil, tenant: String? = nil, idempotencyKey: String? = nil,
        idempotencyWindow: Duration = .seconds(86_400)
    ) {
        self.queue = queue
        self.type = type
        self.payload = payload
        self.maxAttempts = maxAttempts
        self.runAt = runAt
        self.tenant = tenant
        self.idempotencyKey = idempotencyKey
        self.idempotencyWindow = idempotencyWindow
    }

    /// A job whose payload is `payload` encoded as JSON.
    public init(
        queue: QueueName, type: String, encoding payload: some Encodable, maxAttempts: Int = 5,
        runAt: Int? = nil, tenant: String? = nil, idempotencyKey: String? = nil
    ) throws {
        let data = try JSONEncoder().encode(payload)
        self.init(queue: queue, type: type, payload: Array(data), maxAttempts: maxAttempts, runAt: runAt,
                  tenant: tenant, idempotencyKey: idempotencyKey)
    }
}
