import Foundation

/// A surface pattern in item coordinates (the item spans roughly -1...1 on both axes).
public enum Pattern: Sendable, Equatable, Codable {
    case solid(Colour)
    /// Bands of `period` units; `angle` in radians (0 = bands across the vertical axis); `duty` is the share of `first`.
    case stripes(Colour, Colour, period: Float, angle: Float, duty: Float)
    /// Dots of `second` on `first`, on a staggered grid.
    case dots(Colour, Colour, spacing: Float, radius: Float)
    /// Diamonds alternating between `first` and `second`, with thin diagonal lines in `line`.
    case argyle(Colour, Colour, line: Colour, size: Float)
    /// Zig-zag bands.
    case chevrons(Colour, Colour, period: Float, amplitude: Float)
    /// Gingham-like checks.
    case checks(Colour, Colour, size: Float)

    /// Short name of the pattern kind, for labels.
    public var kindName: String {
        switch self {
        case .solid: "solid"
        case .stripes: "stripes"
        case .dots: "dots"
        case .argyle: "argyle"
        case .chevrons: "chevrons"
        case .checks: "checks"
        }
    }

    /// The two main colours (the same twice for solid).
    var colours: (Colour, Colour) {
        switch self {
        case .solid(let c): (c, c)
        case .stripes(let a, let b, _, _, _), .dots(let a, let b, _, _), .argyle(let a, let b, _, _),
             .chevrons(let a, let b, _, _), .checks(let a, let b, _): (a, b)
        }
    }

    /// Colour at item point (x, y).
    func colour(x: Float, y: Float) -> Colour {
        switch self {
        case .solid(let c):
            return c
        case let .stripes(a, b, period, angle, duty):
            let t = (y * cosf(angle) + x * sinf(angle)) / period
            return fract(t) < duty ? a : b
        case let .dots(a, b, spacing, radius):
            let row = (y / spacing).rounded(.down)
            let shift: Float = Int(row) % 2 == 0 ? 0 : 0.5
            let cx = ((x / spacing + shift).rounded(.down) + 0.5 - shift) * spacing
            let cy = (row + 0.5) * spacing
            let dx = x - cx, dy = y - cy
            return dx * dx + dy * dy < radius * radius ? b : a
        case let .argyle(a, b, line, size):
            let u = (x + y) / size, v = (x - y) / size
            if abs(fract(u + 0.5) - 0.5) < 0.04 || abs(fract(v + 0.5) - 0.5) < 0.04 { return line }
            let cell = Int(u.rounded(.down)) + Int(v.rounded(.down))
            return cell & 1 == 0 ? a : b
        case let .chevrons(a, b, period, amplitude):
            let zig = abs(fract(x / (period * 2)) - 0.5) * 2 * amplitude
            return fract((y + zig) / period) < 0.5 ? a : b
        case let .checks(a, b, size):
            let i = Int((x / size).rounded(.down)) + Int((y / size).rounded(.down))
            return i & 1 == 0 ? a : b
        }
    }

    /// A different pattern kind in the same two colours: the near miss a matcher must reject.
    func sibling(avoiding used: Set<String>, _ rng: inout SeededRandom) -> Pattern? {
        let (a, b) = colours
        for _ in 0..<50 {
            let next = Pattern.random(colours: (a, b), rng: &rng)
            if next.kindName != kindName && next.kindName != "solid" && !used.contains(next.kindName) { return next }
        }
        return nil
    }

    /// A random patterned (or occasionally solid) design in the given colours.
    static func random(colours: (Colour, Colour), rng: inout SeededRandom) -> Pattern {
        let (a, b) = colours
        switch rng.integer(0...10) {
        case 0: return .solid(a)
        case 1, 2: return .stripes(a, b, period: rng.uniform(0.12...0.4), angle: rng.chance(0.7) ? 0 : rng.uniform(-0.8...0.8), duty: rng.uniform(0.35...0.65))
        case 3, 4: let s = rng.uniform(0.14...0.3); return .dots(a, b, spacing: s, radius: s * rng.uniform(0.18...0.32))
        case 5, 6: return .argyle(a, b, line: rng.chance(0.5) ? b.mixed(with: Colour(1, 1, 1), 0.6) : a.mixed(with: Colour(0, 0, 0), 0.5), size: rng.uniform(0.3...0.55))
        case 7, 8: return .chevrons(a, b, period: rng.uniform(0.15...0.35), amplitude: rng.uniform(0.08...0.2))
        default: return .checks(a, b, size: rng.uniform(0.12...0.3))
        }
    }
}

@inline(__always) func fract(_ x: Float) -> Float { x - x.rounded(.down) }
