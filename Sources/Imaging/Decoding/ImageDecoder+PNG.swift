import CSpng

extension ImageDecoder {
    /// Largest chunk libspng may read, and the total it may cache for ancillary chunks.
    static let pngChunkLimit = 8 << 20
    static let pngChunkCacheLimit = 32 << 20

    /// Decodes PNG through libspng, reading IHDR first; transparency is composited over white.
    static func decodePNG(_ bytes: UnsafeBufferPointer<UInt8>, maxPixels: Int) throws(ImageDecodingError) -> DecodedImage {
        guard let ctx = spng_ctx_new(0) else { throw .corrupt(.png, detail: "the PNG decoder could not start") }
        defer { spng_ctx_free(ctx) }
        let side = UInt32(clamping: min(maxPixels, Int(Int32.max)))
        spng_set_image_limits(ctx, side, side)
        spng_set_chunk_limits(ctx, pngChunkLimit, pngChunkCacheLimit)
        spng_set_option(ctx, SPNG_CHUNK_COUNT_LIMIT, 1000)
        guard spng_set_png_buffer(ctx, bytes.baseAddress, bytes.count) == 0 else { throw .corrupt(.png) }

        var ihdr = spng_ihdr()
        let headerStatus = spng_get_ihdr(ctx, &ihdr)
        if headerStatus == Int32(SPNG_EUSER_WIDTH.rawValue) || headerStatus == Int32(SPNG_EUSER_HEIGHT.rawValue) {
            throw .tooLarge(width: Int(ihdr.width), height: Int(ihdr.height), maxPixels: maxPixels)
        }
        guard headerStatus == 0 else { throw .corrupt(.png) }
        try checkLimit(width: Int(ihdr.width), height: Int(ihdr.height), maxPixels: maxPixels, format: .png)

        let format = Int32(SPNG_FMT_RGBA8.rawValue)
        var size = 0
        guard spng_decoded_image_size(ctx, format, &size) == 0, size == Int(ihdr.width) * Int(ihdr.height) * 4 else {
            throw .corrupt(.png)
        }
        var rgba = [UInt8](repeating: 0, count: size)
        let status = rgba.withUnsafeMutableBytes { out in
            spng_decode_image(ctx, out.baseAddress, size, format, Int32(SPNG_DECODE_TRNS.rawValue))
        }
        guard status == 0 else { throw .corrupt(.png) }

        let count = Int(ihdr.width) * Int(ihdr.height)
        // Colour types 0 and 4 are grayscale without and with alpha.
        let layout: DecodedImage.Layout = (ihdr.color_type == 0 || ihdr.color_type == 4) ? .grayscale : .rgb
        var pixels = [UInt8](repeating: 0, count: count * layout.channels)
        rgba.withUnsafeBufferPointer { src in
            pixels.withUnsafeMutableBufferPointer { dst in
                for i in 0..<count {
                    let a = Int(src[4 * i + 3])
                    for c in 0..<layout.channels {
                        let v = Int(src[4 * i + c])
                        dst[layout.channels * i + c] = UInt8((v * a + 255 * (255 - a) + 127) / 255)
                    }
                }
            }
        }
        return DecodedImage(width: Int(ihdr.width), height: Int(ihdr.height), layout: layout, pixels: pixels)
    }
}
