/// How close two designs' parameters must be for `DesignCatalogue.nearDuplicates` to call them the
/// same design drawn twice: a photo would have to resolve differences smaller than these.
public struct DesignTolerance: Sendable, Equatable {
    /// Largest RGB distance (0...1 per channel) between corresponding colours.
    public var colour: Float
    /// Largest difference of a length (stripe period, dot spacing, leg length...) as a share of the larger.
    public var size: Float
    /// Largest difference of a stripe's duty (the share of its first colour).
    public var duty: Float
    /// Largest difference of a stripe's angle, in radians.
    public var angle: Float

    public init(colour: Float, size: Float, duty: Float, angle: Float) {
        self.colour = colour
        self.size = size
        self.duty = duty
        self.angle = angle
    }

    /// Colours within 0.06 (about the palette's jitter), lengths within 4 %, duty within 0.03, angles
    /// within 0.05 rad (3°): closer than rotation, perspective and white balance let a photo tell.
    public static let tight = DesignTolerance(colour: 0.06, size: 0.04, duty: 0.03, angle: 0.05)
    /// Twice as loose: designs a careful look at two good photos might still tell apart.
    public static let loose = DesignTolerance(colour: 0.12, size: 0.08, duty: 0.06, angle: 0.1)
}

extension DesignCatalogue {
    /// The ids of the socks and gloves in `designs` that have another design in `designs` of the same
    /// kind, pattern kind and shape whose every parameter (colours in the same roles, pattern lengths,
    /// duty, angle, leg, foot and finger lengths, cuff and heel colours) is within `tolerance`.
    /// `textileTwins` compares colours alone; these are near duplicates in everything a photo shows,
    /// which no matcher could be asked to tell apart, so they bound what recall a benchmark can mean.
    public static func nearDuplicates(in designs: [ItemDesign], within tolerance: DesignTolerance) -> Set<Int> {
        var found = Set<Int>()
        forEachTextilePair(in: designs, where: { nearlyEqual($0, $1, tolerance) }) { a, b in
            found.insert(a.id)
            found.insert(b.id)
        }
        return found
    }

    static func nearlyEqual(_ a: ItemDesign, _ b: ItemDesign, _ t: DesignTolerance) -> Bool {
        func colour(_ x: Colour, _ y: Colour) -> Bool { x.distance(to: y) <= t.colour }
        func optional(_ x: Colour?, _ y: Colour?) -> Bool {
            switch (x, y) {
            case (nil, nil): true
            case let (x?, y?): colour(x, y)
            default: false
            }
        }
        func size(_ x: Float, _ y: Float) -> Bool { abs(x - y) <= t.size * max(abs(x), abs(y)) }
        let shapes: Bool
        switch (a.shape, b.shape) {
        case let (.sock(leg1, foot1, cuff1, heel1), .sock(leg2, foot2, cuff2, heel2)):
            shapes = size(leg1, leg2) && size(foot1, foot2) && optional(cuff1, cuff2) && optional(heel1, heel2)
        case let (.glove(fingers1, cuff1), .glove(fingers2, cuff2)):
            shapes = size(fingers1, fingers2) && optional(cuff1, cuff2)
        default:
            shapes = false
        }
        guard shapes else { return false }
        switch (a.pattern, b.pattern) {
        case let (.solid(x), .solid(y)):
            return colour(x, y)
        case let (.stripes(a1, a2, period1, angle1, duty1), .stripes(b1, b2, period2, angle2, duty2)):
            return colour(a1, b1) && colour(a2, b2) && size(period1, period2) && abs(angle1 - angle2) <= t.angle && abs(duty1 - duty2) <= t.duty
        case let (.dots(a1, a2, spacing1, radius1), .dots(b1, b2, spacing2, radius2)):
            return colour(a1, b1) && colour(a2, b2) && size(spacing1, spacing2) && size(radius1, radius2)
        case let (.argyle(a1, a2, line1, size1), .argyle(b1, b2, line2, size2)):
            return colour(a1, b1) && colour(a2, b2) && colour(line1, line2) && size(size1, size2)
        case let (.chevrons(a1, a2, period1, amplitude1), .chevrons(b1, b2, period2, amplitude2)):
            return colour(a1, b1) && colour(a2, b2) && size(period1, period2) && size(amplitude1, amplitude2)
        case let (.checks(a1, a2, size1), .checks(b1, b2, size2)):
            return colour(a1, b1) && colour(a2, b2) && size(size1, size2)
        default:
            return false
        }
    }
}
