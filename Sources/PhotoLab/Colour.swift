/// A linear-ish RGB colour with components in 0...1, used while rendering scenes.
public struct Colour: Sendable, Equatable, Codable {
    /// Red, green and blue in 0...1.
    public var r: Float, g: Float, b: Float

    /// Creates a colour from components in 0...1.
    public init(_ r: Float, _ g: Float, _ b: Float) { self.r = r; self.g = g; self.b = b }

    /// Creates a colour from 0...255 components.
    public init(byte r: Int, _ g: Int, _ b: Int) { self.init(Float(r) / 255, Float(g) / 255, Float(b) / 255) }

    static func * (c: Colour, k: Float) -> Colour { Colour(c.r * k, c.g * k, c.b * k) }
    static func + (a: Colour, b: Colour) -> Colour { Colour(a.r + b.r, a.g + b.g, a.b + b.b) }

    /// Linear interpolation: `t = 0` gives `self`, `t = 1` gives `other`.
    func mixed(with other: Colour, _ t: Float) -> Colour { self * (1 - t) + other * t }

    func distance(to o: Colour) -> Float {
        let dr = r - o.r, dg = g - o.g, db = b - o.b
        return (dr * dr + dg * dg + db * db).squareRoot()
    }
}

/// The named colours designs are drawn from, chosen to resemble real yarn and plastic.
enum Palette {
    static let named: [(String, Colour)] = [
        ("navy", Colour(byte: 28, 38, 92)), ("red", Colour(byte: 196, 32, 38)), ("white", Colour(byte: 236, 236, 230)),
        ("black", Colour(byte: 28, 28, 30)), ("grey", Colour(byte: 128, 128, 130)), ("yellow", Colour(byte: 240, 200, 40)),
        ("green", Colour(byte: 40, 140, 60)), ("teal", Colour(byte: 20, 130, 130)), ("pink", Colour(byte: 240, 130, 170)),
        ("orange", Colour(byte: 240, 120, 30)), ("purple", Colour(byte: 110, 50, 150)), ("brown", Colour(byte: 110, 70, 40)),
        ("beige", Colour(byte: 215, 195, 160)), ("sky", Colour(byte: 110, 170, 230)), ("olive", Colour(byte: 110, 120, 40)),
        ("maroon", Colour(byte: 120, 25, 45)), ("mint", Colour(byte: 150, 220, 180)), ("mustard", Colour(byte: 200, 160, 40)),
    ]

    static let backgrounds: [Colour] = [
        Colour(byte: 200, 170, 130), Colour(byte: 150, 105, 70), Colour(byte: 225, 225, 220), Colour(byte: 90, 90, 95),
        Colour(byte: 180, 180, 175), Colour(byte: 60, 50, 45), Colour(byte: 210, 200, 185), Colour(byte: 120, 140, 160),
        Colour(byte: 160, 170, 140), Colour(byte: 245, 240, 235),
    ]

    /// A colour from the palette, jittered a little so that two designs rarely share exact values.
    static func yarn(_ rng: inout SeededRandom) -> Colour {
        let base = rng.pick(named).1
        let j: Float = 0.04
        return Colour(
            min(1, max(0, base.r + rng.uniform(-j...j))),
            min(1, max(0, base.g + rng.uniform(-j...j))),
            min(1, max(0, base.b + rng.uniform(-j...j)))
        )
    }

    /// Two clearly different yarn colours.
    static func pair(_ rng: inout SeededRandom) -> (Colour, Colour) {
        let a = yarn(&rng)
        var b = yarn(&rng)
        while b.distance(to: a) < 0.35 { b = yarn(&rng) }
        return (a, b)
    }
}
