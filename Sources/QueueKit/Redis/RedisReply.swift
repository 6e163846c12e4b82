/// One decoded Redis reply. Error replies are values here so that a pipeline can carry a failed
/// command next to successful ones; `RedisConnection.send` turns them into `RedisCommandError`.
public enum RedisReply: Sendable, Hashable {
    case string([UInt8])
    case status(String)
    case integer(Int)
    case array([RedisReply])
    case null
    case error(String)

    /// The reply as text, for bulk strings, status replies and integers.
    public var string: String? {
        switch self {
        case .string(let bytes): return String(decoding: bytes, as: UTF8.self)
        case .status(let text): return text
        case .integer(let value): return String(value)
        default: return nil
        }
    }

    /// The reply as an integer, for integer replies and bulk strings holding one.
    public var int: Int? {
        switch self {
        case .integer(let value): return value
        case .string(let bytes): return Int(String(decoding: bytes, as: UTF8.self))
        case .status(let text): return Int(text)
        default: return nil
        }
    }

    /// The reply as raw bytes, for bulk strings.
    public var bytes: [UInt8]? {
        if case .string(let bytes) = self { return bytes }
        if case .status(let text) = self { return Array(text.utf8) }
        return nil
    }

    /// The elements of an array reply; `[]` for a null reply (an empty result), `nil` otherwise.
    public var array: [RedisReply]? {
        switch self {
        case .array(let elements): return elements
        case .null: return []
        default: return nil
        }
    }

    public var isNull: Bool { self == .null }
}
