import Foundation

/// Turns uploaded bytes into pixels, refusing anything unsafe or unsupported with a typed error.
///
/// The pixel limit is checked from the header before any pixel buffer is allocated, so a small file
/// that declares enormous dimensions (a decompression bomb) costs nothing.
public enum ImageDecoder {
    /// Default pixel limit: 40 megapixels, above any phone camera in common use.
    public static let defaultMaxPixels = 40_000_000

    /// Decodes a JPEG or PNG file held in memory.
    ///
    /// With `longSide`, the caller needs the photo only down to about that many pixels along its long
    /// side (the fingerprint's working size): a large JPEG is then decoded at 1/2, 1/4 or 1/8 scale,
    /// still at least twice that size, which takes a fraction of the time and memory of a phone
    /// camera's full 12 megapixels. Every byte is still read, so damage is still found; the pixel
    /// limit still applies to the photo's declared size. PNG is always decoded whole.
    public static func decode(_ data: [UInt8], maxPixels: Int = defaultMaxPixels, reducedFor longSide: Int? = nil)
        throws(ImageDecodingError) -> DecodedImage {
        let result: Result<DecodedImage, ImageDecodingError> = data.withUnsafeBufferPointer { bytes in
            decodeResult(bytes, maxPixels: maxPixels, reducedFor: longSide)
        }
        return try result.get()
    }

    /// Decodes a JPEG or PNG file held in memory (see `decode(_:maxPixels:reducedFor:)`).
    public static func decode(_ data: Data, maxPixels: Int = defaultMaxPixels, reducedFor longSide: Int? = nil)
        throws(ImageDecodingError) -> DecodedImage {
        try decode([UInt8](data), maxPixels: maxPixels, reducedFor: longSide)
    }

    private static func decodeResult(_ bytes: UnsafeBufferPointer<UInt8>, maxPixels: Int, reducedFor longSide: Int?)
        -> Result<DecodedImage, ImageDecodingError> {
        guard !bytes.isEmpty else { return .failure(.empty) }
        guard let format = ImageFormat.sniff(bytes) else { return .failure(.unrecognised) }
        do {
            switch format {
            case .jpeg: return .success(try decodeJPEG(bytes, maxPixels: maxPixels, reducedFor: longSide))
            case .png: return .success(try decodePNG(bytes, maxPixels: maxPixels))
            default: return .failure(.unsupported(format))
            }
        } catch {
            return .failure(error)
        }
    }

    static func checkLimit(width: Int, height: Int, maxPixels: Int, format: ImageFormat) throws(ImageDecodingError) {
        guard width > 0, height > 0 else { throw .corrupt(format, detail: "it declares a zero width or height") }
        let (pixels, overflow) = width.multipliedReportingOverflow(by: height)
        if overflow || pixels > maxPixels { throw .tooLarge(width: width, height: height, maxPixels: maxPixels) }
    }
}
