/// A job this worker holds a lease on, with the token that proves it.
public struct LeasedJob: Sendable {
    public let id: JobID
    public let queue: QueueName
    public let token: LeaseToken
    public let attempt: Int
    /// The decoded envelope, or why it could not be decoded (the job then goes to the dead-letter queue).
    public let envelope: Result<JobEnvelope, JobDecodingError>

    /// Reads the leaseJobs reply: 10 values per job (see `Scripts.leaseJobs`).
    static func parse(_ reply: RedisReply, queue: QueueName) throws -> [LeasedJob] {
        guard let values = reply.array, values.count % 10 == 0 else {
            throw RedisConnectionError(kind: .protocolError, address: "", message: "leaseJobs answered a malformed reply")
        }
        var jobs: [LeasedJob] = []
        jobs.reserveCapacity(values.count / 10)
        var i = 0
        while i < values.count {
            let id = JobID(values[i].string ?? "")
            let token = LeaseToken(values[i + 1].string ?? "")
            let attempt = values[i + 2].int ?? 0
            let envelope = decodeEnvelope(id: id, queue: queue, attempt: attempt, fields: values[(i + 3)..<(i + 10)])
            jobs.append(LeasedJob(id: id, queue: queue, token: token, attempt: attempt, envelope: envelope))
            i += 10
        }
        return jobs
    }

    /// Fields in the order v, type, payload, max, enq, tenant, idem.
    private static func decodeEnvelope(
        id: JobID, queue: QueueName, attempt: Int, fields: ArraySlice<RedisReply>
    ) -> Result<JobEnvelope, JobDecodingError> {
        let f = Array(fields)
        guard let versionText = f[0].string else {
            return .failure(JobDecodingError(jobID: id, reason: "the envelope version 'v' is missing"))
        }
        guard let version = Int(versionText) else {
            return .failure(JobDecodingError(jobID: id, reason: "the envelope version '\(versionText.prefix(20))' is not a number"))
        }
        guard version == JobEnvelope.currentVersion else {
            return .failure(JobDecodingError(jobID: id, reason: "unknown envelope version \(version) (this worker reads version \(JobEnvelope.currentVersion))"))
        }
        guard let type = f[1].string, !type.isEmpty else {
            return .failure(JobDecodingError(jobID: id, reason: "the job type is missing"))
        }
        guard let payload = f[2].bytes else {
            return .failure(JobDecodingError(jobID: id, reason: "the payload is missing"))
        }
        guard let maxAttempts = f[3].int, maxAttempts >= 1 else {
            return .failure(JobDecodingError(jobID: id, reason: "max attempts is missing or not a positive number"))
        }
        let enqueuedAt = f[4].int ?? 0
        return .success(JobEnvelope(
            version: version, id: id, queue: queue, type: type, attempt: attempt, maxAttempts: maxAttempts,
            enqueuedAt: enqueuedAt, tenant: f[5].string, idempotencyKey: f[6].string, payload: payload))
    }
}
