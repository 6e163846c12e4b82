import Foundation

/// The outline and fixed details of an item in item coordinates (roughly -1...1), independent of its pattern.
public enum ItemShape: Sendable, Equatable, Codable {
    /// Top-view outline used by containers and lids.
    public enum Outline: String, Sendable, Equatable, Codable, CaseIterable { case round, square, rectangle }

    /// One button of a set.
    public struct Button: Sendable, Equatable, Codable {
        var x: Float, y: Float, radius: Float, colour: Colour, holes: Int
    }

    /// An L-shaped sock: leg down the left, foot to the right; optional cuff and heel/toe colour.
    case sock(leg: Float, foot: Float, cuff: Colour?, heelToe: Colour?)
    /// A left-hand glove with the thumb on the left; `cuff` is an optional band colour.
    case glove(fingerLength: Float, cuff: Colour?)
    /// Loose buttons lying near each other.
    case buttons([Button])
    /// An open container seen from above: rim, darker inside.
    case container(Outline)
    /// A lid seen from above: groove ring and a pull tab on one side.
    case lid(Outline)

    /// Signed distance to the outline at (x, y) and an optional detail colour overriding the pattern there.
    func sample(x: Float, y: Float, pattern: Pattern) -> (distance: Float, colour: Colour) {
        switch self {
        case let .sock(leg, foot, cuff, heelToe):
            let legD = SDF.roundedBox(x, y, cx: -0.3, cy: 0.35 - leg / 2, hw: 0.27, hh: leg / 2 + 0.2, r: 0.2)
            let footD = SDF.capsule(x, y, ax: -0.3, ay: 0.52, bx: -0.3 + foot, by: 0.52, r: 0.27)
            let d = min(legD, footD)
            var c = pattern.colour(x: x, y: y)
            if let cuff, y < 0.35 - leg - 0.05 + 0.28 { c = cuff }
            if let heelToe {
                if SDF.circle(x, y, cx: -0.45, cy: 0.62, r: 0.22) < 0 || x > -0.3 + foot - 0.05 { c = heelToe }
            }
            return (d, c)
        case let .glove(fingerLength, cuff):
            var d = SDF.roundedBox(x, y, cx: 0.05, cy: 0.1, hw: 0.42, hh: 0.42, r: 0.18)
            let fingers: [(Float, Float)] = [(-0.24, 0.85), (-0.03, 1.0), (0.18, 0.95), (0.36, 0.75)]
            for (fx, len) in fingers {
                d = min(d, SDF.capsule(x, y, ax: fx, ay: -0.1, bx: fx, by: -0.1 - fingerLength * len, r: 0.1))
            }
            d = min(d, SDF.capsule(x, y, ax: -0.25, ay: 0.25, bx: -0.72, by: -0.15, r: 0.13))
            let cuffD = SDF.roundedBox(x, y, cx: 0.05, cy: 0.68, hw: 0.38, hh: 0.24, r: 0.06)
            d = min(d, cuffD)
            var c = pattern.colour(x: x, y: y)
            if let cuff, cuffD < 0, y > 0.52 { c = cuff }
            return (d, c)
        case let .buttons(buttons):
            var best: Float = .greatestFiniteMagnitude
            var colour = Colour(0, 0, 0)
            for b in buttons {
                let d = SDF.circle(x, y, cx: b.x, cy: b.y, r: b.radius)
                if d < best {
                    best = d
                    colour = b.colour
                    let hole = b.radius * 0.16, off = b.radius * 0.3
                    var inHole = false
                    if b.holes == 2 {
                        inHole = SDF.circle(x, y, cx: b.x - off, cy: b.y, r: hole) < 0 || SDF.circle(x, y, cx: b.x + off, cy: b.y, r: hole) < 0
                    } else {
                        for (sx, sy) in [(-1, -1), (1, -1), (-1, 1), (1, 1)] as [(Float, Float)] {
                            if SDF.circle(x, y, cx: b.x + sx * off * 0.8, cy: b.y + sy * off * 0.8, r: hole) < 0 { inHole = true }
                        }
                    }
                    if inHole { colour = colour * 0.45 }
                    else if d > -b.radius * 0.15 { colour = colour * 0.8 }
                }
            }
            return (best, colour)
        case let .container(outline):
            let d = Self.outlineDistance(outline, x, y, inset: 0)
            let inner = Self.outlineDistance(outline, x, y, inset: 0.12)
            let base = pattern.colour(x: x, y: y)
            if inner > 0 { return (d, base.mixed(with: Colour(1, 1, 1), 0.15)) }
            let depth = min(1, -inner / 0.5)
            return (d, base * (0.55 + 0.25 * depth))
        case let .lid(outline):
            let d = Self.outlineDistance(outline, x, y, inset: 0)
            let tab = SDF.roundedBox(x, y, cx: Self.halfWidth(outline) + 0.05, cy: 0, hw: 0.14, hh: 0.16, r: 0.06)
            let groove = Self.outlineDistance(outline, x, y, inset: 0.2)
            var c = pattern.colour(x: x, y: y)
            if abs(groove) < 0.03 { c = c * 0.7 }
            return (min(d, tab), c)
        }
    }

    /// What an upload of this button set states: the number of buttons, the holes per button and
    /// the mean diameter in millimetres (an item unit is 50 mm); nil for other shapes.
    public var buttonFacts: (count: Int, holes: Int, diameterMM: Double)? {
        guard case .buttons(let b) = self, let first = b.first else { return nil }
        return (b.count, first.holes, Double(b.map(\.radius).reduce(0, +) / Float(b.count)) * 100)
    }

    /// The first two button colours (black for other shapes).
    var buttonColours: (Colour, Colour) {
        guard case .buttons(let b) = self, let first = b.first else { return (Colour(0, 0, 0), Colour(0, 0, 0)) }
        return (first.colour, b.count > 1 ? b[1].colour : first.colour)
    }

    static func halfWidth(_ outline: Outline) -> Float {
        switch outline {
        case .round: 0.85
        case .square: 0.8
        case .rectangle: 0.92
        }
    }

    static func outlineDistance(_ outline: Outline, _ x: Float, _ y: Float, inset: Float) -> Float {
        switch outline {
        case .round: SDF.circle(x, y, cx: 0, cy: 0, r: 0.85 - inset)
        case .square: SDF.roundedBox(x, y, cx: 0, cy: 0, hw: 0.8 - inset, hh: 0.8 - inset, r: max(0.02, 0.15 - inset / 2))
        case .rectangle: SDF.roundedBox(x, y, cx: 0, cy: 0, hw: 0.92 - inset, hh: 0.55 - inset, r: max(0.02, 0.12 - inset / 2))
        }
    }
}
