import Foundation

/// A small floating-point copy of a photo (longest side `longSide`), lightly smoothed, that all
/// fingerprint stages read (the outline's last round also reads it before smoothing, `sharp`); its
/// one responsibility is to make the fingerprint independent of camera resolution. Every photo
/// larger than that is area-averaged to the same long side, so the same scene taken by a
/// 12-megapixel phone and by a 320-pixel thumbnail gives working copies that differ only by what
/// the smaller photo could not resolve; a smaller photo is used as it is.
struct WorkingImage {
    static let longSide = 160

    let width: Int
    let height: Int
    /// Planar channels in 0...1.
    var red: [Float], green: [Float], blue: [Float]
    /// The same before the 3×3 smoothing: a line one working pixel wide (the backdrop between a
    /// glove's fingers) is still there.
    let sharp: (red: [Float], green: [Float], blue: [Float])

    /// How many photo pixels one working pixel spans along each axis, and the working copy's size,
    /// from the size of the photo `image` shows (so that a photo decoded at a reduced scale gets the
    /// same working copy, up to the decoder's filter); `longSide` another long side than the
    /// working copy's (the photo check's finer copy, `AlignableItem`).
    static func reduction(of image: DecodedImage, longSide: Int = longSide) -> (scale: Double, width: Int, height: Int) {
        let long = max(image.sourceWidth, image.sourceHeight)
        guard long > longSide else { return (1, image.sourceWidth, image.sourceHeight) }
        return (Double(long) / Double(longSide), max(1, image.sourceWidth * longSide / long), max(1, image.sourceHeight * longSide / long))
    }

    static func size(of image: DecodedImage) -> (width: Int, height: Int) {
        let r = reduction(of: image)
        return (r.width, r.height)
    }

    /// The working copy of `image`, or a copy of it with another long side (`reduction(of:longSide:)`).
    init(_ image: DecodedImage, longSide: Int = longSide) {
        let (scale, w, h) = Self.reduction(of: image, longSide: longSide)
        width = w
        height = h
        sharp = Self.areaAverage(image, scale: scale, width: w, height: h)
        (red, green, blue) = (Self.boxSmooth(sharp.red, w, h), Self.boxSmooth(sharp.green, w, h), Self.boxSmooth(sharp.blue, w, h))
    }

    /// The working copy: each working pixel is the mean of the decoded pixels over the `scale` ×
    /// `scale` photo pixels it stands for (partly covered pixels weighted by their share; with a whole
    /// number of pixels per working pixel and the photo decoded whole, a plain block mean). Never
    /// reads past the photo, however thin it is.
    static func areaAverage(_ image: DecodedImage, scale: Double, width w: Int, height h: Int) -> ([Float], [Float], [Float]) {
        // Decoded pixel i covers photo pixels [i·step, (i+1)·step) along an axis.
        func spans(_ count: Int, decoded: Int, source: Int) -> [[(index: Int, weight: Float)]] {
            let step = Double(source) / Double(decoded)
            return (0..<count).map { x in
                let start = Double(x) * scale / step, end = min(Double(decoded), Double(x + 1) * scale / step)
                return (Int(start)...max(Int(start), min(decoded - 1, Int(end.rounded(.up)) - 1))).compactMap { i in
                    let overlap = min(end, Double(i + 1)) - max(start, Double(i))
                    return overlap > 0 ? (i, Float(overlap)) : nil
                }
            }
        }
        let columns = spans(w, decoded: image.width, source: image.sourceWidth)
        let rows = spans(h, decoded: image.height, source: image.sourceHeight)
        var r = [Float](repeating: 0, count: w * h), g = r, b = r
        let channels = image.layout.channels
        image.pixels.withUnsafeBufferPointer { src in
            for y in 0..<h {
                for x in 0..<w {
                    var sr: Float = 0, sg: Float = 0, sb: Float = 0, total: Float = 0
                    for (row, wy) in rows[y] {
                        for (column, wx) in columns[x] {
                            let o = (row * image.width + column) * channels, weight = wx * wy
                            let v0 = Float(src[o])
                            sr += weight * v0
                            sg += weight * (channels == 3 ? Float(src[o + 1]) : v0)
                            sb += weight * (channels == 3 ? Float(src[o + 2]) : v0)
                            total += weight
                        }
                    }
                    let norm = 1 / (max(total, 1e-6) * 255)
                    r[y * w + x] = sr * norm
                    g[y * w + x] = sg * norm
                    b[y * w + x] = sb * norm
                }
            }
        }
        return (r, g, b)
    }

    /// 3×3 mean, edges clamped: removes sensor noise and JPEG ringing before any decision.
    static func boxSmooth(_ src: [Float], _ w: Int, _ h: Int) -> [Float] {
        var out = src
        for y in 0..<h {
            for x in 0..<w {
                var s: Float = 0
                for dy in -1...1 {
                    let yy = min(h - 1, max(0, y + dy))
                    for dx in -1...1 { s += src[yy * w + min(w - 1, max(0, x + dx))] }
                }
                out[y * w + x] = s / 9
            }
        }
        return out
    }

    /// Bilinear sample of channel `plane` at (x, y) in pixel coordinates (centre of pixel 0 is 0).
    @inline(__always)
    static func bilinear(_ plane: UnsafeBufferPointer<Float>, _ w: Int, _ h: Int, _ x: Float, _ y: Float) -> Float {
        let cx = min(Float(w - 1), max(0, x)), cy = min(Float(h - 1), max(0, y))
        let x0 = Int(cx), y0 = Int(cy)
        let x1 = min(w - 1, x0 + 1), y1 = min(h - 1, y0 + 1)
        let fx = cx - Float(x0), fy = cy - Float(y0)
        let a = plane[y0 * w + x0] * (1 - fx) + plane[y0 * w + x1] * fx
        let b = plane[y1 * w + x0] * (1 - fx) + plane[y1 * w + x1] * fx
        return a * (1 - fy) + b * fy
    }
}

/// Lighting-robust colour coordinates: two intensity-normalised opponent chroma values and intensity.
enum ColourSpace {
    /// Damps chroma of dark pixels, where sensor noise would otherwise dominate the ratio. Segmentation
    /// uses the larger floor (robust to noise); descriptors the smaller one (robust to exposure changes).
    static let segmentationFloor: Float = 0.12
    static let descriptorFloor: Float = 0.03

    @inline(__always)
    static func chroma(_ r: Float, _ g: Float, _ b: Float, floor: Float = descriptorFloor) -> (Float, Float) {
        let s = r + g + b + floor
        return ((r - g) / s, (r + g - 2 * b) / s)
    }

    @inline(__always)
    static func intensity(_ r: Float, _ g: Float, _ b: Float) -> Float { (r + g + b) / 3 }

    /// An item's own bright level (the 97th percentile of its sorted intensities), the reference of
    /// relative lightness, so that lightness does not depend on exposure.
    static func brightLevel(ofSorted intensities: [Float]) -> Float {
        max(0.02, intensities.isEmpty ? 0.5 : intensities[intensities.count * 97 / 100])
    }
}
