/// A decoded raster image held in memory: 8-bit RGB or grayscale samples, row-major, no padding.
///
/// Its one responsibility is to carry pixels between the decoder, the fingerprinter and the encoder.
public struct DecodedImage: Sendable, Equatable {
    /// How the samples of one pixel are laid out.
    public enum Layout: Int, Sendable, Codable {
        /// Three bytes per pixel: red, green, blue.
        case rgb = 3
        /// One byte per pixel: luminance.
        case grayscale = 1

        /// Bytes per pixel.
        public var channels: Int { rawValue }
    }

    /// Width in pixels.
    public let width: Int
    /// Height in pixels.
    public let height: Int
    /// Sample layout of `pixels`.
    public let layout: Layout
    /// `width * height * layout.channels` bytes, row by row.
    public let pixels: [UInt8]
    /// Size of the photo these pixels show: larger than `width` × `height` when it was decoded at a
    /// reduced scale (`ImageDecoder.decode(_:maxPixels:reducedFor:)`), each pixel then standing for
    /// a block of the photo's.
    public let sourceWidth: Int, sourceHeight: Int

    /// Wraps pixels; the byte count must equal `width * height * layout.channels`.
    public init(width: Int, height: Int, layout: Layout, pixels: [UInt8], sourceWidth: Int? = nil, sourceHeight: Int? = nil) {
        precondition(width > 0 && height > 0, "an image has at least one pixel")
        precondition(pixels.count == width * height * layout.channels, "pixel buffer size does not match the dimensions")
        self.width = width
        self.height = height
        self.layout = layout
        self.pixels = pixels
        self.sourceWidth = max(width, sourceWidth ?? width)
        self.sourceHeight = max(height, sourceHeight ?? height)
    }

    /// Number of pixels (`width * height`).
    public var pixelCount: Int { width * height }

    /// The same image with three channels; grayscale is replicated, RGB is returned unchanged.
    public func convertedToRGB() -> DecodedImage {
        if layout == .rgb { return self }
        var rgb = [UInt8](repeating: 0, count: pixelCount * 3)
        for i in 0..<pixelCount {
            let v = pixels[i]
            rgb[3 * i] = v
            rgb[3 * i + 1] = v
            rgb[3 * i + 2] = v
        }
        return DecodedImage(width: width, height: height, layout: .rgb, pixels: rgb, sourceWidth: sourceWidth, sourceHeight: sourceHeight)
    }
}
