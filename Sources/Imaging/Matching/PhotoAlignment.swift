import Foundation

/// The item of one photo, ready to be laid over the item of another (see `PhotoAlignment`): its
/// working image (or a finer copy, `detail`) as interleaved (mask, relative lightness, chroma,
/// chroma) samples and the affine map from its canonical frame to pixels.
public struct AlignableItem: Sendable {
    /// The size of the copy sampled: the working copy's, or `detail` times it.
    let width: Int, height: Int
    /// Per pixel: mask (0 or 1), lightness relative to the item's bright level (at most 1.3), and the
    /// two chroma values doubled so that colour weighs like lightness.
    let planes: [SIMD4<Float>]
    /// x = map[0] + map[1]·u + map[2]·v, y = map[3] + map[4]·u + map[5]·v for canonical (u, v).
    let map: [Float]
    /// The map of its frame evenly scaled (one scale for both axes), in which it is laid over another
    /// item at every turn, not only under the axis flips: an item without a clear axis
    /// (`turnsFreely`) always, an item with one only by `PhotoAlignment.Search.turning`.
    let evenMap: [Float]
    /// Whether the item has no clear axis (nearly round, or a group of buttons, whose axis depends on
    /// how they happened to lie).
    let turnsFreely: Bool
    /// The item's outline at the working size, whatever the copy's size (its pieces are found in it,
    /// `PhotoAlignment.pieces(of:)`).
    let outline: ObjectSegmentation.Mask
    /// Pixels of the copy sampled per working pixel along each axis: 1 for the working copy itself,
    /// `detail` for a photo large enough, less for a smaller one (sampled as it is).
    let copyScale: Float

    /// The item of `image`, found where `mask` says (as `Fingerprint.measuring` found it) or, without
    /// a mask of the image's working size, found again. `detail` is how many times the working
    /// size the copy sampled is along each side: 1, the working copy (v11 to v23, v25); 2 (v24), a copy
    /// of the photo at twice the working size, which its 3 × 3 smoothing blurs half as far, so that
    /// a pattern the working copy smears (an item photographed small) is still there. The item's
    /// outline, frame and axis stay the working size's, each outline pixel standing for `detail` ×
    /// `detail` of the finer copy's; a photo smaller than the finer copy is sampled as it is.
    public init(image: DecodedImage, mask given: ObjectSegmentation.Mask? = nil, detail: Int = 1) {
        precondition(detail >= 1, "the copy sampled is at least the working copy")
        let img = WorkingImage(image)
        let mask = given.flatMap { $0.fits(image) ? $0 : nil } ?? ObjectSegmentation.segment(img)
        let frame = CanonicalFrame(mask)
        let copy = detail == 1 ? img : WorkingImage(image, longSide: WorkingImage.longSide * detail)
        let (w, h) = (copy.width, copy.height)
        (width, height) = (w, h)
        // The two copies' photo pixels per pixel, one for both axes (not their sizes' ratio, which
        // whole-pixel sizes round).
        let k = detail == 1 ? 1 : Float(WorkingImage.reduction(of: image).scale / WorkingImage.reduction(of: image, longSide: WorkingImage.longSide * detail).scale)
        copyScale = k
        let finer = k != 1
        let inside = !finer ? mask.inside : (0..<(w * h)).map { i in
            let x = min(img.width - 1, Int((Float(i % w) + 0.5) / k)), y = min(img.height - 1, Int((Float(i / w) + 0.5) / k))
            return mask.inside[y * img.width + x]
        }
        let n = w * h
        let bright = ColourSpace.brightLevel(ofSorted: (0..<n).filter { inside[$0] }
            .map { ColourSpace.intensity(copy.red[$0], copy.green[$0], copy.blue[$0]) }.sorted())
        planes = (0..<n).map { i in
            let (c1, c2) = ColourSpace.chroma(copy.red[i], copy.green[i], copy.blue[i])
            return SIMD4(inside[i] ? 1 : 0, min(1.3, ColourSpace.intensity(copy.red[i], copy.green[i], copy.blue[i]) / bright), 2 * c1, 2 * c2)
        }
        // The frame's maps from working pixels to the copy's (pixel centres at whole numbers).
        func scaled(_ m: [Float]) -> [Float] {
            !finer ? m : [(m[0] + 0.5) * k - 0.5, m[1] * k, m[2] * k, (m[3] + 0.5) * k - 0.5, m[4] * k, m[5] * k]
        }
        map = scaled(Self.map(of: frame))
        evenMap = scaled(Self.map(of: frame.evenlyScaled(1)))
        turnsFreely = frame.axisConfidence(of: mask) == 0
        outline = mask
    }

    private init(_ item: AlignableItem, map: [Float]) {
        (width, height, planes, self.map, evenMap, turnsFreely, outline, copyScale) =
            (item.width, item.height, item.planes, map, item.evenMap, item.turnsFreely, item.outline, item.copyScale)
    }

    /// The same item in its evenly scaled frame.
    var evenlyFramed: AlignableItem { AlignableItem(self, map: evenMap) }

    /// The frame the item is turned in by a search that turns only items without a clear axis
    /// (`.full`, `.shortlisted`): evenly scaled if it has no clear axis, its canonical frame if it has one.
    var framedForTurning: AlignableItem { turnsFreely ? evenlyFramed : self }

    private static func map(of frame: CanonicalFrame) -> [Float] {
        let c = cosf(frame.angle), s = sinf(frame.angle)
        let pu0 = frame.midU * frame.flipU, pv0 = frame.midV * frame.flipV
        return [frame.centreX + pu0 * c - pv0 * s, frame.halfU * frame.flipU * c, -frame.halfV * frame.flipV * s,
                frame.centreY + pu0 * s + pv0 * c, frame.halfU * frame.flipU * s, frame.halfV * frame.flipV * c]
    }
}

/// How well the items of two photos coincide when one is laid over the other: the second is mapped
/// into the first's canonical frame under each axis flip (and, for items without a clear axis or,
/// with `Search.turning`, items the flips leave apart, at the turns that fit best) and small
/// corrections of rotation, scale and position, first on a coarse grid (shape and colour layout),
/// then finely by the pattern itself, with a mild perspective correction.
///
/// The pattern is compared block by block (the structure term of SSIM), so a stripe or a dot must
/// fall where it falls in the other photo: a near miss in the same colours disagrees where colour
/// histograms agree, and a stripe of another period falls out of step across the item (one within a
/// few per cent does not).
public struct PhotoAlignment: Sendable {
    /// Mean per-block correlation of the centred (lightness, chroma) pattern where both items lie.
    public let patternCorrelation: Float
    /// Intersection over union of the two masks.
    public let overlap: Float
    /// Mean absolute difference of (doubled) chroma where both items lie.
    public let chromaDifference: Float
    /// Mean absolute difference of relative lightness where both items lie.
    public let lightDifference: Float
    /// The same (lightness, chroma) pattern correlated over the whole item at once, not block by
    /// block: whether the item's large parts (a heel or cuff of another colour, broad stripes, a
    /// light and a dark half) fall where they fall in the other photo. Two plain blocks agree
    /// whatever their colours; the whole item's correlation still sees where its colours change.
    /// Counted by v25 on (`MatchingRole.Confirmation.itemWeight`).
    public let itemCorrelation: Float

    /// How much the photos agree, in one number: pattern correlation plus overlap, less the chroma
    /// and lightness differences.
    public var agreement: Float { patternCorrelation + overlap - chromaDifference - lightDifference }

    /// The most `agreement` can be: 2, since the pattern correlation and the overlap are each at most
    /// 1 and the differences at least 0, and 0.01 more for rounding (a plain block's variances, taken
    /// in one pass, can put its correlation a few thousandths over 1).
    public static let greatestAgreement: Float = 2.01

    /// How much each part of the look counts in an agreement: a constant, the pattern correlation and
    /// the overlap for, the chroma and lightness differences against. `plain` is `agreement`; a
    /// product may be judged by weights of its own (v21 on: `Product.photoWeighing`).
    public struct Weighing: Sendable, Equatable {
        public let constant: Float
        public let correlation: Float
        public let overlap: Float
        public let chroma: Float
        public let light: Float

        public init(constant: Float, correlation: Float, overlap: Float, chroma: Float, light: Float) {
            precondition(correlation >= 0 && overlap >= 0 && chroma >= 0 && light >= 0, "each part counts the way it does in the plain agreement, or not at all")
            self.constant = constant
            self.correlation = correlation
            self.overlap = overlap
            self.chroma = chroma
            self.light = light
        }

        /// The parts as `agreement` adds them.
        public static let plain = Weighing(constant: 0, correlation: 1, overlap: 1, chroma: 1, light: 1)

        /// The agreement of `look` under these weights.
        public func agreement(of look: PhotoAlignment) -> Float {
            constant + correlation * look.patternCorrelation + overlap * look.overlap - chroma * look.chromaDifference - light * look.lightDifference
        }

        /// The most an agreement under these weights can be: the two parts that count for at 1, the
        /// differences at 0, and 0.01 of the larger weight for rounding (a correlation a few
        /// thousandths over 1); `greatestAgreement` for the plain weights.
        public var greatest: Float { constant + correlation + overlap + 0.01 * max(correlation, overlap) }
    }

    /// One way of laying the second item over the first: an axis flip (bit 0 flips u, bit 1 v), a
    /// rotation, a scale, a shift and two perspective coefficients, all in canonical units.
    struct Placement { var flip: Int, degrees: Float, scale: Float, du: Float, dv: Float, pu: Float = 0, pv: Float = 0 }

    /// The first item sampled on a side × side grid over canonical -1.1...1.1: per cell u, v, then
    /// its four plane values, and the block of `block` × `block` cells the cell falls in (0: one
    /// block, the whole item).
    struct Reference {
        let side: Int
        let block: Int
        let cells: [Float]
        let blockOfCell: [Int]
        var blockCount: Int { block > 0 ? (side / block) * (side / block) : 1 }

        init(_ a: AlignableItem, side: Int, block: Int) {
            self.side = side
            self.block = block
            var cells = [Float](repeating: 0, count: side * side * 6)
            a.planes.withUnsafeBufferPointer { p in
                for j in 0..<side {
                    for i in 0..<side {
                        let u = -1.1 + (Float(i) + 0.5) * 2.2 / Float(side), v = -1.1 + (Float(j) + 0.5) * 2.2 / Float(side)
                        let k = 6 * (j * side + i)
                        cells[k] = u; cells[k + 1] = v
                        let s = PhotoAlignment.sample(p, a, a.map[0] + a.map[1] * u + a.map[2] * v, a.map[3] + a.map[4] * u + a.map[5] * v)
                        for ch in 0..<4 { cells[k + 2 + ch] = s[ch] }
                    }
                }
            }
            self.cells = cells
            let blocksPerSide = block > 0 ? side / block : 1
            blockOfCell = (0..<(side * side)).map { cell in block > 0 ? ((cell / side) / block) * blocksPerSide + (cell % side) / block : 0 }
        }
    }

    /// Bilinear sample of the four planes at pixel (x, y) (zeros outside the photo).
    @inline(__always)
    static func sample(_ p: UnsafeBufferPointer<SIMD4<Float>>, _ item: AlignableItem, _ x: Float, _ y: Float) -> SIMD4<Float> {
        let w = item.width, h = item.height
        guard x >= 0, y >= 0, x <= Float(w - 1), y <= Float(h - 1) else { return .zero }
        let x0 = Int(x), y0 = Int(y), x1 = min(w - 1, x0 + 1), y1 = min(h - 1, y0 + 1)
        let fx = x - Float(x0), fy = y - Float(y0)
        let top = p[y0 * w + x0] * (1 - fx) + p[y0 * w + x1] * fx
        let bottom = p[y1 * w + x0] * (1 - fx) + p[y1 * w + x1] * fx
        return top * (1 - fy) + bottom * fy
    }

    /// Agreement of `b` laid over `reference` by `placement`, with the pattern correlated per block of
    /// the reference. Nil when the items hardly overlap.
    static func measure(_ reference: Reference, _ b: AlignableItem, _ placement: Placement) -> PhotoAlignment? {
        let t = placement
        let fu: Float = t.flip & 1 == 0 ? 1 : -1, fv: Float = t.flip & 2 == 0 ? 1 : -1
        let c = cosf(t.degrees * .pi / 180) * t.scale, s = sinf(t.degrees * .pi / 180) * t.scale
        // (u, v) -> (u', v') = (c·fu·u - s·fv·v + du, s·fu·u + c·fv·v + dv), divided by 1 + pu·u' + pv·v'
        // for perspective, -> b's pixel through its frame's affine map.
        let m = b.map
        let perspective = t.pu != 0 || t.pv != 0
        let g = reference.side, block = reference.block
        var acc = [Float](repeating: 0, count: reference.blockCount * 10)
        var union: Float = 0, chroma: Float = 0, light: Float = 0, total: Float = 0
        reference.cells.withUnsafeBufferPointer { ref in
        reference.blockOfCell.withUnsafeBufferPointer { blockOfCell in
        acc.withUnsafeMutableBufferPointer { acc in
        b.planes.withUnsafeBufferPointer { p in
            for cell in 0..<(g * g) {
                let k = 6 * cell
                let u = ref[k], v = ref[k + 1], ma = ref[k + 2]
                var u1 = c * fu * u - s * fv * v + t.du, v1 = s * fu * u + c * fv * v + t.dv
                if perspective {
                    let q = 1 / (1 + t.pu * u1 + t.pv * v1)
                    u1 *= q; v1 *= q
                }
                let sb = sample(p, b, m[0] + m[1] * u1 + m[2] * v1, m[3] + m[4] * u1 + m[5] * v1)
                union += max(ma, sb[0])
                let wgt = ma * sb[0]
                guard wgt > 0.25 else { continue }
                let a0 = ref[k + 3], a1 = ref[k + 4], a2 = ref[k + 5]
                let o = 10 * blockOfCell[cell]
                acc[o] += wgt
                acc[o + 1] += wgt * a0; acc[o + 2] += wgt * a1; acc[o + 3] += wgt * a2
                acc[o + 4] += wgt * sb[1]; acc[o + 5] += wgt * sb[2]; acc[o + 6] += wgt * sb[3]
                acc[o + 7] += wgt * (a0 * sb[1] + a1 * sb[2] + a2 * sb[3])
                acc[o + 8] += wgt * (a0 * a0 + a1 * a1 + a2 * a2)
                acc[o + 9] += wgt * (sb[1] * sb[1] + sb[2] * sb[2] + sb[3] * sb[3])
                chroma += wgt * (abs(a1 - sb[2]) + abs(a2 - sb[3])) / 2
                light += wgt * abs(a0 - sb[1])
                total += wgt
            }
        }}}}
        guard total > 10 else { return nil }
        // Per block, SSIM's structure term: plain against plain agrees, plain against patterned does
        // not; blocks weigh by how much of them both items cover.
        let stabiliser: Float = block > 0 ? 0.0004 : 0, minimum = block > 0 ? Float(block * block) / 2 : 0
        var correlation: Float = 0, weight: Float = 0
        for blk in 0..<reference.blockCount {
            let o = 10 * blk, sw = acc[o]
            guard sw > minimum else { continue }
            let (cov, va, vb) = moments(acc, at: o)
            correlation += sw * (cov + stabiliser) / max(1e-6, (va * vb).squareRoot() + stabiliser)
            weight += sw
        }
        guard weight > 0 else { return nil }
        // The whole item's correlation, from every block's sums (unstabilised: an item plain all over
        // correlates by its noise and shading alone).
        var whole = [Float](repeating: 0, count: 10)
        for blk in 0..<reference.blockCount {
            for j in 0..<10 { whole[j] += acc[10 * blk + j] }
        }
        let (cov, va, vb) = moments(whole, at: 0)
        return PhotoAlignment(patternCorrelation: correlation / weight, overlap: total / max(1, union),
                              chromaDifference: chroma / total, lightDifference: light / total,
                              itemCorrelation: cov / max(1e-6, (va * vb).squareRoot()))
    }

    /// The covariance of the two items' (lightness, chroma, chroma) samples and the variance of
    /// each, from the ten weighted sums at `sums[o...]` that `measure` keeps per block: the weight,
    /// the first item's three sums, the second's, the sum of their products and of each one's squares.
    @inline(__always)
    static func moments(_ sums: [Float], at o: Int) -> (covariance: Float, first: Float, second: Float) {
        let sw = sums[o]
        let cov = sums[o + 7] / sw - (sums[o + 1] * sums[o + 4] + sums[o + 2] * sums[o + 5] + sums[o + 3] * sums[o + 6]) / (sw * sw)
        let va = max(0, sums[o + 8] / sw - (sums[o + 1] * sums[o + 1] + sums[o + 2] * sums[o + 2] + sums[o + 3] * sums[o + 3]) / (sw * sw))
        let vb = max(0, sums[o + 9] / sw - (sums[o + 4] * sums[o + 4] + sums[o + 5] * sums[o + 5] + sums[o + 6] * sums[o + 6]) / (sw * sw))
        return (cov, va, vb)
    }

    /// A look with these parts (what two photos laid over each other showed); without an
    /// `itemCorrelation`, the pattern correlation stands for it (a piece of a button set is compared
    /// whole, `init(piecesOf:_:discount:)`).
    public init(patternCorrelation: Float, overlap: Float, chromaDifference: Float, lightDifference: Float, itemCorrelation: Float? = nil) {
        self.patternCorrelation = patternCorrelation
        self.overlap = overlap
        self.chromaDifference = chromaDifference
        self.lightDifference = lightDifference
        self.itemCorrelation = itemCorrelation ?? patternCorrelation
    }

    /// What the coarse searches rank placements by: shape and colour layout over the whole item.
    var coarseScore: Float { patternCorrelation + 2 * overlap }

    /// How the coarse search scores its placements (625 around each turn) before the fine search.
    /// An algorithm version names one (`MatchingRole.Confirmation.search`), so that what it decides
    /// stays what its numbers were chosen on.
    public enum Search: Sendable {
        /// Every placement on the 24 × 24 sample of the item (v5, v11 to v13).
        case full
        /// Every placement on a rough 12 × 12 sample, and the best `shortlistedFinalists` again on
        /// the 24 × 24 one: about 1.6 times as fast as `full` for the whole alignment, and for a
        /// partner nearly always the same placement (docs/matching-history.md, twenty-fourth and
        /// twenty-fifth sessions).
        case shortlisted
        /// `shortlisted`, and items with a clear axis that the flips leave apart (an agreement under
        /// `linedUp`) are also laid over each other in evenly scaled frames at the turns that fit
        /// best, the better agreement kept (v18). An axis turned by more than the coarse search
        /// corrects, or an extent that one photo's outline cuts short, puts a partner beyond the
        /// corrections of the canonical frames; turning freely finds it. Beside an item without a
        /// clear axis, an item with one is turned in its evenly scaled frame too (the other
        /// searches keep it in its canonical frame).
        case turning
    }

    /// How many placements, ranked on the rough sample, `Search.shortlisted` and `.turning` score again.
    static let shortlistedFinalists = 8

    /// Lays `b` over `a` as well as it goes and measures how well they agree: in their canonical
    /// frames under each axis flip and, where either item has no clear axis (or, with
    /// `Search.turning`, where the flips leave them apart), also in evenly scaled frames at the turns
    /// that fit best (the better of the two); `search` is the version's (no default, so that no
    /// caller measures with another search than its version's numbers assume).
    public init(_ a: AlignableItem, _ b: AlignableItem, search: Search) {
        let flips = (0..<4).map { (flip: $0, degrees: Float(0)) }
        guard a.turnsFreely || b.turnsFreely || search == .turning else { self = Self.aligned(a, b, turns: flips, search: search); return }
        let (evenA, evenB) = search == .turning ? (a.evenlyFramed, b.evenlyFramed) : (a.framedForTurning, b.framedForTurning)
        if a.turnsFreely || b.turnsFreely {
            // Both laid over each other finely, the better kept.
            let flipped = Self.aligned(a, b, turns: flips, search: search)
            let turned = Self.refined(evenA, evenB, from: Self.placedAtBestTurns(evenA, evenB, search: search).placement)
            self = turned.agreement > flipped.agreement ? turned : flipped
            return
        }
        // Items with an axis (`Search.turning`): turned only where the flips leave them apart, and
        // laid finely at the turn only when its coarse placement scores higher.
        let placed = Self.placed(a, b, turns: flips, search: search)
        let flipped = Self.refined(a, b, from: placed.placement)
        guard flipped.agreement < Self.linedUp else { self = flipped; return }
        let turnedPlacement = Self.placedAtBestTurns(evenA, evenB, search: search)
        guard turnedPlacement.score > placed.score else { self = flipped; return }
        let turned = Self.refined(evenA, evenB, from: turnedPlacement.placement)
        self = turned.agreement > flipped.agreement ? turned : flipped
    }

    /// The agreement from which two items laid over each other under the axis flips are taken as
    /// lined up, and `Search.turning` does not turn them. Two photos of one item whose frames agree
    /// line up at 1.5 to 1.8 (on the independent seed 21, the partners that v17 ranked first have a
    /// median of 1.67); a stranger that lines up that well under the flips is not given more
    /// freedom to line up better still.
    static let linedUp: Float = 1.4

    /// The coarse placement of `b` over `a` (both in the frames they turn in) around the turns that
    /// fit best (`bestTurns`), and its score.
    static func placedAtBestTurns(_ a: AlignableItem, _ b: AlignableItem, search: Search) -> (placement: Placement, score: Float) {
        let coarse = Reference(a, side: 24, block: 0)
        return placed(a, b, turns: bestTurns(coarse, b), search: search, coarse: coarse)
    }

    /// The three best turns of `b` over the item sampled in `coarse`, of every 6° with and without a mirror image (a turn by
    /// half a circle is the other two flips), by shape and colour layout.
    static func bestTurns(_ coarse: Reference, _ b: AlignableItem) -> [(flip: Int, degrees: Float)] {
        var scored: [(flip: Int, degrees: Float, score: Float)] = []
        for flip in 0..<2 {
            for degrees in stride(from: Float(0), to: 360, by: 6) {
                guard let m = measure(coarse, b, Placement(flip: flip, degrees: degrees, scale: 1, du: 0, dv: 0)) else { continue }
                scored.append((flip, degrees, m.coarseScore))
            }
        }
        return scored.sorted { $0.score > $1.score }.prefix(3).map { ($0.flip, $0.degrees) }
    }

    /// `b` laid over `a`: coarsely around each of `turns` (an axis flip and a turn), then finely.
    static func aligned(_ a: AlignableItem, _ b: AlignableItem, turns: [(flip: Int, degrees: Float)], search: Search) -> PhotoAlignment {
        refined(a, b, from: placed(a, b, turns: turns, search: search).placement)
    }

    /// The coarse placement of `b` over `a` around each of `turns`, and its score (`coarseScore`).
    static func placed(_ a: AlignableItem, _ b: AlignableItem, turns: [(flip: Int, degrees: Float)], search: Search,
                       coarse given: Reference? = nil) -> (placement: Placement, score: Float) {
        // Coarse: shape and colour layout over the whole item, ±6° around each turn, ±8 %, ±0.1 of the extent.
        let coarse = given ?? Reference(a, side: 24, block: 0)
        var placements: [Placement] = []
        for (flip, turn) in turns {
            for degrees: Float in [-6, -3, 0, 3, 6].map({ turn + $0 }) {
                for scale: Float in [0.92, 0.96, 1, 1.04, 1.08] {
                    for du: Float in [-0.1, -0.05, 0, 0.05, 0.1] {
                        for dv: Float in [-0.1, -0.05, 0, 0.05, 0.1] {
                            placements.append(Placement(flip: flip, degrees: degrees, scale: scale, du: du, dv: dv))
                        }
                    }
                }
            }
        }
        func scored(_ placements: [Placement], on reference: Reference) -> [(placement: Placement, score: Float)] {
            placements.compactMap { placement in
                measure(reference, b, placement).map { (placement, $0.coarseScore) }
            }
        }
        if search != .full {
            let rough = Reference(a, side: 12, block: 0)
            placements = scored(placements, on: rough).sorted { $0.score > $1.score }.prefix(shortlistedFinalists).map(\.placement)
        }
        // The best-scoring placement, the first of equals in the order listed (for `.full`, as the
        // search has always taken it) or ranked on the rough sample (`.shortlisted`, `.turning`).
        var best = Placement(flip: 0, degrees: 0, scale: 1, du: 0, dv: 0)
        var bestScore = -Float.infinity
        for (placement, score) in scored(placements, on: coarse) where score > bestScore {
            best = placement
            bestScore = score
        }
        return (best, bestScore)
    }

    /// `b` laid finely over `a` from the coarse placement `start`: the pattern block by block, within
    /// half a coarse step of it, with perspective coefficients up to ±0.2 (both photos tilted up to 15 %).
    static func refined(_ a: AlignableItem, _ b: AlignableItem, from start: Placement) -> PhotoAlignment {
        var best = start
        let fine = Reference(a, side: 96, block: 8)
        guard var found = measure(fine, b, best) else {
            return PhotoAlignment(patternCorrelation: 0, overlap: 0, chromaDifference: 1, lightDifference: 1)
        }
        var step: Float = 0.5
        for _ in 0..<3 {
            var improved = true
            while improved {
                improved = false
                let centre = best
                for axis in 0..<6 {
                    for sign: Float in [-1, 1] {
                        var t = centre
                        switch axis {
                        case 0: t.degrees += sign * 3 * step
                        case 1: t.scale += sign * 0.04 * step
                        case 2: t.du += sign * 0.05 * step
                        case 3: t.dv += sign * 0.05 * step
                        case 4: t.pu += sign * 0.08 * step
                        default: t.pv += sign * 0.08 * step
                        }
                        guard abs(t.degrees - start.degrees) <= 1.5, abs(t.scale - start.scale) <= 0.02,
                              abs(t.du - start.du) <= 0.025, abs(t.dv - start.dv) <= 0.025,
                              abs(t.pu) <= 0.2, abs(t.pv) <= 0.2 else { continue }
                        if let m = measure(fine, b, t), m.patternCorrelation > found.patternCorrelation {
                            best = t; found = m; improved = true
                        }
                    }
                }
            }
            step /= 2
        }
        return found
    }
}
