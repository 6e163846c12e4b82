/// Why pixels could not be written as a file, with the library's own reason.
public struct ImageEncodingError: Error, Sendable, Equatable, CustomStringConvertible {
    /// One readable sentence explaining the problem.
    public let message: String

    public var description: String { message }
}
