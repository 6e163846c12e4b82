import Foundation

/// Everything that differs between two photos of the same item: framing, pose, light, optics, backdrop.
public struct ShotVariation: Sendable {
    /// Photo size in pixels.
    public var width: Int, height: Int
    /// In-plane rotation in radians (at most 30 degrees either way).
    public var rotation: Float
    /// Item units to half the short image side.
    public var scale: Float
    /// Offset of the item centre from the image centre, in half-short-side units.
    public var offsetX: Float, offsetY: Float
    /// Projective tilt coefficients (mild perspective).
    public var tiltX: Float, tiltY: Float
    /// Exposure gain.
    public var gain: Float
    /// Per-channel white-balance error.
    public var tint: Colour
    /// Illumination falling off across the photo (fraction per half image).
    public var gradientX: Float, gradientY: Float
    /// Tone-curve exponent.
    public var gamma: Float
    /// Gaussian blur sigma in pixels.
    public var blur: Float
    /// Sensor noise sigma (0...1 scale).
    public var noise: Float
    /// Quality of the JPEG re-encode.
    public var jpegQuality: Int
    /// Whether the item casts a soft shadow.
    public var shadow: Bool
    /// The backdrop.
    public var background: Backdrop

    /// A neutral studio shot: upright, centred, even light, sharp, clean, high JPEG quality, grey backdrop.
    public static let neutral = ShotVariation(
        width: 320, height: 240, rotation: 0, scale: 0.7, offsetX: 0, offsetY: 0, tiltX: 0, tiltY: 0,
        gain: 1, tint: Colour(1, 1, 1), gradientX: 0, gradientY: 0, gamma: 1, blur: 0, noise: 0, jpegQuality: 95,
        shadow: false, background: .plain(Colour(byte: 180, 180, 175)))

    /// Groups of the ways two photos differ, which a diagnostic can hold steady one at a time to see
    /// what each costs the matcher (`photolab variation-cost`).
    public enum Aspect: String, Sendable, CaseIterable {
        /// Perspective tilt.
        case tilt
        /// Objects lying around the item.
        case clutter
        /// White-balance error.
        case tint
        /// Exposure, tone curve and light falling off across the photo.
        case light
        /// Blur, sensor noise and JPEG quality.
        case optics
    }

    /// Draws a random variation within the ranges a phone photo of a household item plausibly covers;
    /// the aspects in `steady` are then set to a neutral studio shot's (the rest of the draw, and so
    /// framing, pose and backdrop, is unchanged).
    public static func random(_ rng: inout SeededRandom, steady: Set<Aspect> = []) -> ShotVariation {
        var variation = draw(&rng)
        for aspect in steady {
            switch aspect {
            case .tilt: (variation.tiltX, variation.tiltY) = (neutral.tiltX, neutral.tiltY)
            case .clutter: variation.background.clutter = []
            case .tint: variation.tint = neutral.tint
            case .light: (variation.gain, variation.gamma, variation.gradientX, variation.gradientY) = (neutral.gain, neutral.gamma, neutral.gradientX, neutral.gradientY)
            case .optics: (variation.blur, variation.noise, variation.jpegQuality) = (neutral.blur, neutral.noise, neutral.jpegQuality)
            }
        }
        return variation
    }

    private static func draw(_ rng: inout SeededRandom) -> ShotVariation {
        let portrait = rng.chance(0.5)
        let long = rng.pick([320, 360, 400]), short = long * 3 / 4
        let degrees = rng.uniform(-30...30)
        return ShotVariation(
            width: portrait ? short : long, height: portrait ? long : short,
            rotation: degrees * .pi / 180,
            scale: rng.uniform(0.55...0.85),
            offsetX: rng.uniform(-0.12...0.12), offsetY: rng.uniform(-0.12...0.12),
            tiltX: rng.uniform(-0.15...0.15), tiltY: rng.uniform(-0.15...0.15),
            gain: rng.uniform(0.6...1.3),
            tint: Colour(rng.uniform(0.9...1.1), rng.uniform(0.95...1.05), rng.uniform(0.88...1.12)),
            gradientX: rng.uniform(-0.25...0.25), gradientY: rng.uniform(-0.25...0.25),
            gamma: rng.uniform(0.85...1.2),
            blur: rng.chance(0.5) ? rng.uniform(0.3...1.6) : 0,
            noise: rng.uniform(0.0...0.035),
            jpegQuality: rng.integer(55...95),
            shadow: rng.chance(0.5),
            background: .random(&rng)
        )
    }
}

/// A surface the item lies on: a plain or textured colour, optionally with unrelated objects around.
public struct Backdrop: Sendable {
    enum Texture: Sendable { case none, speckle, grain }
    struct Clutter: Sendable {
        var isRound: Bool
        var x: Float, y: Float, halfWidth: Float, halfHeight: Float, angle: Float
        var colour: Colour
        var stripes: Colour?
    }

    var base: Colour
    var texture: Texture
    var clutter: [Clutter]

    /// A plain untextured backdrop of one colour.
    public static func plain(_ colour: Colour) -> Backdrop { Backdrop(base: colour, texture: .none, clutter: []) }

    /// A random backdrop; about half are cluttered.
    public static func random(_ rng: inout SeededRandom) -> Backdrop {
        let base = rng.chance(0.7) ? rng.pick(Palette.backgrounds) : Palette.yarn(&rng).mixed(with: Colour(0.6, 0.6, 0.6), 0.5)
        let texture = rng.pick([Texture.none, .speckle, .grain])
        var clutter: [Clutter] = []
        if rng.chance(0.5) {
            for _ in 0..<rng.integer(2...7) {
                // Clutter sits away from the centre, where people put the item they photograph.
                let angle = rng.uniform(0...(2 * .pi)), dist = rng.uniform(0.95...1.5)
                clutter.append(Clutter(
                    isRound: rng.chance(0.4),
                    x: cosf(angle) * dist * 1.3, y: sinf(angle) * dist,
                    halfWidth: rng.uniform(0.1...0.4), halfHeight: rng.uniform(0.06...0.3), angle: rng.uniform(0...3.14),
                    colour: Palette.yarn(&rng),
                    stripes: rng.chance(0.3) ? Palette.yarn(&rng) : nil
                ))
            }
        }
        return Backdrop(base: base, texture: texture, clutter: clutter)
    }

    /// Backdrop colour at normalised image point (x, y); `noise` is a per-pixel random value in 0..<1.
    func colour(x: Float, y: Float, noise: Float) -> Colour {
        var c = base
        switch texture {
        case .none: break
        case .speckle: c = c * (0.94 + 0.12 * noise)
        case .grain: c = c * (0.93 + 0.07 * sinf(y * 40 + 3 * sinf(x * 5)) + 0.03 * noise)
        }
        for item in clutter {
            let dx = x - item.x, dy = y - item.y
            let u = dx * cosf(item.angle) + dy * sinf(item.angle)
            let v = -dx * sinf(item.angle) + dy * cosf(item.angle)
            let inside = item.isRound
                ? (u * u) / (item.halfWidth * item.halfWidth) + (v * v) / (item.halfHeight * item.halfHeight) < 1
                : abs(u) < item.halfWidth && abs(v) < item.halfHeight
            if inside {
                c = item.colour
                if let s = item.stripes, fract(u * 8) < 0.5 { c = s }
            }
        }
        return c
    }
}

/// Where each photo pixel of a shot looks: normalised image coordinates (half the short side is 1) and,
/// through perspective, offset, rotation and scale, the item point it shows.
struct SceneMapping {
    let variation: ShotVariation
    let half: Float, cosR: Float, sinR: Float

    init(_ v: ShotVariation) {
        variation = v
        half = Float(min(v.width, v.height)) / 2
        cosR = cosf(v.rotation)
        sinR = sinf(v.rotation)
    }

    @inline(__always)
    func point(_ px: Int, _ py: Int) -> (nx: Float, ny: Float, ix: Float, iy: Float) {
        let v = variation
        let nx = (Float(px) + 0.5 - Float(v.width) / 2) / half, ny = (Float(py) + 0.5 - Float(v.height) / 2) / half
        let p = 1 + v.tiltX * nx + v.tiltY * ny
        let sx = nx / p - v.offsetX, sy = ny / p - v.offsetY
        return (nx, ny, (cosR * sx + sinR * sy) / v.scale, (-sinR * sx + cosR * sy) / v.scale)
    }
}
