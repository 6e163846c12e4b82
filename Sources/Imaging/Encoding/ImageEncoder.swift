import CSpng
import CTurboJPEG
import Glibc

/// Writes a `DecodedImage` as JPEG (TurboJPEG) or PNG (libspng) bytes.
public enum ImageEncoder {
    /// Encodes as baseline JPEG with 4:2:0 chroma subsampling (4:0:0 for grayscale); `quality` is 1...100.
    public static func jpeg(_ image: DecodedImage, quality: Int = 85) throws(ImageEncodingError) -> [UInt8] {
        guard let handle = tjInitCompress() else { throw ImageEncodingError(message: "The JPEG encoder could not start.") }
        defer { tjDestroy(handle) }
        let pixelFormat = image.layout == .grayscale ? TJPF_GRAY : TJPF_RGB
        let subsampling = image.layout == .grayscale ? TJSAMP_GRAY : TJSAMP_420
        var output: UnsafeMutablePointer<UInt8>? = nil
        var size: UInt = 0
        let status = image.pixels.withUnsafeBufferPointer { src in
            tjCompress2(handle, src.baseAddress, Int32(image.width), 0, Int32(image.height), Int32(pixelFormat.rawValue),
                        &output, &size, Int32(subsampling.rawValue), Int32(max(1, min(100, quality))), 0)
        }
        defer { if let output { tjFree(output) } }
        guard status == 0, let output else {
            let reason = tjGetErrorStr2(handle).map { String(cString: $0) } ?? "unknown"
            throw ImageEncodingError(message: "JPEG encoding failed: \(reason).")
        }
        return Array(UnsafeBufferPointer(start: output, count: Int(size)))
    }

    /// Encodes as 8-bit PNG (colour type 2 for RGB, 0 for grayscale).
    public static func png(_ image: DecodedImage) throws(ImageEncodingError) -> [UInt8] {
        guard let ctx = spng_ctx_new(Int32(SPNG_CTX_ENCODER.rawValue)) else {
            throw ImageEncodingError(message: "The PNG encoder could not start.")
        }
        defer { spng_ctx_free(ctx) }
        spng_set_option(ctx, SPNG_ENCODE_TO_BUFFER, 1)
        var ihdr = spng_ihdr()
        ihdr.width = UInt32(image.width)
        ihdr.height = UInt32(image.height)
        ihdr.bit_depth = 8
        ihdr.color_type = image.layout == .grayscale ? 0 : 2
        spng_set_ihdr(ctx, &ihdr)
        let status = image.pixels.withUnsafeBytes { src in
            spng_encode_image(ctx, src.baseAddress, src.count, Int32(SPNG_FMT_PNG.rawValue), Int32(SPNG_ENCODE_FINALIZE.rawValue))
        }
        guard status == 0 else {
            throw ImageEncodingError(message: "PNG encoding failed: \(String(cString: spng_strerror(status))).")
        }
        var length = 0
        var error: Int32 = 0
        guard let buffer = spng_get_png_buffer(ctx, &length, &error), error == 0 else {
            throw ImageEncodingError(message: "PNG encoding produced no output.")
        }
        defer { free(buffer) }
        return Array(UnsafeRawBufferPointer(start: buffer, count: length).bindMemory(to: UInt8.self))
    }
}
