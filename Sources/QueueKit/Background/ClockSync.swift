/// Keeps the worker's clock correction current (`ClockCorrection`): hosts' clocks drift and get
/// stepped, and lease deadlines written by one worker are compared by another.
struct ClockSync: BackgroundDuty {
    let configuration: WorkerConfiguration
    let correction: ClockCorrection

    var name: String { "clock sync" }
    var interval: Duration { .seconds(60) }

    func perform(on connection: RedisConnection) throws {
        let change = try correction.measure(configuration.clock, on: connection)
        if abs(change) >= ClockCorrection.noticeable {
            configuration.logger.warning("this host's clock moved against Redis' by \(change) ms; leases and due times follow Redis' clock",
                                         ["worker.id": configuration.workerID, "clock.correction_ms": String(correction.milliseconds)])
        }
    }
}

extension ClockCorrection {
    /// A correction or a change of it this large is logged: the host's time service is not doing its job.
    static let noticeable = 1_000
}
