extension Scripts {
    /// ackJobWithFollowUps: acknowledges one leased job and enqueues the jobs its handler asked for,
    /// in one atomic step, only if the lease token is current. A job that finished but whose ack was
    /// lost runs again and asks again, so follow-up handlers are idempotent by a key from the job.
    ///
    /// Follow-ups keep the depth limits: when a queue they go to would pass its maximum depth, nothing
    /// is acknowledged or enqueued, and the job waits in its own queue's delayed set for the target's
    /// retry-after, its attempt not counted, to run again then (handlers are idempotent). So a full
    /// queue slows the workers that feed it, and its producers' refusals reach the app, instead of
    /// Redis filling up. The target counts the follow-ups as `refused` (each time), the job's queue
    /// the job as `deferred`. The handler runs again at each retry for as long as the target stays
    /// full. A queue whose jobs' follow-ups come back to it (directly, or A → B → A) stops when full:
    /// the job being finished is not counted in its own queue's depth, but its deferred copy is.
    ///
    /// Input:
    ///   KEYS[1] inflight  ZSET   the finished job's queue: leased job ids
    ///   KEYS[2] stats     HASH   the finished job's queue: counters (`done`, `deferred`)
    ///   KEYS[3] delayed   ZSET   the finished job's queue: where a deferred job waits
    ///   then per target queue, 6 keys: ready LIST, delayed ZSET, inflight ZSET, marker ZSET,
    ///   stats HASH, config HASH (max_depth, retry_after_ms)
    ///   ARGV[1] job key prefix of the finished job's queue; ARGV[2] id; ARGV[3] token; ARGV[4] now (ms)
    ///   ARGV[5] default max depth (0 = unbounded); ARGV[6] default retry-after (ms)
    ///   ARGV[7] target queue count q; then per target: its job key prefix, job count n, and per job
    ///           6 values: id, version, type, payload, max attempts, due time (ms, 0 = now)
    /// Output:
    ///   1 acknowledged and follow-ups enqueued; 0 refused (stale token), nothing enqueued;
    ///   2 deferred (a target is full), nothing enqueued
    static let ackJobWithFollowUps = RedisScript(name: "ackJobWithFollowUps", source: """
        local inflight, stats, delayedHere = KEYS[1], KEYS[2], KEYS[3]
        local jobPrefix, id, token, now = ARGV[1], ARGV[2], ARGV[3], tonumber(ARGV[4])
        local defaultMaxDepth, defaultRetryAfter = tonumber(ARGV[5]), tonumber(ARGV[6])
        local key = jobPrefix .. id
        if redis.call('HGET', key, 'tok') ~= token then return 0 end

        local targets = tonumber(ARGV[7])
        local full, wait = false, 1
        local a = 8
        for q = 0, targets - 1 do
          local k = 3 + q * 6
          local n = tonumber(ARGV[a + 1])
          local config = KEYS[k + 6]
          local maxDepth = tonumber(redis.call('HGET', config, 'max_depth') or defaultMaxDepth)
          if maxDepth > 0 then
            local depth = redis.call('LLEN', KEYS[k + 1]) + redis.call('ZCARD', KEYS[k + 2]) + redis.call('ZCARD', KEYS[k + 3])
            -- The job being finished leaves its own queue with this ack.
            if KEYS[k + 3] == inflight then depth = depth - 1 end
            if depth + n > maxDepth then
              redis.call('HINCRBY', KEYS[k + 5], 'refused', n)
              full = true
              wait = math.max(wait, tonumber(redis.call('HGET', config, 'retry_after_ms') or defaultRetryAfter))
            end
          end
          a = a + 2 + n * 6
        end
        if full then
          redis.call('ZREM', inflight, id)
          redis.call('HDEL', key, 'tok')
          redis.call('HINCRBY', key, 'att', -1)
          redis.call('ZADD', delayedHere, now + wait, id)
          redis.call('HINCRBY', stats, 'deferred', 1)
          return 2
        end

        redis.call('ZREM', inflight, id)
        redis.call('DEL', key, key .. ':errors')
        redis.call('HINCRBY', stats, 'done', 1)
        a = 8
        for q = 0, targets - 1 do
          local k = 3 + q * 6
          local ready, delayed, marker, targetStats = KEYS[k + 1], KEYS[k + 2], KEYS[k + 4], KEYS[k + 5]
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
