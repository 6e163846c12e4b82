import CTurboJPEG

extension ImageDecoder {
    /// Decodes baseline or progressive JPEG through TurboJPEG, reading the header first.
    static func decodeJPEG(_ bytes: UnsafeBufferPointer<UInt8>, maxPixels: Int, reducedFor longSide: Int? = nil) throws(ImageDecodingError) -> DecodedImage {
        guard let handle = tjInitDecompress() else { throw .corrupt(.jpeg, detail: "the JPEG decoder could not start") }
        defer { tjDestroy(handle) }
        guard let base = bytes.baseAddress else { throw .empty }

        var width: Int32 = 0, height: Int32 = 0, subsampling: Int32 = 0, colorspace: Int32 = 0
        if tjDecompressHeader3(handle, base, UInt(bytes.count), &width, &height, &subsampling, &colorspace) != 0 {
            throw .corrupt(.jpeg)
        }
        try checkLimit(width: Int(width), height: Int(height), maxPixels: maxPixels, format: .jpeg)
        if colorspace == Int32(TJCS_CMYK.rawValue) || colorspace == Int32(TJCS_YCCK.rawValue) {
            throw ImageDecodingError(code: .unsupportedImageFormat, message: "CMYK JPEG images are not supported; please upload an RGB photo.")
        }

        let layout: DecodedImage.Layout = colorspace == Int32(TJCS_GRAY.rawValue) ? .grayscale : .rgb
        let pixelFormat = layout == .grayscale ? TJPF_GRAY : TJPF_RGB
        // The DCT scales libjpeg-turbo always has: the largest leaving at least two photo pixels per
        // pixel of the size asked for.
        let scale = longSide.map { side in
            let needed = (Int(max(width, height)) + side - 1) / max(1, side)
            return [8, 4, 2].first { 2 * $0 <= needed } ?? 1
        } ?? 1
        let outWidth = (Int(width) + scale - 1) / scale, outHeight = (Int(height) + scale - 1) / scale
        var pixels = [UInt8](repeating: 0, count: outWidth * outHeight * layout.channels)
        // Progressive files can hide a scan bomb; TJFLAG_LIMITSCANS caps them at 500 scans.
        let flags = TJFLAG_LIMITSCANS
        let status = pixels.withUnsafeMutableBufferPointer { out in
            tjDecompress2(handle, base, UInt(bytes.count), out.baseAddress, Int32(outWidth), 0, Int32(outHeight), Int32(pixelFormat.rawValue), flags)
        }
        if status != 0 {
            // A warning still produced pixels, but a premature end means part of the photo is grey filler.
            let fatal = tjGetErrorCode(handle) == Int32(TJERR_FATAL.rawValue)
            let text = tjGetErrorStr2(handle).map { String(cString: $0) } ?? ""
            if fatal || text.contains("Premature end") {
                throw .corrupt(.jpeg)
            }
        }
        return DecodedImage(width: outWidth, height: outHeight, layout: layout, pixels: pixels, sourceWidth: Int(width), sourceHeight: Int(height))
    }
}
