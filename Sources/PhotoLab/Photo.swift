import Imaging

/// One generated photo with the label a benchmark needs to score a matcher.
public struct Photo: Sendable {
    /// The design shown.
    public let designID: Int
    /// 0 for the first shot of the design, 1 for the second.
    public let shot: Int
    /// Whether the item is drawn mirrored (the right glove of a pair).
    public let mirrored: Bool
    /// The photo as an uploader would send it (JPEG bytes).
    public let jpeg: [UInt8]
    /// The decoded pixels of `jpeg`.
    public let image: DecodedImage
}
