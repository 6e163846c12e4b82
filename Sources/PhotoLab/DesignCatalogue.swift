/// Draws a deterministic list of designs from a seed, including deliberate near misses:
/// socks and gloves in the same two colours with another pattern, and lids that share a container's
/// outline and colour.
public enum DesignCatalogue {
    /// Makes `count` designs; the same seed always gives the same list.
    public static func make(count: Int, seed: UInt64, nearMissShare: Float = 0.3) -> [ItemDesign] {
        var rng = SeededRandom(seed: seed)
        var catalogue = Catalogue()
        catalogue.designs.reserveCapacity(count)
        for id in 0..<count {
            var local = rng.fork()
            // Redraw designs that no photo could tell apart from an earlier one (same kind, outline,
            // pattern kind and nearly the same colours): real duplicates would make recall meaningless.
            var design = makeOne(id: id, after: catalogue, nearMissShare: nearMissShare, rng: &local)
            for _ in 0..<20 where catalogue.hasIndistinguishable(design) {
                design = makeOne(id: id, after: catalogue, nearMissShare: nearMissShare, rng: &local)
            }
            catalogue.add(design)
        }
        return catalogue.designs
    }

    /// The designs drawn so far, with the lists the next draw picks from kept up to date, so that a
    /// catalogue of 100,000 designs takes seconds rather than hours.
    private struct Catalogue {
        var designs: [ItemDesign] = []
        /// Patterned socks and gloves that are not near misses themselves, in drawing order.
        var textiles: [ItemDesign] = []
        /// Members (original and near misses) of each near-miss family, by the original's id.
        var families: [Int: [ItemDesign]] = [:]
        /// Containers no lid was made for yet, in drawing order.
        var unlidded: [ItemDesign] = []
        /// Designs by kind and pattern kind, the only ones `isIndistinguishable` can confuse.
        var similar: [String: [ItemDesign]] = [:]

        mutating func add(_ design: ItemDesign) {
            designs.append(design)
            if (design.kind == .sock || design.kind == .glove) && design.pattern.kindName != "solid" && design.nearMissOf == nil {
                textiles.append(design)
            }
            families[design.nearMissOf ?? design.id, default: []].append(design)
            if design.kind == .container { unlidded.append(design) }
            if design.kind == .lid, let container = design.nearMissOf { unlidded.removeAll { $0.id == container } }
            similar[Self.group(design), default: []].append(design)
        }

        func hasIndistinguishable(_ design: ItemDesign) -> Bool {
            similar[Self.group(design)]?.contains { DesignCatalogue.isIndistinguishable($0, design) } ?? false
        }

        static func group(_ design: ItemDesign) -> String { "\(design.kind.rawValue) \(design.pattern.kindName)" }
    }

    private static func makeOne(id: Int, after catalogue: Catalogue, nearMissShare: Float, rng: inout SeededRandom) -> ItemDesign {
        let textiles = catalogue.textiles
        if !textiles.isEmpty && rng.chance(nearMissShare) {
            let original = rng.pick(textiles)
            // Each near miss of one original uses a pattern kind no other member of that family uses.
            let family = catalogue.families[original.id] ?? [original]
            if let pattern = original.pattern.sibling(avoiding: Set(family.map { $0.pattern.kindName }), &rng) {
                return ItemDesign(id: id, kind: original.kind, pattern: pattern, shape: original.shape, nearMissOf: original.id)
            }
        }
        let containers = catalogue.unlidded
        let roll = rng.unit()
        if roll < 0.4 {
            let cuff: Colour? = rng.chance(0.35) ? Palette.yarn(&rng) : nil
            let heel: Colour? = rng.chance(0.3) ? Palette.yarn(&rng) : nil
            let shape = ItemShape.sock(leg: rng.uniform(0.9...1.3), foot: rng.uniform(0.75...1.05), cuff: cuff, heelToe: heel)
            return ItemDesign(id: id, kind: .sock, pattern: .random(colours: Palette.pair(&rng), rng: &rng), shape: shape, nearMissOf: nil)
        } else if roll < 0.6 {
            let cuff: Colour? = rng.chance(0.4) ? Palette.yarn(&rng) : nil
            let shape = ItemShape.glove(fingerLength: rng.uniform(0.45...0.6), cuff: cuff)
            return ItemDesign(id: id, kind: .glove, pattern: .random(colours: Palette.pair(&rng), rng: &rng), shape: shape, nearMissOf: nil)
        } else if roll < 0.75 {
            return ItemDesign(id: id, kind: .buttonSet, pattern: .solid(Colour(0, 0, 0)), shape: .buttons(buttonSet(&rng)), nearMissOf: nil)
        } else if roll < 0.9 || containers.isEmpty {
            let pattern: Pattern = rng.chance(0.65) ? .solid(Palette.yarn(&rng)) : .random(colours: Palette.pair(&rng), rng: &rng)
            return ItemDesign(id: id, kind: .container, pattern: pattern, shape: .container(rng.pick(ItemShape.Outline.allCases)), nearMissOf: nil)
        } else {
            // A lid made for an earlier container: same outline and colours, different look.
            let container = rng.pick(containers)
            guard case .container(let outline) = container.shape else { fatalError("filtered to containers") }
            return ItemDesign(id: id, kind: .lid, pattern: container.pattern, shape: .lid(outline), nearMissOf: container.id)
        }
    }

    /// For each sock and glove in `designs` that has twins among them, how many: other designs this
    /// catalogue calls indistinguishable (same kind and pattern kind, both colours within 0.25). `make`
    /// redraws such a design up to 20 times, but from about a thousand designs on the colour pairs run
    /// out and twins remain, whose photos differ only in pattern and shape measurements (a stripe
    /// period, a dot spacing, a leg length). Benchmarks report them apart.
    public static func textileTwins(in designs: [ItemDesign]) -> [Int: Int] {
        var twins: [Int: Int] = [:]
        forEachTextilePair(in: designs, where: isIndistinguishable) { a, b in
            twins[a.id, default: 0] += 1
            twins[b.id, default: 0] += 1
        }
        return twins
    }

    /// Calls `body` with every pair of socks or gloves in `designs` of the same kind and pattern kind
    /// (the only ones `isIndistinguishable` and `nearlyEqual` can relate) that `related` relates.
    static func forEachTextilePair(in designs: [ItemDesign], where related: (ItemDesign, ItemDesign) -> Bool,
                                   _ body: (ItemDesign, ItemDesign) -> Void) {
        var groups: [String: [ItemDesign]] = [:]
        for design in designs where design.kind == .sock || design.kind == .glove {
            groups[Catalogue.group(design), default: []].append(design)
        }
        for members in groups.values {
            for (i, a) in members.enumerated() {
                for b in members[(i + 1)...] where related(a, b) { body(a, b) }
            }
        }
    }

    static func isIndistinguishable(_ a: ItemDesign, _ b: ItemDesign) -> Bool {
        guard a.kind == b.kind, a.pattern.kindName == b.pattern.kindName else { return false }
        switch (a.shape, b.shape) {
        case let (.container(x), .container(y)), let (.lid(x), .lid(y)): if x != y { return false }
        default: break
        }
        let (a1, a2) = a.kind == .buttonSet ? a.shape.buttonColours : a.pattern.colours
        let (b1, b2) = b.kind == .buttonSet ? b.shape.buttonColours : b.pattern.colours
        let close: Float = 0.25
        return (a1.distance(to: b1) < close && a2.distance(to: b2) < close) || (a1.distance(to: b2) < close && a2.distance(to: b1) < close)
    }

    private static func buttonSet(_ rng: inout SeededRandom) -> [ItemShape.Button] {
        let count = rng.integer(3...6)
        let first = Palette.yarn(&rng)
        let second = rng.chance(0.4) ? Palette.yarn(&rng) : first
        let radius = rng.uniform(0.2...0.32)
        let holes = rng.chance(0.5) ? 2 : 4
        var buttons: [ItemShape.Button] = []
        var attempts = 0
        while buttons.count < count && attempts < 500 {
            attempts += 1
            let r = radius * rng.uniform(0.85...1.15)
            if let placed = placing(.init(x: 0, y: 0, radius: r, colour: buttons.count % 2 == 0 ? first : second, holes: holes),
                                    among: buttons, &rng) {
                buttons.append(placed)
            }
        }
        return buttons
    }

    /// `button` at a random place among `buttons`, or nil when it would touch one of them or lie
    /// apart from the set (each button lies close to one already placed).
    static func placing(_ button: ItemShape.Button, among buttons: [ItemShape.Button], _ rng: inout SeededRandom) -> ItemShape.Button? {
        let x = rng.uniform(-0.75...0.75), y = rng.uniform(-0.6...0.6), r = button.radius
        let clear = buttons.allSatisfy { b in
            let dx = b.x - x, dy = b.y - y
            return (dx * dx + dy * dy).squareRoot() > b.radius + r + 0.06
        }
        let near = buttons.isEmpty || buttons.contains { b in
            let dx = b.x - x, dy = b.y - y
            return (dx * dx + dy * dy).squareRoot() < b.radius + r + 0.35
        }
        return clear && near ? .init(x: x, y: y, radius: r, colour: button.colour, holes: button.holes) : nil
    }
}
