extension Scripts {
    /// releaseLeases: hands leased jobs back unfinished (a worker shutting down), each only if its
    /// token is current: the job goes to the front of the ready list and the attempt is not counted.
    ///
    /// Input:
    ///   KEYS[1] inflight  ZSET   leased job ids
    ///   KEYS[2] ready     LIST   ready job ids
    ///   KEYS[3] marker    ZSET   wake-up marker
    ///   ARGV[1] job key prefix; ARGV[2] job count n; then per job: id, token
    /// Output:
    ///   the number of jobs handed back
    static let releaseLeases = RedisScript(name: "releaseLeases", source: """
        local inflight, ready, marker = KEYS[1], KEYS[2], KEYS[3]
        local jobPrefix, n = ARGV[1], tonumber(ARGV[2])

        local released = 0
        for i = 0, n - 1 do
          local id, token = ARGV[3 + i * 2], ARGV[4 + i * 2]
          local key = jobPrefix .. id
          if redis.call('HGET', key, 'tok') == token then
            redis.call('ZREM', inflight, id)
            redis.call('HDEL', key, 'tok')
            redis.call('HINCRBY', key, 'att', -1)
            redis.call('RPUSH', ready, id)
            released = released + 1
          end
        end
        if released > 0 then redis.call('ZADD', marker, 0, 'm') end
        return released
        """)
}
