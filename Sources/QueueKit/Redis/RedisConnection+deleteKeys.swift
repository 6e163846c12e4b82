extension RedisConnection {
    /// Deletes every key matching a glob pattern, and for which `chosen` holds (SCAN, then UNLINK in
    /// batches), and returns how many. For clean-up under the caller's own prefix (tests, benchmarks,
    /// an index's outdated trees); never a whole database.
    @discardableResult
    public func deleteKeys(matching pattern: String, where chosen: (String) -> Bool = { _ in true }) throws -> Int {
        var cursor = "0"
        var deleted = 0
        repeat {
            let reply = try send("SCAN", cursor, "MATCH", pattern, "COUNT", "1000")
            let parts = reply.array ?? []
            cursor = parts.first?.string ?? "0"
            let keys = (parts.count > 1 ? parts[1].array ?? [] : []).compactMap(\.string).filter(chosen)
            if !keys.isEmpty {
                var command = RedisCommand("UNLINK")
                for key in keys { command.append(key) }
                deleted += try send(command).int ?? 0
            }
        } while cursor != "0"
        return deleted
    }
}
