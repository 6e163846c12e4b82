/// The built-in job types every worker process can run, for benchmarks, smoke tests and drills:
/// `noop` does nothing, `sleep` waits `ms` milliseconds, `fail` throws `message` (every attempt, so
/// the job ends in the dead-letter queue; `permanent: true` skips the retries).
public enum DiagnosticJobs {
    public struct Empty: Codable, Sendable { public init() {} }

    public struct Sleep: Codable, Sendable {
        public var ms: Int
        public init(ms: Int) { self.ms = ms }
    }

    public struct Fail: Codable, Sendable {
        public var message: String
        public var permanent: Bool?
        public init(message: String, permanent: Bool? = nil) {
            self.message = message
            self.permanent = permanent
        }
    }

    /// The error a `fail` job throws.
    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    /// Adds `noop`, `sleep` and `fail` to `handlers`.
    public static func register(into handlers: inout JobHandlers, retry: RetryPolicy = .exponentialJitter(base: .milliseconds(200), cap: .seconds(5))) {
        handlers.register("noop", payload: Empty.self) { _, _ in }
        handlers.register("sleep", payload: Sleep.self) { payload, _ in
            guard (0...3_600_000).contains(payload.ms) else {
                throw PermanentJobError("sleep of \(payload.ms) ms is outside 0-3600000")
            }
            try await Task.sleep(for: .milliseconds(payload.ms))
        }
        handlers.register("fail", payload: Fail.self, retry: retry) { payload, _ in
            if payload.permanent == true { throw PermanentJobError(payload.message) }
            throw Failure(description: payload.message)
        }
    }
}
