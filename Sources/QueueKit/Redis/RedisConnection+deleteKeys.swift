extension RedisConnection {
    /// Deletes every key matching a glob pattern (SCAN, then UNLINK in batches) and returns how many.
    /// For test and benchmark clean-up under their own prefix; never a whole database.
    @discardableResult
    public func deleteKeys(matching pattern: String) throws -> Int {
        var cursor = "0"
        var deleted = 0
        repeat {
            let reply = try send("SCAN", cursor, "MATCH", pattern, "COUNT", "1000")
            let parts = reply.array ?? []
            cursor = parts.first?.string ?? "0"
            let keys = (parts.count > 1 ? parts[1].array ?? [] : []).compactMap(\.string)
            if !keys.isEmpty {
                var command = RedisCommand("UNLINK")
                for key in keys { command.append(key) }
                deleted += try send(command).int ?? 0
            }
        } while cursor != "0"
        return deleted
    }
}
