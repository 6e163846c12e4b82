extension Scripts {
    /// ackJobWithFollowUps: acknowledges one leased job and enqueues the jobs its handler asked for,
    /// in one atomic step, only if the lease token is current. A job that finished but whose ack was
    /// lost runs again and asks again, so follow-up handlers are idempotent by a key from the job.
    /// Follow-ups skip the depth check: refusing them would fail a job whose work is done.
    ///
    /// Input:
    ///   KEYS[1] inflight  ZSET   the finished job's queue: leased job ids
    ///   KEYS[2] stats     HASH   the finished job's queue: counters (`done`)
    ///   then per target queue, 5 keys: ready LIST, delayed ZSET, marker ZSET, stats HASH, config HASH
    ///   ARGV[1] job key prefix of the finished job's queue; ARGV[2] id; ARGV[3] token; ARGV[4] now (ms)
    ///   ARGV[5] target queue count q; then per target: its job key prefix, job count n, and per job
    ///           6 values: id, version, type, payload, max attempts, due time (ms, 0 = now)
    /// Output:
    ///   1 acknowledged and follow-ups enqueued; 0 refused (stale token), nothing enqueued
    static let ackJobWithFollowUps = RedisScript(name: "ackJobWithFollowUps", source: """
        local inflight, stats = KEYS[1], KEYS[2]
        local jobPrefix, id, token, now = ARGV[1], ARGV[2], ARGV[3], tonumber(ARGV[4])
        local key = jobPrefix .. id
        if redis.call('HGET', key, 'tok') ~= token then return 0 end
        redis.call('ZREM', inflight, id)
        redis.call('DEL', key, key .. ':errors')
        redis.call('HINCRBY', stats, 'done', 1)

        local a = 6
        for q = 0, tonumber(ARGV[5]) - 1 do
          local k = 2 + q * 5
          local ready, delayed, marker, targetStats = KEYS[k + 1], KEYS[k + 2], KEYS[k + 3], KEYS[k + 4]
          local targetPrefix, n = ARGV[a], tonumber(ARGV[a + 1])
          a = a + 2
          local wake = false
          for i = 1, n do
            local jid, v, jobType, payload, maxAttempts, due = ARGV[a], ARGV[a + 1], ARGV[a + 2], ARGV[a + 3], ARGV[a + 4], tonumber(ARGV[a + 5])
            a = a + 6
            redis.call('HSET', targetPrefix .. jid, 'v', v, 'type', jobType, 'payload', payload, 'max', maxAttempts, 'enq', now, 'att', 0)
            if due > now then
              redis.call('ZADD', delayed, due, jid)
            else
              redis.call('LPUSH', ready, jid)
              wake = true
            end
          end
          if wake then redis.call('ZADD', marker, 0, 'm') end
          redis.call('HINCRBY', targetStats, 'enqueued', n)
        end
        return 1
        """)
}
