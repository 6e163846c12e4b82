extension Scripts {
    /// promoteDueJobs: moves delayed jobs (scheduled or waiting for a retry) whose time has come to
    /// the ready list, earliest first, and wakes a worker.
    ///
    /// Input:
    ///   KEYS[1] delayed   ZSET   delayed job ids by due time
    ///   KEYS[2] ready     LIST   ready job ids
    ///   KEYS[3] marker    ZSET   wake-up marker
    ///   ARGV[1] now (ms); ARGV[2] most jobs to move
    /// Output:
    ///   {moved, next due time in ms or -1 when nothing is delayed}
    static let promoteDueJobs = RedisScript(name: "promoteDueJobs", source: """
        local delayed, ready, marker = KEYS[1], KEYS[2], KEYS[3]
        local now, limit = ARGV[1], tonumber(ARGV[2])

        local ids = redis.call('ZRANGEBYSCORE', delayed, '-inf', now, 'LIMIT', 0, limit)
        if #ids > 0 then
          redis.call('ZREM', delayed, unpack(ids))
          redis.call('LPUSH', ready, unpack(ids))
          redis.call('ZADD', marker, 0, 'm')
        end
        local nextDue = redis.call('ZRANGE', delayed, 0, 0, 'WITHSCORES')
        return {#ids, tonumber(nextDue[2] or -1)}
        """)
}
