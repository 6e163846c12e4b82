/// Why an enqueue was refused. Nothing of a refused call was stored.
public struct EnqueueError: Error, Sendable, CustomStringConvertible {
    public enum Code: Sendable, Hashable {
        /// The queue is at its maximum depth; try again after `retryAfter`.
        case queueFull
        /// The payload is larger than the producer's limit.
        case payloadTooLarge
        /// A field of the job is out of range (type, attempts, idempotency key).
        case invalidJob
    }

    public let code: Code
    public let queue: QueueName
    public let message: String
    /// For `queueFull`: when trying again makes sense.
    public let retryAfter: Duration?

    public init(code: Code, queue: QueueName, message: String, retryAfter: Duration? = nil) {
        self.code = code
        self.queue = queue
        self.message = message
        self.retryAfter = retryAfter
    }

    public var description: String { "enqueue to queue '\(queue)' refused: \(message)" }
}
