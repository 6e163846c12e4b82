/// Why an uploaded file could not be turned into pixels, as a code for programs and a sentence for people.
///
/// The sentence never quotes file contents; it names the format and, for size limits, the numbers.
public struct ImageDecodingError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What went wrong, for programs.
    public enum Code: String, Sendable, Equatable {
        /// The file has zero bytes.
        case empty
        /// The file claims a known format but its contents end early or do not follow that format.
        case corrupt
        /// The file is a known image format this decoder does not read.
        case unsupportedImageFormat
        /// The file is a video container.
        case videoNotSupported
        /// The bytes match no known image or video signature.
        case unrecognisedFormat
        /// The image has more pixels than the caller allows.
        case tooLarge
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

    static let empty = ImageDecodingError(code: .empty, message: "The file is empty (zero bytes).")

    static func corrupt(_ format: ImageFormat, detail: String? = nil) -> ImageDecodingError {
        let reason = detail.map { " (\($0))" } ?? ""
        return ImageDecodingError(
            code: .corrupt,
            message: "The \(format.displayName) file is truncated or corrupt and could not be decoded\(reason)."
        )
    }

    static func unsupported(_ format: ImageFormat) -> ImageDecodingError {
        if format.isVideo {
            return ImageDecodingError(
                code: .videoNotSupported,
                message: "The file is a \(format.displayName) video; video is not supported yet, please upload a JPEG or PNG photo."
            )
        }
        return ImageDecodingError(
            code: .unsupportedImageFormat,
            message: "\(format.displayName) images are not supported; please upload a JPEG or PNG photo."
        )
    }

    static let unrecognised = ImageDecodingError(
        code: .unrecognisedFormat,
        message: "The file is not a recognised image; please upload a JPEG or PNG photo."
    )

    static func tooLarge(width: Int, height: Int, maxPixels: Int) -> ImageDecodingError {
        ImageDecodingError(
            code: .tooLarge,
            message: "The image is \(width)×\(height) = \(width * height) pixels, more than the limit of \(maxPixels) pixels."
        )
    }
}
