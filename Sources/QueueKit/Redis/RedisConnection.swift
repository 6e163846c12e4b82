import CHiredis
import Foundation

/// One blocking hiredis connection. It belongs to one thread or serial queue at a time and must never
/// be used from Swift's cooperative pool (see `RedisClient` for the async bridge).
///
/// A command that Redis answers with an error throws `RedisCommandError` and leaves the connection
/// open. A broken connection throws `RedisConnectionError`, is dropped, and the next command
/// reconnects after a capped, jittered exponential backoff.
public final class RedisConnection: @unchecked Sendable {
    public let configuration: RedisConfiguration
    private var context: UnsafeMutablePointer<redisContext>?
    private var scriptSHAs: [String: String] = [:]
    private var consecutiveFailures = 0

    public init(_ configuration: RedisConfiguration) {
        self.configuration = configuration
    }

    deinit { drop() }

    /// Whether a connection is currently open (it may still turn out broken on the next command).
    public var isConnected: Bool { context != nil }

    /// Connects now if not connected, waiting out the backoff when the last attempt failed.
    public func connect() throws(RedisConnectionError) {
        if context != nil { return }
        if consecutiveFailures > 0 {
            Thread.sleep(forTimeInterval: reconnectDelay(afterFailures: consecutiveFailures).timeInterval)
        }
        do {
            try open()
            consecutiveFailures = 0
        } catch {
            consecutiveFailures += 1
            throw error
        }
    }

    /// Closes the connection; the next command opens a new one.
    public func disconnect() { drop() }

    // MARK: Commands

    /// Sends one command and waits for its reply.
    public func send(_ command: RedisCommand) throws -> RedisReply {
        try connect()
        let reply = try roundTrip(command)
        if case .error(let message) = reply {
            dropIfDemoted(message)
            throw RedisCommandError(command: command.name, message: message)
        }
        return reply
    }

    /// Sends one command given as words, as in `send("HGET", key, field)`.
    @discardableResult
    public func send(_ name: String, _ arguments: String...) throws -> RedisReply {
        var command = RedisCommand(name)
        for argument in arguments { command.append(argument) }
        return try send(command)
    }

    /// Sends all commands in one write and reads all replies: one round trip. Error replies come back
    /// as `.error` values in their place; only a broken connection throws.
    public func pipeline(_ commands: [RedisCommand]) throws(RedisConnectionError) -> [RedisReply] {
        if commands.isEmpty { return [] }
        try connect()
        guard let context else { throw brokenError("not connected") }
        for command in commands {
            let status = command.withArgv { argc, argv, lengths in
                redisAppendCommandArgv(context, argc, argv, lengths)
            }
            if status != REDIS_OK { throw fail() }
        }
        var replies: [RedisReply] = []
        replies.reserveCapacity(commands.count)
        for _ in commands {
            var raw: UnsafeMutableRawPointer?
            if redisGetReply(context, &raw) != REDIS_OK || raw == nil { throw fail() }
            let reply = raw!.assumingMemoryBound(to: redisReply.self)
            replies.append(Self.decode(reply))
            freeReplyObject(raw)
        }
        for case .error(let message) in replies { dropIfDemoted(message) }
        return replies
    }

    /// After a failover the old primary answers READONLY (or MASTERDOWN): reconnect, so that the
    /// next command finds the new primary behind the same address.
    private func dropIfDemoted(_ message: String) {
        if message.hasPrefix("READONLY") || message.hasPrefix("MASTERDOWN") { drop() }
    }

    /// Runs a script atomically on the server, loading it first if this connection has not yet.
    public func evaluate(_ call: ScriptCall) throws -> RedisReply {
        let reply = try evaluate([call])[0]
        if case .error(let message) = reply {
            throw RedisCommandError(command: call.script.name, message: message)
        }
        return reply
    }

    /// Runs many script calls in one round trip. Error replies come back as `.error` values in place.
    /// Scripts unknown to the server (it restarted or flushed its script cache) are loaded and rerun.
    public func evaluate(_ calls: [ScriptCall]) throws -> [RedisReply] {
        for call in calls where scriptSHAs[call.script.name] == nil {
            try load(call.script)
        }
        var replies = try pipeline(calls.map { $0.command(sha: scriptSHAs[$0.script.name]!) })
        let missing = replies.indices.filter {
            if case .error(let message) = replies[$0] { return message.hasPrefix("NOSCRIPT") }
            return false
        }
        if !missing.isEmpty {
            for index in missing { try load(calls[index].script) }
            let retried = try pipeline(missing.map { calls[$0].command(sha: scriptSHAs[calls[$0].script.name]!) })
            for (index, reply) in zip(missing, retried) { replies[index] = reply }
        }
        return replies
    }

    private func load(_ script: RedisScript) throws {
        var command = RedisCommand("SCRIPT")
        command.append("LOAD")
        command.append(script.source)
        let reply = try connectedRoundTrip(command)
        guard let sha = reply.string, sha.utf8.count == 40 else {
            if case .error(let message) = reply {
                throw RedisCommandError(command: "SCRIPT LOAD \(script.name)", message: message)
            }
            throw RedisConnectionError(kind: .protocolError, address: configuration.url.address, message: "SCRIPT LOAD answered \(reply)")
        }
        scriptSHAs[script.name] = sha
    }

    private func connectedRoundTrip(_ command: RedisCommand) throws(RedisConnectionError) -> RedisReply {
        try connect()
        return try roundTrip(command)
    }

    // MARK: hiredis

    private func roundTrip(_ command: RedisCommand) throws(RedisConnectionError) -> RedisReply {
        guard let context else { throw brokenError("not connected") }
        let raw = command.withArgv { argc, argv, lengths in
            redisCommandArgv(context, argc, argv, lengths)
        }
        guard let raw else { throw fail() }
        defer { freeReplyObject(raw) }
        return Self.decode(raw.assumingMemoryBound(to: redisReply.self))
    }

    private func open() throws(RedisConnectionError) {
        let address = configuration.url.address
        var timeout = Self.timeval(configuration.connectTimeout)
        let opened: UnsafeMutablePointer<redisContext>?
        switch configuration.url.endpoint {
        case .tcp(let host, let port):
            opened = redisConnectWithTimeout(host, Int32(port), timeout)
        case .unixSocket(let path):
            opened = redisConnectUnixWithTimeout(path, timeout)
        }
        guard let opened else {
            throw RedisConnectionError(kind: .unreachable, address: address, message: "out of memory creating the connection")
        }
        if opened.pointee.err != 0 {
            let message = Self.errorText(opened)
            redisFree(opened)
            let kind: RedisConnectionError.Kind = message.lowercased().contains("timed out") ? .timeout : .unreachable
            throw RedisConnectionError(kind: kind, address: address, message: message)
        }
        timeout = Self.timeval(configuration.commandTimeout)
        _ = redisSetTimeout(opened, timeout)
        if case .tcp = configuration.url.endpoint { _ = redisEnableKeepAlive(opened) }
        context = opened
        scriptSHAs.removeAll()
        do {
            try handshake()
        } catch {
            drop()
            throw error
        }
    }

    /// AUTH, SELECT and CLIENT SETNAME, then a PING that tells a server wanting a password apart.
    private func handshake() throws(RedisConnectionError) {
        let address = configuration.url.address
        let url = configuration.url
        if let password = url.password {
            var auth = RedisCommand("AUTH")
            if let user = url.user { auth.append(user) }
            auth.append(password)
            if case .error(let message) = try roundTrip(auth) {
                throw RedisConnectionError(kind: .authenticationFailed, address: address, message: message)
            }
        }
        var commands: [RedisCommand] = [RedisCommand("PING")]
        if url.database != 0 { commands.append(RedisCommand("SELECT", String(url.database))) }
        if let name = configuration.clientName { commands.append(RedisCommand("CLIENT", "SETNAME", name)) }
        for command in commands {
            if case .error(let message) = try roundTrip(command) {
                if message.hasPrefix("NOAUTH") || message.hasPrefix("WRONGPASS") {
                    throw RedisConnectionError(kind: .authenticationFailed, address: address, message: message)
                }
                throw RedisConnectionError(kind: .protocolError, address: address, message: "\(command.name) failed: \(message)")
            }
        }
    }

    /// Turns the context's error into a typed error and drops the broken connection.
    private func fail() -> RedisConnectionError {
        guard let context else { return brokenError("not connected") }
        let message = Self.errorText(context)
        let code = context.pointee.err
        drop()
        consecutiveFailures += 1
        let kind: RedisConnectionError.Kind
        if code == REDIS_ERR_PROTOCOL {
            kind = .protocolError
        } else if message.contains("temporarily unavailable") || message.lowercased().contains("timed out") {
            kind = .timeout
        } else {
            kind = .closed
        }
        return RedisConnectionError(kind: kind, address: configuration.url.address, message: message.isEmpty ? "connection lost" : message)
    }

    private func brokenError(_ message: String) -> RedisConnectionError {
        RedisConnectionError(kind: .closed, address: configuration.url.address, message: message)
    }

    private func drop() {
        if let context { redisFree(context) }
        context = nil
    }

    func reconnectDelay(afterFailures failures: Int) -> Duration {
        let base = configuration.baseReconnectDelay.timeInterval
        let cap = configuration.maxReconnectDelay.timeInterval
        let ceiling = min(cap, base * pow(2, Double(min(failures - 1, 30))))
        // Equal jitter: never less than half the step, so a down server is not hammered.
        return .milliseconds(Int((ceiling / 2 + Double.random(in: 0...(ceiling / 2))) * 1000))
    }

    private static func errorText(_ context: UnsafeMutablePointer<redisContext>) -> String {
        withUnsafePointer(to: &context.pointee.errstr) { pointer in
            pointer.withMemoryRebound(to: CChar.self, capacity: 128) { String(cString: $0) }
        }
    }

    private static func timeval(_ duration: Duration) -> timeval {
        let micros = max(1000, duration.milliseconds * 1000)
        return Glibc.timeval(tv_sec: micros / 1_000_000, tv_usec: micros % 1_000_000)
    }

    static func decode(_ reply: UnsafeMutablePointer<redisReply>) -> RedisReply {
        let r = reply.pointee
        switch r.type {
        case REDIS_REPLY_STRING:
            guard let str = r.str else { return .string([]) }
            return .string(str.withMemoryRebound(to: UInt8.self, capacity: r.len) {
                Array(UnsafeBufferPointer(start: $0, count: r.len))
            })
        case REDIS_REPLY_STATUS:
            return .status(r.str.map { String(cString: $0) } ?? "")
        case REDIS_REPLY_ERROR:
            return .error(r.str.map { String(cString: $0) } ?? "error")
        case REDIS_REPLY_INTEGER:
            return .integer(Int(r.integer))
        case REDIS_REPLY_ARRAY:
            var elements: [RedisReply] = []
            elements.reserveCapacity(r.elements)
            for i in 0..<r.elements {
                if let element = r.element[i] { elements.append(decode(element)) } else { elements.append(.null) }
            }
            return .array(elements)
        default:
            return .null
        }
    }
}
