import QueueKit

/// The matching's atomic steps, each a Lua script with a header like QueueKit's.
enum MatchScripts {
    /// storeItem: stores an uploaded item once; a repeat (the upload job ran again) keeps the first.
    ///
    /// Input:
    ///   KEYS[1] item HASH
    ///   ARGV[1] user; ARGV[2] product; ARGV[3] attributes JSON; ARGV[4] packed fingerprint ("" = none);
    ///   ARGV[5] created (ms); ARGV[6] the photo's blob key ("" = none); ARGV[7] the fingerprint's method
    /// Output:
    ///   the item's state: "new", "waiting" or "matched"
    static let storeItem = RedisScript(name: "storeItem", source: """
        local item = KEYS[1]
        if redis.call('EXISTS', item) == 0 then
          redis.call('HSET', item, 'user', ARGV[1], 'product', ARGV[2], 'attrs', ARGV[3], 'fp', ARGV[4],
                     'created', ARGV[5], 'photo', ARGV[6], 'fpm', ARGV[7], 'state', 'new')
        end
        return redis.call('HGET', item, 'state')
        """)

    /// refreshFingerprint: replaces a waiting item's fingerprint by one computed again (a newer
    /// method), moving it in the index from the old fingerprint's entries to the new one's and
    /// forgetting the neighbours it met under the old one. An item not yet filed (state "new": its
    /// match job has not run) only takes the new fingerprint; its match job files it.
    ///
    /// Input:
    ///   KEYS[1] item HASH; KEYS[2..] index keys, the old entries' first, then the new entries'
    ///   ARGV[1] item id; ARGV[2] packed fingerprint; ARGV[3] its method; ARGV[4] the method the
    ///   caller read (the item is left alone if it changed meanwhile); ARGV[5] how many of KEYS[2..]
    ///   are old entries; ARGV[6..] per index key: "s" (a SET of ids) or "z" and the member (a code ZSET)
    /// Output:
    ///   "refreshed", or the state that stopped it: "matched", "changed" (another run refreshed it
    ///   first) or nil (no such item)
    static let refreshFingerprint = RedisScript(name: "refreshFingerprint", source: """
        local item, id = KEYS[1], ARGV[1]
        local current = redis.call('HMGET', item, 'state', 'fpm')
        local state = current[1]
        if state ~= 'waiting' and state ~= 'new' then return state end
        local old = tonumber(ARGV[5])
        if (current[2] or '1') ~= ARGV[4] then return 'changed' end
        for i = 2, (state == 'waiting' and #KEYS or 1) do
          local entry = ARGV[i + 4]
          if i <= old + 1 then
            if entry == 's' then redis.call('SREM', KEYS[i], id) else redis.call('ZREM', KEYS[i], string.sub(entry, 2)) end
          elseif entry == 's' then
            redis.call('SADD', KEYS[i], id)
          else
            redis.call('ZADD', KEYS[i], 0, string.sub(entry, 2))
          end
        end
        redis.call('HSET', item, 'fp', ARGV[2], 'fpm', ARGV[3])
        redis.call('HDEL', item, 'n1', 'n1by', 'n2')
        return 'refreshed'
        """)

    /// fileItem: files an unmatched item in the index, where partners looking for it find it.
    ///
    /// Input:
    ///   KEYS[1] item HASH; KEYS[2..] index keys
    ///   ARGV[1] item id; ARGV[2] the fingerprint method the caller's filing was made from ("" for
    ///   any); ARGV[3..] per index key: "s" (a SET: add the id) or "z" followed by the member (a
    ///   code ZSET: add the member with score 0)
    /// Output:
    ///   the item's state: "waiting" (filed), "matched" (left alone), "changed" (left alone: its
    ///   fingerprint was computed again since the caller read it) or nil (no such item)
    static let fileItem = RedisScript(name: "fileItem", source: """
        local item, id = KEYS[1], ARGV[1]
        local current = redis.call('HMGET', item, 'state', 'fpm')
        local state = current[1]
        if state == 'new' or state == 'waiting' then
          if ARGV[2] ~= '' and (current[2] or '1') ~= ARGV[2] then return 'changed' end
          redis.call('HSET', item, 'state', 'waiting')
          for i = 2, #KEYS do
            local entry = ARGV[i + 1]
            if entry == 's' then redis.call('SADD', KEYS[i], id) else redis.call('ZADD', KEYS[i], 0, string.sub(entry, 2)) end
          end
          return 'waiting'
        end
        return state
        """)

    /// findCandidates: the waiting items whose codes share the longest prefixes with a query's, at
    /// most `cap` per tree (an LSH forest lookup): per tree, the range of the shortest prefix (from
    /// `shallowest` symbols on) that holds at most `cap` items is taken whole; where even the whole
    /// code is shared by more, or a longer prefix leaves only the query itself, the `cap` codes next
    /// to the query's in order (which share the longest prefixes with it) are taken instead. Small
    /// indexes are searched at the shallowest depth, large ones deeper, so the work per query stays
    /// bounded as the index grows.
    ///
    /// Input:
    ///   KEYS[1..n] code ZSETs, one per tree
    ///   ARGV[1] cap per tree; ARGV[2] shallowest prefix length; ARGV[3] the query's item id (when it
    ///   is filed in these trees, its own member is not counted against the cap);
    ///   ARGV[4..n+3] the query's code per tree
    /// Output:
    ///   { the number of items filed in the first tree (the space's waiting items, the query
    ///   included when it is filed there), the members found (`<code>|<id>`), trees concatenated; an
    ///   id found in k trees appears k times }
    static let findCandidates = RedisScript(name: "findCandidates", source: """
        local shallowest = tonumber(ARGV[2])
        -- An item is filed in all trees of a space at once: whether the query is, shows in the first.
        local own = 0
        if #KEYS > 0 and redis.call('ZSCORE', KEYS[1], ARGV[4] .. '|' .. ARGV[3]) then own = 1 end
        local cap = tonumber(ARGV[1]) + own
        local found = {}
        -- Trees of one index need about the same depth: each search starts where the last one ended.
        local hint = shallowest
        for t = 1, #KEYS do
          local key, code = KEYS[t], ARGV[3 + t]
          local function count(depth)
            local prefix = string.sub(code, 1, depth)
            return redis.call('ZLEXCOUNT', key, '[' .. prefix, '(' .. prefix .. '~')
          end
          local function add(members) for _, member in ipairs(members) do found[#found + 1] = member end end
          -- The codes of a prefix's range nearest the query's, `cap` at most, from both sides.
          local function nearest(depth)
            local prefix = string.sub(code, 1, depth)
            local above = redis.call('ZRANGEBYLEX', key, '[' .. code, '(' .. prefix .. '~', 'LIMIT', 0, math.ceil(cap / 2))
            add(above)
            add(redis.call('ZREVRANGEBYLEX', key, '(' .. code, '[' .. prefix, 'LIMIT', 0, cap - #above))
          end
          -- The range shrinks as the prefix grows: go deeper until it holds at most `cap` (or the
          -- code ends); from a sparse range, try shorter prefixes while they still hold at most `cap`.
          local depth = hint
          local size = count(depth)
          if size > cap then
            while size > cap and depth < #code do depth = depth + 1; size = count(depth) end
          elseif size * 4 < cap then
            while depth > shallowest do
              local wider = count(depth - 1)
              if wider > cap then break end
              depth = depth - 1; size = wider
            end
          end
          hint = depth
          if size > cap then
            nearest(depth)
          elseif size <= own and depth > shallowest then
            -- One symbol more left nothing but the query: its neighbours one level up instead.
            nearest(depth - 1)
          elseif size > own then
            local prefix = string.sub(code, 1, depth)
            add(redis.call('ZRANGEBYLEX', key, '[' .. prefix, '(' .. prefix .. '~', 'LIMIT', 0, cap))
          end
        end
        local filed = 0
        if #KEYS > 0 then filed = redis.call('ZCARD', KEYS[1]) end
        return {filed, found}
        """)

    /// recordMatch: matches two waiting items, exactly once even when two workers race on the two
    /// halves of a pair: both leave the index and point at one match record.
    ///
    /// Input:
    ///   KEYS[1] item A HASH; KEYS[2] item B HASH; KEYS[3] match HASH; KEYS[4] user A's matches ZSET;
    ///   KEYS[5] user B's matches ZSET; KEYS[6] users SET; KEYS[7..] index keys of A, then of B
    ///   (item A is the one whose job records the match: it is stored as `by`)
    ///   ARGV[1] match id; ARGV[2] item A id; ARGV[3] item B id; ARGV[4] now (ms); ARGV[5] score;
    ///   ARGV[6] price JSON; ARGV[7] algorithm; ARGV[8] count of A's index keys; ARGV[9], ARGV[10]
    ///   the fingerprint methods of A and B as the caller read them;
    ///   ARGV[11..] per index key "s" (a SET holding the id) or "z" followed by the ZSET member
    /// Output:
    ///   {1, match id} recorded; {0, existing match id or ""} one of the items was taken, or its
    ///   fingerprint was computed again since the caller read it (the caller looks again)
    static let recordMatch = RedisScript(name: "recordMatch", source: """
        local itemA, itemB, match, userA, userB, users = KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5], KEYS[6]
        local matchID, idA, idB, now = ARGV[1], ARGV[2], ARGV[3], ARGV[4]
        local a = redis.call('HMGET', itemA, 'state', 'match', 'user', 'product', 'fpm')
        local b = redis.call('HMGET', itemB, 'state', 'match', 'user', 'product', 'fpm')
        if a[1] ~= 'waiting' then return {0, a[2] or ''} end
        if b[1] ~= 'waiting' then return {0, ''} end
        -- Index entries are those of the fingerprints read: a refreshed item would keep its new ones.
        if (a[5] or '1') ~= ARGV[9] or (b[5] or '1') ~= ARGV[10] then return {0, ''} end
        redis.call('HSET', itemA, 'state', 'matched', 'match', matchID)
        redis.call('HSET', itemB, 'state', 'matched', 'match', matchID)
        local countA = tonumber(ARGV[8])
        for i = 7, #KEYS do
          local entry = ARGV[i + 4]
          if entry == 's' then
            redis.call('SREM', KEYS[i], (i < 7 + countA) and idA or idB)
          else
            redis.call('ZREM', KEYS[i], string.sub(entry, 2))
          end
        end
        redis.call('HSET', match, 'item_a', idA, 'item_b', idB, 'user_a', a[3], 'user_b', b[3], 'product_a', a[4],
                   'product_b', b[4], 'score', ARGV[5], 'price', ARGV[6], 'algorithm', ARGV[7], 'created', now, 'by', idA)
        redis.call('ZADD', userA, now, matchID)
        redis.call('ZADD', userB, now, matchID)
        redis.call('SADD', users, a[3], b[3])
        return {1, matchID}
        """)

    /// noteNeighbours: adds scores to items' neighbours (`n1` the best score, `n1by` the item that gave
    /// it, `n2` the best from any other item); a score from the item already holding `n1by` only
    /// raises `n1`.
    ///
    /// Input:
    ///   KEYS[i] item HASH (one may repeat)
    ///   ARGV[1] how many leading KEYS are the searching item's own entries: they may start its
    ///   neighbours; the others only add to neighbours already started. ARGV[2] the fingerprint
    ///   method of the searching item as read (its own entries are skipped if it changed: they were
    ///   scored with the old fingerprint). ARGV[2i + 1], ARGV[2i + 2] the score and the id of the
    ///   item that gave it, for KEYS[i]
    /// Output:
    ///   how many items changed (items matched, unknown, or not yet looked around are skipped)
    static let noteNeighbours = RedisScript(name: "noteNeighbours", source: """
        local own, applied = tonumber(ARGV[1]), 0
        for i = 1, #KEYS do
          local key, score, by = KEYS[i], tonumber(ARGV[2 * i + 1]), ARGV[2 * i + 2]
          local cur = redis.call('HMGET', key, 'state', 'n1', 'n1by', 'n2', 'fpm')
          local fresh = i > own or (cur[5] or '1') == ARGV[2]
          if fresh and (cur[1] == 'new' or cur[1] == 'waiting') and (cur[2] or i <= own) then
            local n1, n1by, n2 = tonumber(cur[2] or '0'), cur[3] or '', tonumber(cur[4] or '0')
            local changed = not cur[2]
            if by == n1by then
              if score > n1 then n1, changed = score, true end
            elseif score > n1 then
              n2, n1, n1by, changed = n1, score, by, true
            elseif score > n2 then
              n2, changed = score, true
            end
            if changed then
              redis.call('HSET', key, 'n1', string.format('%.6f', n1), 'n1by', n1by, 'n2', string.format('%.6f', n2))
              applied = applied + 1
            end
          end
        end
        return applied
        """)
}
