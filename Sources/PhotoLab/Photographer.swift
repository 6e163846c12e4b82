import Foundation
import Imaging

/// Renders a design as a plausible phone photo under a `ShotVariation` and round-trips it through JPEG.
public enum Photographer {
    /// Photographs `design` once; `shot` 1 of a glove shows the other hand. Deterministic in `seed`.
    /// The aspects in `steady` are held at a studio shot's (see `ShotVariation.random(_:steady:)`).
    /// `resolution` takes the same photo with a camera of that many times the pixels along each side
    /// (the scene, pose and light unchanged; blur in pixels scaled with it).
    public static func photograph(_ design: ItemDesign, shot: Int, seed: UInt64, steady: Set<ShotVariation.Aspect> = [],
                                  resolution: Float = 1) -> Photo {
        var rng = shotRandom(design, shot: shot, seed: seed)
        var variation = ShotVariation.random(&rng, steady: steady)
        if resolution != 1 {
            variation.width = max(1, Int((Float(variation.width) * resolution).rounded()))
            variation.height = max(1, Int((Float(variation.height) * resolution).rounded()))
            variation.blur *= resolution
        }
        let mirrored = design.kind.partnerIsMirrored && shot == 1
        let raw = render(design, mirrored: mirrored, variation: variation, rng: &rng)
        // JPEG re-encoding is part of every real upload; failure here would be a bug in the encoder.
        let jpeg = (try? ImageEncoder.jpeg(raw, quality: variation.jpegQuality)) ?? []
        let decoded = (try? ImageDecoder.decode(jpeg)) ?? raw
        return Photo(designID: design.id, shot: shot, mirrored: mirrored, jpeg: jpeg, image: decoded)
    }

    /// How `photograph(design, shot:, seed:)` frames, lights and degrades the photo.
    public static func variation(of design: ItemDesign, shot: Int, seed: UInt64) -> ShotVariation {
        var rng = shotRandom(design, shot: shot, seed: seed)
        return ShotVariation.random(&rng)
    }

    /// The random stream of one photo: its variation is drawn first, then the rendering's noise.
    static func shotRandom(_ design: ItemDesign, shot: Int, seed: UInt64) -> SeededRandom {
        SeededRandom(seed: seed &+ UInt64(design.id) &* 1_000_003 &+ UInt64(shot) &* 7919)
    }

    /// Both shots of every design, in design order.
    public static func photographAll(_ designs: [ItemDesign], seed: UInt64) -> [Photo] {
        designs.flatMap { d in (0..<2).map { photograph(d, shot: $0, seed: seed) } }
    }

    /// Renders the scene to 8-bit RGB without compression.
    public static func render(_ design: ItemDesign, mirrored: Bool, variation v: ShotVariation, rng: inout SeededRandom) -> DecodedImage {
        let w = v.width, h = v.height
        let pixelsPerUnit = Float(min(w, h)) / 2 * v.scale
        let isTextile = design.kind == .sock || design.kind == .glove
        let lightX = cosf(v.rotation * 3 + 1), lightY = sinf(v.rotation * 3 + 1)
        var buffer = [Float](repeating: 0, count: w * h * 3)
        let mapping = SceneMapping(v)
        for py in 0..<h {
            for px in 0..<w {
                let (nx, ny, ix, iy) = mapping.point(px, py)
                var colour = v.background.colour(x: nx, y: ny, noise: rng.unit())
                if v.shadow {
                    let s = design.sample(x: ix - 0.06, y: iy - 0.08, mirrored: mirrored).distance
                    let shade = max(0, min(1, 0.5 - s / 0.12))
                    colour = colour * (1 - 0.35 * shade)
                }
                let (d, itemColour) = design.sample(x: ix, y: iy, mirrored: mirrored)
                let coverage = max(0, min(1, 0.5 - d * pixelsPerUnit))
                if coverage > 0 {
                    var c = itemColour * (1 + 0.1 * (ix * lightX + iy * lightY))
                    if isTextile { c = c * (1 + 0.05 * sinf(iy * 180)) }
                    colour = colour.mixed(with: c, coverage)
                }
                let light = v.gain * (1 + v.gradientX * nx + v.gradientY * ny)
                let o = 3 * (py * w + px)
                buffer[o] = colour.r * light * v.tint.r
                buffer[o + 1] = colour.g * light * v.tint.g
                buffer[o + 2] = colour.b * light * v.tint.b
            }
        }
        if v.blur > 0.2 { gaussianBlur(&buffer, width: w, height: h, sigma: v.blur) }
        var bytes = [UInt8](repeating: 0, count: w * h * 3)
        for i in 0..<bytes.count {
            let value = powf(max(0, buffer[i]), v.gamma) + v.noise * rng.gaussian()
            bytes[i] = UInt8(max(0, min(255, (value * 255).rounded())))
        }
        return DecodedImage(width: w, height: h, layout: .rgb, pixels: bytes)
    }

    static func gaussianBlur(_ buf: inout [Float], width w: Int, height h: Int, sigma: Float) {
        let radius = Int((sigma * 2.5).rounded(.up))
        var kernel = (-radius...radius).map { expf(-Float($0 * $0) / (2 * sigma * sigma)) }
        let sum = kernel.reduce(0, +)
        kernel = kernel.map { $0 / sum }
        var tmp = buf
        for pass in 0..<2 {
            let source = pass == 0 ? buf : tmp
            var out = source
            for y in 0..<h {
                for x in 0..<w {
                    for c in 0..<3 {
                        var acc: Float = 0
                        for k in -radius...radius {
                            let xx = pass == 0 ? min(w - 1, max(0, x + k)) : x
                            let yy = pass == 1 ? min(h - 1, max(0, y + k)) : y
                            acc += kernel[k + radius] * source[3 * (yy * w + xx) + c]
                        }
                        out[3 * (y * w + x) + c] = acc
                    }
                }
            }
            if pass == 0 { tmp = out } else { buf = out }
        }
    }
}

extension Photographer {
    /// Which pixels of `photograph(design, shot:, seed:)`, reduced to `width`×`height`, show the item
    /// (more than half of the photo pixels falling into the cell): the truth a segmentation is measured
    /// against.
    public static func groundTruthMask(_ design: ItemDesign, shot: Int, seed: UInt64, width: Int, height: Int) -> [Bool] {
        let v = variation(of: design, shot: shot, seed: seed)
        let mirrored = design.kind.partnerIsMirrored && shot == 1
        var inside = [Int](repeating: 0, count: width * height), total = inside
        let mapping = SceneMapping(v)
        for py in 0..<v.height {
            for px in 0..<v.width {
                let (_, _, ix, iy) = mapping.point(px, py)
                let cell = min(height - 1, py * height / v.height) * width + min(width - 1, px * width / v.width)
                total[cell] += 1
                if design.sample(x: ix, y: iy, mirrored: mirrored).distance < 0 { inside[cell] += 1 }
            }
        }
        return (0..<(width * height)).map { 2 * inside[$0] > total[$0] }
    }
}
