extension Scripts {
    /// extendLeases: moves the deadline of leases that are still held, each only if its token is
    /// current. A lease that expired but was not yet recovered is still this worker's and is extended.
    ///
    /// Input:
    ///   KEYS[1] inflight  ZSET   leased job ids by deadline
    ///   ARGV[1] job key prefix; ARGV[2] new deadline (ms); ARGV[3] job count n; then per job: id, token
    /// Output:
    ///   an array of n integers: 1 extended, 0 refused (the lease was lost)
    static let extendLeases = RedisScript(name: "extendLeases", source: """
        local inflight = KEYS[1]
        local jobPrefix, deadline, n = ARGV[1], ARGV[2], tonumber(ARGV[3])

        local result = {}
        for i = 0, n - 1 do
          local id, token = ARGV[4 + i * 2], ARGV[5 + i * 2]
          if redis.call('HGET', jobPrefix .. id, 'tok') == token then
            redis.call('ZADD', inflight, 'XX', deadline, id)
            result[i + 1] = 1
          else
            result[i + 1] = 0
          end
        end
        return result
        """)
}
