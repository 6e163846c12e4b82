/// Why bytes could not be read back as a `Fingerprint`, as a code for programs and a sentence for people.
///
/// The sentence names the byte counts and versions involved, never the bytes themselves.
public struct FingerprintPackingError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What went wrong, for programs.
    public enum Code: String, Sendable, Equatable {
        /// The first byte names a layout version this library does not read (recompute from the photo).
        case unsupportedVersion
        /// The byte count is not the one the layout version requires.
        case wrongLength
    }

    /// What went wrong.
    public let code: Code
    /// One readable sentence explaining the problem.
    public let message: String

    /// Creates an error from its parts; prefer the static constructors.
    public init(code: Code, message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }

    static func unsupportedVersion(_ found: Int?) -> FingerprintPackingError {
        FingerprintPackingError(
            code: .unsupportedVersion,
            message: found.map { "The packed fingerprint has layout version \($0); this library reads version \(Fingerprint.currentVersion) only." }
                ?? "The packed fingerprint is empty (zero bytes).")
    }

    static func wrongLength(_ found: Int, expected: Int) -> FingerprintPackingError {
        FingerprintPackingError(
            code: .wrongLength,
            message: "The packed fingerprint has \(found) bytes; layout version \(Fingerprint.currentVersion) needs exactly \(expected).")
    }
}
