import Foundation

/// A job as stored and leased: the versioned envelope around a job type's payload. Jobs carry
/// customer ids, never personal data; the payload is opaque bytes (JSON for typed handlers).
public struct JobEnvelope: Sendable, Hashable, Codable {
    /// The envelope format this build writes. A worker refuses a major version it does not know.
    public static let currentVersion = 1

    public var version: Int
    public var id: JobID
    public var queue: QueueName
    public var type: String
    /// Attempts started so far, this one included (1 on the first run).
    public var attempt: Int
    public var maxAttempts: Int
    /// When the job was enqueued, ms since 1970.
    public var enqueuedAt: Int
    public var tenant: String?
    public var idempotencyKey: String?
    public var payload: [UInt8]

    public init(
        version: Int = JobEnvelope.currentVersion, id: JobID, queue: QueueName, type: String, attempt: Int,
        maxAttempts: Int, enqueuedAt: Int, tenant: String? = nil, idempotencyKey: String? = nil, payload: [UInt8]
    ) {
        self.version = version
        self.id = id
        self.queue = queue
        self.type = type
        self.attempt = attempt
        self.maxAttempts = maxAttempts
        self.enqueuedAt = enqueuedAt
        self.tenant = tenant
        self.idempotencyKey = idempotencyKey
        self.payload = payload
    }

    enum CodingKeys: String, CodingKey {
        case version = "v", id, queue, type, attempt, maxAttempts = "max", enqueuedAt = "enq", tenant
        case idempotencyKey = "idem", payload
    }

    /// Encodes the payload as text when it is UTF-8 (JSON payloads stay readable), else base64.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(version, forKey: .version)
        try c.encode(id, forKey: .id)
        try c.encode(queue, forKey: .queue)
        try c.encode(type, forKey: .type)
        try c.encode(attempt, forKey: .attempt)
        try c.encode(maxAttempts, forKey: .maxAttempts)
        try c.encode(enqueuedAt, forKey: .enqueuedAt)
        try c.encodeIfPresent(tenant, forKey: .tenant)
        try c.encodeIfPresent(idempotencyKey, forKey: .idempotencyKey)
        try c.encode(String(decoding: payload, as: UTF8.self), forKey: .payload)
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        version = try c.decode(Int.self, forKey: .version)
        guard version == JobEnvelope.currentVersion else {
            throw JobDecodingError(jobID: nil, reason: "unknown envelope version \(version) (this worker reads version \(JobEnvelope.currentVersion))")
        }
        id = try c.decode(JobID.self, forKey: .id)
        queue = try c.decode(QueueName.self, forKey: .queue)
        type = try c.decode(String.self, forKey: .type)
        attempt = try c.decode(Int.self, forKey: .attempt)
        maxAttempts = try c.decode(Int.self, forKey: .maxAttempts)
        enqueuedAt = try c.decode(Int.self, forKey: .enqueuedAt)
        tenant = try c.decodeIfPresent(String.self, forKey: .tenant)
        idempotencyKey = try c.decodeIfPresent(String.self, forKey: .idempotencyKey)
        payload = Array(try c.decode(String.self, forKey: .payload).utf8)
    }

    /// Decodes an envelope from its JSON form, throwing `JobDecodingError` for anything malformed.
    public static func decode(json: some Collection<UInt8>) throws(JobDecodingError) -> JobEnvelope {
        do {
            return try JSONDecoder().decode(JobEnvelope.self, from: Data(json))
        } catch let error as JobDecodingError {
            throw error
        } catch {
            throw JobDecodingError(jobID: nil, reason: "not a job envelope: \(Self.describe(error))")
        }
    }

    /// The envelope as JSON.
    public func encodedJSON() -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return Array((try? encoder.encode(self)) ?? Data())
    }

    static func describe(_ error: any Error) -> String {
        switch error {
        case DecodingError.keyNotFound(let key, _): return "field '\(key.stringValue)' is missing"
        case DecodingError.typeMismatch(_, let context), DecodingError.valueNotFound(_, let context):
            let path = context.codingPath.map(\.stringValue).joined(separator: ".")
            return "field '\(path)' has the wrong type"
        case DecodingError.dataCorrupted(let context):
            let path = context.codingPath.map(\.stringValue).joined(separator: ".")
            return path.isEmpty ? "not valid JSON" : "field '\(path)' is malformed"
        default: return String(describing: error)
        }
    }
}

/// A job whose stored form cannot be read: unknown version, missing or malformed fields.
public struct JobDecodingError: Error, Sendable, CustomStringConvertible {
    public let jobID: JobID?
    public let reason: String

    public init(jobID: JobID?, reason: String) {
        self.jobID = jobID
        self.reason = reason
    }

    public var description: String {
        jobID.map { "job \($0) cannot be decoded: \(reason)" } ?? "job cannot be decoded: \(reason)"
    }
}
