import Foundation
import Testing
@testable import QueueKit

@Suite struct RedisURLTests {
    @Test func parsesTheForms() throws {
        let full = try RedisURL(parsing: "redis://alice:s%40cret@cache.local:6380/3")
        #expect(full.endpoint == .tcp(host: "cache.local", port: 6380))
        #expect(full.user == "alice")
        #expect(full.password == "s@cret")
        #expect(full.database == 3)
        #expect(full.description == "redis://alice:***@cache.local:6380/3")

        let plain = try RedisURL(parsing: "redis://127.0.0.1")
        #expect(plain.endpoint == .tcp(host: "127.0.0.1", port: 6379))
        #expect(plain.user == nil && plain.password == nil && plain.database == 0)

        let legacy = try RedisURL(parsing: "redis://secret@host:1")
        #expect(legacy.user == nil && legacy.password == "secret")

        let ipv6 = try RedisURL(parsing: "redis://[::1]:7000")
        #expect(ipv6.endpoint == .tcp(host: "::1", port: 7000))

        let socket = try RedisURL(parsing: "unix:///run/redis.sock?db=2")
        #expect(socket.endpoint == .unixSocket(path: "/run/redis.sock"))
        #expect(socket.database == 2)
    }

    @Test(arguments: ["http://host", "redis://host:port", "redis://host:70000", "redis://:pw@/0", "redis://host/x", "unix://relative", ""])
    func rejectsMalformed(_ text: String) {
        #expect(throws: RedisURLError.self) { try RedisURL(parsing: text) }
    }

    @Test func errorMessagesMaskThePassword() {
        do {
            _ = try RedisURL(parsing: "redis://bob:hunter2@host:port")
            Issue.record("parsed a malformed URL")
        } catch {
            #expect(!error.description.contains("hunter2"))
            #expect(error.description.contains("port"))
        }
    }
}

@Suite struct RedisConnectionTests {
    @Test func anErrorReplyLeavesTheConnectionUsable() throws {
        let fleet = TestFleet()
        let connection = RedisConnection(fleet.redis)
        let key = fleet.keyspace.prefix + ":string"
        try connection.send("SET", key, "x")
        #expect(throws: RedisCommandError.self) { try connection.send("LPUSH", key, "y") }
        #expect(try connection.send("GET", key).string == "x")
        try connection.send("DEL", key)
    }

    @Test func pipelinesManyCommandsWithErrorsInPlace() throws {
        let fleet = TestFleet()
        let connection = RedisConnection(fleet.redis)
        let key = fleet.keyspace.prefix + ":counter"
        var commands = (0..<100).map { _ in RedisCommand("INCR", key) }
        commands.insert(RedisCommand("NOSUCHCOMMAND"), at: 50)
        let replies = try connection.pipeline(commands)
        #expect(replies.count == 101)
        #expect(replies[49].int == 50)
        if case .error = replies[50] {} else { Issue.record("expected an error reply in place, got \(replies[50])") }
        #expect(replies[100].int == 100)
        try connection.send("DEL", key)
    }

    @Test func reloadsScriptsTheServerForgot() throws {
        let server = try RedisServer()
        defer { server.destroy() }
        let connection = RedisConnection(RedisConfiguration(url: server.url))
        let script = RedisScript(name: "echo", source: "return ARGV[1]")
        var call = ScriptCall(script, keys: [])
        call.append("hello")
        #expect(try connection.evaluate(call).string == "hello")
        try RedisConnection(RedisConfiguration(url: server.url)).send("SCRIPT", "FLUSH")
        #expect(try connection.evaluate(call).string == "hello")
    }

    @Test func unreachableServerIsAConnectionError() throws {
        let port = try RedisServer.freePort()
        let connection = RedisConnection(RedisConfiguration(url: RedisURL(endpoint: .tcp(host: "127.0.0.1", port: port))))
        do {
            try connection.send("PING")
            Issue.record("PING to a closed port succeeded")
        } catch let error as RedisConnectionError {
            #expect(error.kind == .unreachable)
            #expect(error.description.contains("127.0.0.1:\(port)"))
        }
    }

    @Test func wrongPasswordAndACLUsersAreTold() throws {
        let server = try RedisServer(["--requirepass", "right"])
        defer { server.destroy() }
        func connect(user: String?, password: String?) throws {
            let url = RedisURL(endpoint: .tcp(host: "127.0.0.1", port: server.port), user: user, password: password)
            try RedisConnection(RedisConfiguration(url: url)).send("PING")
        }
        for (user, password) in [(nil, "wrong"), (nil, nil), ("nobody", "right")] as [(String?, String?)] {
            do {
                try connect(user: user, password: password)
                Issue.record("login with user \(user ?? "default") password \(password ?? "none") succeeded")
            } catch let error as RedisConnectionError {
                #expect(error.kind == .authenticationFailed)
            }
        }
        try connect(user: nil, password: "right")
        try connect(user: "default", password: "right")
        let admin = RedisConnection(RedisConfiguration(url: RedisURL(endpoint: .tcp(host: "127.0.0.1", port: server.port), password: "right")))
        try admin.send("ACL", "SETUSER", "worker", "on", ">pw", "~*", "+@all")
        try connect(user: "worker", password: "pw")
    }

    @Test func reconnectsAfterTheServerRestarts() throws {
        let server = try RedisServer()
        defer { server.destroy() }
        let connection = RedisConnection(RedisConfiguration(url: server.url, baseReconnectDelay: .milliseconds(10)))
        try connection.send("SET", "k", "1")
        server.stop()
        #expect(throws: RedisConnectionError.self) { try connection.send("GET", "k") }
        try server.start()
        var reply: RedisReply?
        for _ in 0..<50 where reply == nil {
            reply = try? connection.send("PING")
        }
        #expect(reply == .status("PONG"))
    }
}

@Suite struct EnvelopeTests {
    @Test func roundTripsAndRefusesGarbage() throws {
        let envelope = JobEnvelope(id: JobID.make(), queue: try QueueName("q"), type: "noop", attempt: 1, maxAttempts: 3,
                                   enqueuedAt: 1, tenant: "t1", payload: Array("{\"a\":1}".utf8))
        #expect(try JobEnvelope.decode(json: envelope.encodedJSON()) == envelope)
        for garbage in ["", "{", "[1,2]", "{\"v\":1}", "\u{0}\u{1}binary", "{\"v\":2,\"id\":\"x\"}"] {
            #expect(throws: JobDecodingError.self) { try JobEnvelope.decode(json: Array(garbage.utf8)) }
        }
        do {
            _ = try JobEnvelope.decode(json: Array("{\"v\":9}".utf8))
        } catch {
            #expect(error.reason.contains("unknown envelope version 9"))
        }
    }

    @Test func jobIDsAreUniqueAndTimeOrdered() {
        let early = JobID.make(at: Date(timeIntervalSince1970: 1_000))
        let late = JobID.make(at: Date(timeIntervalSince1970: 2_000))
        #expect(early.rawValue < late.rawValue)
        let many = Set((0..<10_000).map { _ in JobID.make() })
        #expect(many.count == 10_000)
    }

    @Test func queueNamesAreValidated() {
        #expect(throws: QueueNameError.self) { try QueueName("") }
        #expect(throws: QueueNameError.self) { try QueueName("has space") }
        #expect(throws: QueueNameError.self) { try QueueName("brace{") }
        #expect(throws: QueueNameError.self) { try QueueName(String(repeating: "x", count: 65)) }
        #expect((try? QueueName("uploads.v2-eu_1")) != nil)
    }
}
