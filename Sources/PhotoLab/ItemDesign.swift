/// One physical design (a sock pair, a glove pair, a button set, a container or a lid) that gets
/// photographed twice; its one responsibility is to say what colour each item point has.
public struct ItemDesign: Sendable, Equatable, Codable {
    /// Index of the design within its catalogue; photos of the same design are partners.
    public let id: Int
    /// Kind of item.
    public let kind: ItemKind
    /// Surface pattern.
    public let pattern: Pattern
    /// Outline and fixed details.
    public let shape: ItemShape
    /// The id of the design this one is a near miss of (same colours, other pattern), if any.
    public let nearMissOf: Int?

    /// Creates a design; `nearMissOf` names the design it deliberately resembles, if any.
    public init(id: Int, kind: ItemKind, pattern: Pattern, shape: ItemShape, nearMissOf: Int? = nil) {
        self.id = id
        self.kind = kind
        self.pattern = pattern
        self.shape = shape
        self.nearMissOf = nearMissOf
    }

    /// Human-readable label, e.g. "#12 sock stripes (near miss of #7)".
    public var label: String {
        var s = "#\(id) \(kind.rawValue) \(pattern.kindName)"
        if case .container(let o) = shape { s += " \(o.rawValue)" }
        if case .lid(let o) = shape { s += " \(o.rawValue)" }
        if let n = nearMissOf { s += " (near miss of #\(n))" }
        return s
    }

    /// Signed distance (negative inside) and colour at item point (x, y); `mirrored` draws the other hand.
    func sample(x: Float, y: Float, mirrored: Bool) -> (distance: Float, colour: Colour) {
        shape.sample(x: mirrored ? -x : x, y: y, pattern: pattern)
    }
}

extension ItemDesign {
    /// A button set's buttons laid out anew, as another owner's set of the same buttons lies: each
    /// button (size, colour, holes) at another place, drawn from `seed`; nil for other designs, or
    /// when no other arrangement was found.
    public func laidOutAnew(seed: UInt64) -> ItemDesign? {
        guard case .buttons(let buttons) = shape else { return nil }
        var rng = SeededRandom(seed: seed)
        for _ in 0..<50 {
            var placed: [ItemShape.Button] = []
            for button in buttons {
                for _ in 0..<500 {
                    if let moved = DesignCatalogue.placing(button, among: placed, &rng) {
                        placed.append(moved)
                        break
                    }
                }
            }
            if placed.count == buttons.count {
                return ItemDesign(id: id, kind: kind, pattern: pattern, shape: .buttons(placed), nearMissOf: nearMissOf)
            }
        }
        return nil
    }
}
