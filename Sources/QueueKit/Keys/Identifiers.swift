import Foundation

/// A queue's name: 1 to 64 characters of letters, digits, `_`, `-`, `.` and `:`, so that it can sit
/// inside a key's hash tag and on a command line without quoting.
public struct QueueName: Hashable, Sendable, Comparable, CustomStringConvertible, Codable {
    public let rawValue: String

    public init(_ name: String) throws(QueueNameError) {
        guard (1...64).contains(name.utf8.count),
              name.utf8.allSatisfy({ Self.allowed.contains($0) })
        else { throw QueueNameError(name: name) }
        rawValue = name
    }

    public init(from decoder: any Decoder) throws {
        let name = try decoder.singleValueContainer().decode(String.self)
        try self.init(name)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }

    public var description: String { rawValue }
    public static func < (a: QueueName, b: QueueName) -> Bool { a.rawValue < b.rawValue }

    private static let allowed: Set<UInt8> = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-.:".utf8)
}

/// A string that is not a valid queue name.
public struct QueueNameError: Error, Sendable, CustomStringConvertible {
    public let name: String
    public var description: String {
        "invalid queue name '\(name.prefix(80))': use 1-64 letters, digits, '_', '-', '.' or ':'"
    }
}

/// A job's identifier: 26 characters, time-ordered (milliseconds, then randomness), so that job ids
/// sort by creation time in listings.
public struct JobID: Hashable, Sendable, Codable, CustomStringConvertible {
    public let rawValue: String

    public init(_ rawValue: String) { self.rawValue = rawValue }

    /// A new unique id.
    public static func make(at date: Date = Date()) -> JobID {
        let alphabet = Array("0123456789abcdefghjkmnpqrstvwxyz".utf8)
        var millis = UInt64(max(0, date.timeIntervalSince1970 * 1000))
        var chars = [UInt8](repeating: 0, count: 26)
        for i in stride(from: 9, through: 0, by: -1) {
            chars[i] = alphabet[Int(millis & 31)]
            millis >>= 5
        }
        var random = SystemRandomNumberGenerator()
        var bits = random.next()
        for i in 10..<26 {
            if i == 22 { bits = random.next() }
            chars[i] = alphabet[Int(bits & 31)]
            bits >>= 5
        }
        return JobID(String(decoding: chars, as: UTF8.self))
    }

    public init(from decoder: any Decoder) throws {
        rawValue = try decoder.singleValueContainer().decode(String.self)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }

    public var description: String { rawValue }
}

/// The fencing token of one lease: unique and increasing per queue. Ack, fail and extend are refused
/// unless they carry the token of the job's current lease.
public struct LeaseToken: Hashable, Sendable, CustomStringConvertible {
    public let rawValue: String
    public init(_ rawValue: String) { self.rawValue = rawValue }
    public var description: String { rawValue }
}
