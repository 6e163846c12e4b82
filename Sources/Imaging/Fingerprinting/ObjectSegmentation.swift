import Foundation

/// Separates the photographed item from whatever it lies on.
///
/// The item is assumed to be roughly centred and not to touch every edge, so the border of the photo
/// shows backdrop. A smooth backdrop model (a plane per colour feature, fitted robustly to the border)
/// absorbs lighting gradients; pixels far from it are foreground (by at least a minimum contrast, or,
/// when that leaves under 1 % of the photo or only something far off the centre, by a threshold
/// lowered toward the backdrop's own noise, a patterned backdrop's common tones and what was found
/// far off the centre counted as backdrop meanwhile), except colours of clutter that reaches the
/// border; gaps are closed, the regions near the centre kept (a button set is several regions; its
/// pieces farther out are kept when they look like those near the centre), thin bridges to
/// touching clutter cut, and holes filled. That mask then grows into whatever touches it and
/// departs from the backdrop by more than the backdrop's noise, with an edge of its own (an item's
/// parts near the backdrop's colour, `grown`). Colour models and a graph cut then refine that first
/// mask (`refined`), unless what they find is implausible or under two fifths of it; `refine:
/// false` gives the first mask alone, for diagnostics.
public enum ObjectSegmentation {
    /// A binary mask over the working image: which of its pixels show the item. An upload keeps its
    /// photo's (`packed()`), so that laying the photo over another (`AlignableItem`) need not find
    /// the item again.
    public struct Mask: Sendable, Equatable {
        public let width: Int
        public let height: Int
        /// Row-major, `width × height`: true where the item is.
        public internal(set) var inside: [Bool]
        var area: Int { inside.reduce(0) { $1 ? $0 + 1 : $0 } }

        init(width: Int, height: Int, inside: [Bool]) {
            self.width = width
            self.height = height
            self.inside = inside
        }

        /// A mask told rather than found (diagnostics that know the item's true outline): nil unless
        /// `inside` holds `width × height` values, row-major.
        public init?(width: Int, height: Int, telling inside: [Bool]) {
            guard width > 0, height > 0, inside.count == width * height else { return nil }
            self.init(width: width, height: height, inside: inside)
        }

        /// Whether this is a mask over `image`'s working copy (of its size).
        public func fits(_ image: DecodedImage) -> Bool {
            let size = WorkingImage.size(of: image)
            return width == size.width && height == size.height
        }
    }

    /// Where the item is in `image`, at working resolution: what `Fingerprint.measuring` finds.
    public static func mask(of image: DecodedImage, refine: Bool = true) -> Mask {
        segment(WorkingImage(image), refine: refine)
    }

    /// The size of the masks found in `image`: its working copy's.
    public static func maskSize(of image: DecodedImage) -> (width: Int, height: Int) { WorkingImage.size(of: image) }

    /// The detected item as a black-and-white image at working resolution (white = item), for debugging
    /// and for showing a user what was recognised.
    public static func maskImage(for image: DecodedImage, refine: Bool = true) -> DecodedImage {
        let mask = mask(of: image, refine: refine)
        return DecodedImage(width: mask.width, height: mask.height, layout: .grayscale, pixels: mask.inside.map { $0 ? 255 : 0 })
    }

    /// What segmentation compares, three per pixel: log intensity (weighted by `intensityWeight`) and
    /// the two chroma values, so that a change of light moves mostly the first.
    static func features(_ red: [Float], _ green: [Float], _ blue: [Float]) -> [Float] {
        var features = [Float](repeating: 0, count: red.count * 3)
        for i in 0..<red.count {
            let (c1, c2) = ColourSpace.chroma(red[i], green[i], blue[i], floor: ColourSpace.segmentationFloor)
            features[3 * i] = intensityWeight * logf(ColourSpace.intensity(red[i], green[i], blue[i]) + 0.04)
            features[3 * i + 1] = c1
            features[3 * i + 2] = c2
        }
        return features
    }

    /// The features of `img`'s copy before smoothing, and their departures from the smooth backdrop
    /// model fitted to the smoothed copy (`features` less `departures`).
    static func sharpFeatures(of img: WorkingImage, beside features: [Float], departures: [Float]) -> (features: [Float], departures: [Float]) {
        let sharp = self.features(img.sharp.red, img.sharp.green, img.sharp.blue)
        var sharpDepartures = sharp
        for i in sharp.indices { sharpDepartures[i] = sharp[i] - (features[i] - departures[i]) }
        return (sharp, sharpDepartures)
    }

    static let minimumContrast: Float = 0.09
    /// How far the threshold may be lowered, by `lowering` a step, while the first mask covers under 1 %
    /// of the photo or lies far off its centre (see `segment`).
    static let lowestContrast: Float = 0.03
    static let lowering: Float = 0.7
    static let intensityWeight: Float = 0.4

    static func segment(_ img: WorkingImage, refine: Bool = true) -> Mask {
        let w = img.width, h = img.height, n = w * h
        let features = self.features(img.red, img.green, img.blue)
        let band = max(2, min(w, h) / 20)
        var border: [Int] = []
        for y in 0..<h {
            for x in 0..<w where x < band || y < band || x >= w - band || y >= h - band { border.append(y * w + x) }
        }
        let (residual, departures) = backgroundResidual(features, border, w, h)
        // Typical deviation of the backdrop from its smooth model (texture, noise); clutter is the tail.
        let spread = median(of: residual, over: border)
        let strongest = max(minimumContrast, 3.5 * spread)
        var threshold = strongest
        var mask = firstMask(features, border, residual, threshold, w, h)
        // A patterned backdrop's other tones (checks, stripes) count as backdrop wherever a threshold
        // nearer the backdrop's own noise is tried, or they would stand out before the item does.
        let faint = residualBesideModes(residual, departures, border)
        let noise = median(of: faint, over: border)
        // An item whose colours depart from a smooth backdrop by less than the minimum contrast (grey
        // buttons on a grey cloth, a pale sock on beige) leaves next to nothing, or only clutter far
        // off the centre that stands out more than it does; then the threshold is lowered step by
        // step towards the backdrop's own noise before the item is taken for missing.
        func missesTheItem(_ mask: Mask) -> Bool { mask.area * 100 < n || offCentre(mask) > farOffCentre }
        if missesTheItem(mask) {
            // What a search that stops at the first mask of 1 % or more finds: it stands unless
            // lowering further found something nearer the centre with a clear edge (not a patch of
            // the backdrop's own noise).
            var found: Mask? = mask.area * 100 >= n ? mask : nil
            // What was found already lies far off the centre and stands out more than the item: it
            // is clutter, left out of the lowered search, or it would be found again before the item
            // (the edge test below still measures against the backdrop as it is).
            let search = found.map { leavingOut(farParts(of: $0), of: faint) } ?? faint
            while missesTheItem(mask), threshold * lowering >= max(lowestContrast, 3.5 * noise) {
                threshold *= lowering
                mask = firstMask(features, border, search, threshold, w, h)
                if found == nil, mask.area * 100 >= n { found = mask }
            }
            if let found, mask.area * 100 < n || offCentre(mask) >= offCentre(found)
                || edgeContrast(mask, faint) < clearEdge * noise { mask = found }
        }
        // An item of several colours, one of them near the backdrop's (a grey glove with a dark cuff
        // on grey cloth, an argyle sock's pale lozenges on beige), leaves only its other parts; the
        // graph cut, learning the item's colours from them, cannot take in the rest. The mask grows
        // into what touches it and departs from the backdrop by more than its noise allows.
        let growing = max(lowestContrast, growingNoise * noise)
        if growing < threshold, let grown = grown(mask, faint: faint, over: growing, noise: noise, residual: residual, under: strongest, border: border) {
            mask = grown
        }
        if refine {
            // A refinement that loses most of the first mask has mistaken the item's colours for the backdrop's.
            var refinedMask = filledHoles(keepCentralRegions(refined(mask, features: features, departures: departures), colours: features))
            // The working copy's smoothing spreads each edge over a pixel more on either side, so
            // the outline took a rim of backdrop (mostly shadow) and filled lines of it a pixel wide
            // (between a glove's fingers). A last round on the copy before smoothing puts the outline
            // where the photo has it (on the photos measured, most of those lines still stay filled).
            // Regions are still judged by the smoothed colours, and the check below judges the
            // outline after this round: one that fails it falls back to the first mask, as before.
            let sharp = sharpFeatures(of: img, beside: features, departures: departures)
            refinedMask = filledHoles(keepCentralRegions(refined(refinedMask, features: sharp.features, departures: sharp.departures, rounds: 1), colours: features))
            let refinedShare = Float(refinedMask.area) / Float(n)
            if refinedShare >= 0.01 && refinedShare <= 0.9 && refinedMask.area * 5 >= mask.area * 2 { return refinedMask }
        }
        let share = Float(mask.area) / Float(n)
        if share < 0.01 || share > 0.9 { return centralEllipse(w, h) }
        return mask
    }

    /// `residual` with `clutter`'s pixels, and those within two pixels of it, set to the backdrop's.
    static func leavingOut(_ clutter: Mask, of residual: [Float]) -> [Float] {
        let around = dilated(clutter, by: 2)
        return residual.indices.map { around.inside[$0] ? 0 : residual[$0] }
    }

    /// The regions of `mask` whose own centre lies far off the photo's (`farOffCentre`): of a mask
    /// far off the centre as a whole, the clutter, not a central part kept beside it.
    static func farParts(of mask: Mask) -> Mask {
        let (label, regions) = labelledRegions(mask)
        let far = regions.map { offCentre(x: $0.cx, y: $0.cy, width: mask.width, height: mask.height) > farOffCentre }
        var out = mask
        for i in label.indices { out.inside[i] = label[i] >= 0 && far[label[i]] }
        return out
    }

    /// How far a kept item's centre may lie from the photo's, in half the photo's shorter side: the
    /// true items of `ops/other-photos` (seed 31) lie within 0.41 in 99 photos of 100.
    static let farOffCentre: Float = 0.45

    /// The median of `values` over the pixels `border` lists (0.03 without any).
    static func median(of values: [Float], over border: [Int]) -> Float {
        guard !border.isEmpty else { return 0.03 }
        let sorted = border.map { values[$0] }.sorted()
        return sorted[sorted.count / 2]
    }

    /// How many times the backdrop's noise an edge found by a lowered threshold, or by the growth
    /// (`grown`), must stand out by.
    static let clearEdge: Float = 3

    /// How much `residual` drops across `mask`'s edge, less twice what it goes on dropping beyond
    /// it: the mean over the mask's three outermost rings of pixels less the mean over the second
    /// and third rings outside it (a blur spreading the drop over two or three pixels does not hide
    /// it), less twice that ring's mean less the mean of the fifth and sixth rings outside (where a
    /// step has ended, a soft swell of the backdrop's light is still falling). Pixels within
    /// `excluding` are left out; 0 when a side is then empty.
    static func edgeContrast(_ mask: Mask, _ residual: [Float], excluding: Mask? = nil) -> Float {
        let core = morph(morph(morph(mask, erode: true), erode: true), erode: true)
        let first = dilated(mask, by: 1), third = dilated(first, by: 2), fourth = dilated(third, by: 1), sixth = dilated(fourth, by: 2)
        // Each band: the pixels within the first mask and not within the second.
        var means: [Float] = []
        for (within, beyond) in [(mask, core), (third, first), (sixth, fourth)] {
            var sum: Float = 0, count = 0
            for i in residual.indices where within.inside[i] && !beyond.inside[i] && excluding?.inside[i] != true {
                sum += residual[i]; count += 1
            }
            guard count > 0 else { return 0 }
            means.append(sum / Float(count))
        }
        let (inner, near, far) = (means[0], means[1], means[2])
        return inner - near - 2 * max(0, near - far)
    }

    /// `mask` grown into the pixels connected to it whose `faint` residual exceeds `low` but whose
    /// `residual` does not exceed `strong` (those the mask leaves out were left out on purpose:
    /// clutter colours, bridges cut), opened, closed and its holes filled (the mask's own pixels
    /// kept through the opening); nil unless that grows it by more
    /// than a fifth to under half the photo, clear of the border band, with an edge of its own (away
    /// from `mask`) standing out by `clearEdge` times the backdrop's `noise`: a smooth swell of the
    /// backdrop's light passes none of that.
    static func grown(_ mask: Mask, faint: [Float], over low: Float, noise: Float, residual: [Float], under strong: Float, border: [Int]) -> Mask? {
        let w = mask.width, h = mask.height, n = w * h
        guard mask.area > 0 else { return nil }
        var reach = opened(Mask(width: w, height: h, inside: faint.indices.map { mask.inside[$0] || (faint[$0] > low && residual[$0] <= strong) }))
        for i in reach.inside.indices where mask.inside[i] { reach.inside[i] = true }
        let (label, regions) = labelledRegions(reach)
        var touched = [Bool](repeating: false, count: regions.count)
        for i in mask.inside.indices where mask.inside[i] { touched[label[i]] = true }
        var out = reach
        for i in out.inside.indices { out.inside[i] = label[i] >= 0 && touched[label[i]] }
        out = filledHoles(closed(out, radius: max(2, min(w, h) / 40)))
        let area = out.area
        guard area * 5 > mask.area * 6, area * 2 < n, border.filter({ out.inside[$0] }).count * 20 <= border.count,
              edgeContrast(out, faint, excluding: dilated(mask, by: 4)) >= clearEdge * noise else { return nil }
        return out
    }

    /// How many times the backdrop's noise a pixel must depart by for the mask to grow into it.
    static let growingNoise: Float = 5

    /// How far `mask`'s centre of mass lies from the photo's, in half the photo's shorter side.
    static func offCentre(_ mask: Mask) -> Float {
        var sx = 0, sy = 0, count = 0
        for i in mask.inside.indices where mask.inside[i] { sx += i % mask.width; sy += i / mask.width; count += 1 }
        guard count > 0 else { return .infinity }
        return offCentre(x: Float(sx) / Float(count), y: Float(sy) / Float(count), width: mask.width, height: mask.height)
    }

    /// How far (x, y) lies from the centre of a `width` × `height` photo, in half its shorter side.
    static func offCentre(x: Float, y: Float, width: Int, height: Int) -> Float {
        let half = Float(min(width, height)) / 2
        let dx = (x - Float(width) / 2) / half, dy = (y - Float(height) / 2) / half
        return (dx * dx + dy * dy).squareRoot()
    }

    /// The item as the pixels departing from the backdrop model by more than `threshold`, cleaned:
    /// clutter colours dropped, gaps closed, the central regions kept, holes filled, thin bridges to
    /// touching clutter cut.
    static func firstMask(_ features: [Float], _ border: [Int], _ residual: [Float], _ threshold: Float, _ w: Int, _ h: Int) -> Mask {
        var mask = Mask(width: w, height: h, inside: residual.map { $0 > threshold })
        removeClutterColours(&mask, features, border, residual, threshold)
        // Pattern parts that happen to match the backdrop (white stripes on a white table) split the item
        // into bands; closing over a few pixels rejoins them before regions are chosen.
        mask = closed(mask, radius: max(2, min(w, h) / 40))
        mask = opened(mask)
        mask = keepCentralRegions(mask, colours: features)
        mask = filledHoles(mask)
        // A wider opening cuts thin bridges to clutter that touches the item; the central part is kept again.
        let cut = max(1, min(w, h) / 35)
        var trimmed = mask
        for _ in 0..<cut { trimmed = morph(trimmed, erode: true) }
        trimmed = dilated(trimmed, by: cut)
        trimmed = keepCentralRegions(trimmed, keepSatellites: mask.area > 0 && isFragmented(trimmed), colours: features)
        return trimmed.area > mask.area / 2 ? filledHoles(trimmed) : mask
    }

    /// Distance of every pixel's features from a smooth backdrop model: a plane per feature fitted to the
    /// border band by iteratively reweighted least squares, so that lighting gradients across the backdrop
    /// are expected and clutter at the border barely pulls the fit.
    static func backgroundResidual(_ f: [Float], _ border: [Int], _ w: Int, _ h: Int) -> (distance: [Float], departure: [Float]) {
        var weights = [Float](repeating: 1, count: border.count)
        var planes = [[Float]](repeating: [0, 0, 0], count: 3)
        let sx = 2 / Float(w), sy = 2 / Float(h)
        func solve(_ dim: Int) -> [Float] {
            // Normal equations for value ≈ a + b·x + c·y, x and y scaled to -1...1.
            var m = [Float](repeating: 0, count: 9), r: [Float] = [0, 0, 0]
            for (j, i) in border.enumerated() {
                let x = Float(i % w) * sx - 1, y = Float(i / w) * sy - 1, wt = weights[j]
                let basis: [Float] = [1, x, y]
                for a in 0..<3 {
                    r[a] += wt * basis[a] * f[3 * i + dim]
                    for b in 0..<3 { m[3 * a + b] += wt * basis[a] * basis[b] }
                }
            }
            return solve3(m, r)
        }
        var residualOfBorder = [Float](repeating: 0, count: border.count)
        for _ in 0..<4 {
            for d in 0..<3 { planes[d] = solve(d) }
            for (j, i) in border.enumerated() {
                let x = Float(i % w) * sx - 1, y = Float(i / w) * sy - 1
                var s: Float = 0
                for d in 0..<3 { let e = f[3 * i + d] - (planes[d][0] + planes[d][1] * x + planes[d][2] * y); s += e * e }
                residualOfBorder[j] = s.squareRoot()
            }
            let sorted = residualOfBorder.sorted()
            let scale = max(0.02, 2 * sorted[sorted.count / 2])
            for j in 0..<border.count {
                let t = residualOfBorder[j] / (3 * scale)
                weights[j] = t < 1 ? (1 - t * t) * (1 - t * t) : 0   // Tukey biweight
            }
        }
        var out = [Float](repeating: 0, count: w * h), departure = [Float](repeating: 0, count: 3 * w * h)
        for i in 0..<(w * h) {
            let x = Float(i % w) * sx - 1, y = Float(i / w) * sy - 1
            var s: Float = 0
            for d in 0..<3 {
                let e = f[3 * i + d] - (planes[d][0] + planes[d][1] * x + planes[d][2] * y)
                departure[3 * i + d] = e
                s += e * e
            }
            out[i] = s.squareRoot()
        }
        return (out, departure)
    }

    /// `residual` with a patterned backdrop's other tones as backdrop too: each pixel's distance from
    /// the nearest of the plane and the border's other common departures (`backdropModes`).
    static func residualBesideModes(_ residual: [Float], _ departure: [Float], _ border: [Int]) -> [Float] {
        let modes = backdropModes(departure, border)
        guard !modes.isEmpty else { return residual }
        return residual.indices.map { i in
            (0..<(modes.count / 3)).reduce(residual[i]) { min($0, distance(departure, i, modes, $1)) }
        }
    }

    /// The backdrop's colours other than the plane's own, as departures from it: of the border's
    /// departures in `candidateModes` clusters, the centres of those that cover at least
    /// `modeShare` of the border and lie farther than `modeContrast` from the plane (nearer, they
    /// are the plane's own noise). A grainy plain backdrop (wood, carpet) whose noise reaches past
    /// `modeContrast` is split into such clusters too; its noise then counts for less while the
    /// threshold is lowered, which the edge test of `segment` answers for.
    static func backdropModes(_ departure: [Float], _ border: [Int]) -> [Float] {
        let step = max(1, border.count / 3000)
        let points = stride(from: 0, to: border.count, by: step).map { border[$0] }
        guard points.count >= 50 else { return [] }
        let (centres, _) = kMeans(departure, points, k: candidateModes)
        var counts = [Int](repeating: 0, count: centres.count / 3)
        for i in points { counts[nearestCentre(departure, i, centres)] += 1 }
        var modes: [Float] = []
        for c in 0..<(centres.count / 3) where Float(counts[c]) >= modeShare * Float(points.count) {
            let centre = Array(centres[(3 * c)..<(3 * c + 3)])
            guard (centre[0] * centre[0] + centre[1] * centre[1] + centre[2] * centre[2]).squareRoot() > modeContrast else { continue }
            modes += centre
        }
        return modes
    }

    /// Clusters of the border's departures, their least share of the border and least distance
    /// from the plane for a tone of the backdrop (`backdropModes`).
    static let candidateModes = 6, modeShare: Float = 0.12, modeContrast: Float = 0.025

    /// Clutter that reaches the photo's edge (a magazine, a toy) also shows up next to the item. Colours
    /// that are frequent among border outliers but absent from the image centre are treated as backdrop.
    static func removeClutterColours(_ mask: inout Mask, _ f: [Float], _ border: [Int], _ residual: [Float], _ threshold: Float) {
        let w = mask.width, h = mask.height
        let outliers = border.filter { residual[$0] > threshold }
        guard outliers.count >= 12 else { return }
        let (centres, radii) = kMeans(f, outliers, k: 4)
        var central: [Int] = []
        for y in (h * 3 / 10)..<(h * 7 / 10) {
            for x in (w * 3 / 10)..<(w * 7 / 10) where mask.inside[y * w + x] { central.append(y * w + x) }
        }
        guard !central.isEmpty else { return }
        var clutter: [Int] = []
        for c in 0..<(centres.count / 3) {
            var near = 0
            for i in central where distance(f, i, centres, c) < radii[c] + 0.06 { near += 1 }
            if near * 50 < central.count { clutter.append(c) }
        }
        guard !clutter.isEmpty else { return }
        for i in 0..<(w * h) where mask.inside[i] {
            for c in clutter where distance(f, i, centres, c) < radii[c] { mask.inside[i] = false; break }
        }
    }

    @inline(__always)
    static func distance(_ f: [Float], _ i: Int, _ centres: [Float], _ c: Int) -> Float {
        let d0 = f[3 * i] - centres[3 * c], d1 = f[3 * i + 1] - centres[3 * c + 1], d2 = f[3 * i + 2] - centres[3 * c + 2]
        return (d0 * d0 + d1 * d1 + d2 * d2).squareRoot()
    }

    /// Which of `centres` (three values each) pixel `i`'s features lie nearest (the first of equals).
    @inline(__always)
    static func nearestCentre(_ f: [Float], _ i: Int, _ centres: [Float]) -> Int {
        var best = Float.greatestFiniteMagnitude, nearest = 0
        for c in 0..<(centres.count / 3) {
            let d = distance(f, i, centres, c)
            if d < best { best = d; nearest = c }
        }
        return nearest
    }

    /// Plain k-means with deterministic seeding; returns centres and each cluster's 80th-percentile radius.
    static func kMeans(_ f: [Float], _ idx: [Int], k requested: Int) -> ([Float], [Float]) {
        let k = min(requested, idx.count)
        var centres = [Float](repeating: 0, count: k * 3)
        for c in 0..<k {
            let i = idx[(c * idx.count) / k]
            for d in 0..<3 { centres[3 * c + d] = f[3 * i + d] }
        }
        var assign = [Int](repeating: 0, count: idx.count)
        for _ in 0..<8 {
            for (j, i) in idx.enumerated() { assign[j] = nearestCentre(f, i, centres) }
            var sums = [Float](repeating: 0, count: k * 3), counts = [Int](repeating: 0, count: k)
            for (j, i) in idx.enumerated() {
                counts[assign[j]] += 1
                for d in 0..<3 { sums[3 * assign[j] + d] += f[3 * i + d] }
            }
            for c in 0..<k where counts[c] > 0 { for d in 0..<3 { centres[3 * c + d] = sums[3 * c + d] / Float(counts[c]) } }
        }
        var radii = [Float](repeating: 0.04, count: k)
        for c in 0..<k {
            var ds: [Float] = []
            for (j, i) in idx.enumerated() where assign[j] == c { ds.append(distance(f, i, centres, c)) }
            if !ds.isEmpty {
                ds.sort()
                radii[c] = min(0.1, max(0.04, ds[ds.count * 4 / 5]))
            }
        }
        return (centres, radii)
    }

    /// Solves a 3×3 linear system by Cramer's rule (falls back to the mean when singular).
    static func solve3(_ m: [Float], _ r: [Float]) -> [Float] {
        func det(_ a: [Float]) -> Float {
            a[0] * (a[4] * a[8] - a[5] * a[7]) - a[1] * (a[3] * a[8] - a[5] * a[6]) + a[2] * (a[3] * a[7] - a[4] * a[6])
        }
        let d = det(m)
        guard abs(d) > 1e-9 else { return [m[0] > 0 ? r[0] / m[0] : 0, 0, 0] }
        var out: [Float] = [0, 0, 0]
        for k in 0..<3 {
            var mk = m
            for row in 0..<3 { mk[3 * row + k] = r[row] }
            out[k] = det(mk) / d
        }
        return out
    }

    /// Erosion then dilation with a 3×3 square: removes specks of noise and thin background slivers.
    static func opened(_ m: Mask) -> Mask { morph(morph(m, erode: true), erode: false) }

    /// Dilation then erosion by a square of the given radius: bridges gaps narrower than twice the radius.
    static func closed(_ m: Mask, radius: Int) -> Mask {
        var out = dilated(m, by: radius)
        for _ in 0..<radius { out = morph(out, erode: true, outsideIsInside: true) }
        return out
    }

    /// `m` grown by `radius` pixels (a square).
    static func dilated(_ m: Mask, by radius: Int) -> Mask {
        var out = m
        for _ in 0..<radius { out = morph(out, erode: false) }
        return out
    }

    static func morph(_ m: Mask, erode: Bool, outsideIsInside: Bool = false) -> Mask {
        var out = m
        for y in 0..<m.height {
            for x in 0..<m.width {
                var v = erode
                for dy in -1...1 {
                    for dx in -1...1 {
                        let xx = x + dx, yy = y + dy
                        let s = (xx >= 0 && yy >= 0 && xx < m.width && yy < m.height) ? m.inside[yy * m.width + xx] : false
                        if erode { v = v && s } else { v = v || s }
                    }
                }
                out.inside[y * m.width + x] = v
            }
        }
        return out
    }

    /// Whether a mask consists of several similar-sized parts (a button set) rather than one item.
    static func isFragmented(_ m: Mask) -> Bool {
        let regions = labelledRegions(m).regions.map { $0.area }.sorted(by: >)
        return regions.count > 1 && regions[1] * 4 > regions[0]
    }

    static func labelledRegions(_ m: Mask) -> (label: [Int], regions: [(area: Int, cx: Float, cy: Float)]) {
        let w = m.width, h = m.height
        var label = [Int](repeating: -1, count: w * h)
        var regions: [(area: Int, cx: Float, cy: Float)] = []
        var stack: [Int] = []
        for start in 0..<(w * h) where m.inside[start] && label[start] < 0 {
            let id = regions.count
            label[start] = id
            stack.append(start)
            var area = 0, sx = 0, sy = 0
            while let p = stack.popLast() {
                area += 1
                let x = p % w, y = p / w
                sx += x; sy += y
                for q in [x > 0 ? p - 1 : -1, x < w - 1 ? p + 1 : -1, y > 0 ? p - w : -1, y < h - 1 ? p + w : -1] where q >= 0 {
                    if m.inside[q] && label[q] < 0 { label[q] = id; stack.append(q) }
                }
            }
            regions.append((area, Float(sx) / Float(area), Float(sy) / Float(area)))
        }
        return (label, regions)
    }

    /// Keeps the best-scoring region (large and central) plus, optionally, sizeable regions near the
    /// centre and, once two or more are kept (a set of pieces, such as buttons), the pieces farther
    /// out that look like them (`likeTheSet`), judged by their mean `colours` (three features per pixel).
    static func keepCentralRegions(_ m: Mask, keepSatellites: Bool = true, colours: [Float]) -> Mask {
        let w = m.width, h = m.height
        let (label, regions) = labelledRegions(m)
        guard !regions.isEmpty else { return m }
        func offCentre(_ r: (area: Int, cx: Float, cy: Float)) -> Float { Self.offCentre(x: r.cx, y: r.cy, width: w, height: h) }
        // Regions running off the photo's edge are usually clutter or backdrop seams, not the item.
        var touches = [Bool](repeating: false, count: regions.count)
        for i in 0..<(w * h) where label[i] >= 0 {
            let x = i % w, y = i / w
            if x == 0 || y == 0 || x == w - 1 || y == h - 1 { touches[label[i]] = true }
        }
        let scores = regions.indices.map { k in
            Float(regions[k].area) * expf(-powf(offCentre(regions[k]), 2) / (2 * 0.5 * 0.5)) * (touches[k] ? 0.25 : 1)
        }
        let best = scores.indices.max { scores[$0] < scores[$1] }!
        let minArea = max(Int(Float(w * h) * 0.002), regions[best].area / 20)
        var keep = regions.indices.map { i in i == best || (keepSatellites && regions[i].area >= minArea && offCentre(regions[i]) < satelliteReach) }
        if keepSatellites {
            for i in likeTheSet(regions, label: label, kept: keep, touches: touches, colours: colours, width: w, height: h) { keep[i] = true }
        }
        var out = m
        for i in 0..<(w * h) { out.inside[i] = label[i] >= 0 && keep[label[i]] }
        return out
    }

    /// Of the regions not `kept`, those that belong to the set of pieces kept (at least two, the
    /// second largest at least a quarter of the largest): within `setReach` of the centre, clear of
    /// the photo's edge, of a kept piece's size (half to twice the median kept area, the larger
    /// middle one of an even count) and colour (mean features within `setColour` of a kept
    /// region's). Without them a set spread wider than `satelliteReach` would be described by its
    /// middle pieces; a piece of clutter of another size or colour stays out.
    static func likeTheSet(_ regions: [(area: Int, cx: Float, cy: Float)], label: [Int], kept: [Bool], touches: [Bool],
                           colours f: [Float], width w: Int, height h: Int) -> [Int] {
        let keptIDs = regions.indices.filter { kept[$0] }
        let keptAreas = keptIDs.map { regions[$0].area }.sorted()
        guard keptAreas.count >= 2, keptAreas[keptAreas.count - 2] * 4 > keptAreas[keptAreas.count - 1] else { return [] }
        let typical = Float(keptAreas[keptAreas.count / 2])
        let candidates = regions.indices.filter { i in
            !kept[i] && !touches[i] && offCentre(x: regions[i].cx, y: regions[i].cy, width: w, height: h) < setReach
                && Float(regions[i].area) >= typical / 2 && Float(regions[i].area) <= 2 * typical
        }
        guard !candidates.isEmpty else { return [] }
        var means = [Float](repeating: 0, count: 3 * regions.count)
        for i in label.indices where label[i] >= 0 { for d in 0..<3 { means[3 * label[i] + d] += f[3 * i + d] } }
        for k in regions.indices { for d in 0..<3 { means[3 * k + d] /= Float(regions[k].area) } }
        return candidates.filter { i in keptIDs.contains { distance(means, i, means, $0) < setColour } }
    }

    /// How far from the centre (in half the photo's shorter side) a sizeable region is kept beside
    /// the item, and how far and how near in colour (features) a piece like a set's (`likeTheSet`).
    static let satelliteReach: Float = 0.7, setReach: Float = 1.0, setColour: Float = 0.1

    /// Marks as inside every outside pixel that cannot reach the image border (holes in the item).
    static func filledHoles(_ m: Mask) -> Mask {
        let w = m.width, h = m.height
        var reached = [Bool](repeating: false, count: w * h)
        var stack: [Int] = []
        for y in 0..<h {
            for x in 0..<w where (x == 0 || y == 0 || x == w - 1 || y == h - 1) && !m.inside[y * w + x] {
                reached[y * w + x] = true
                stack.append(y * w + x)
            }
        }
        while let p = stack.popLast() {
            let x = p % w, y = p / w
            for q in [x > 0 ? p - 1 : -1, x < w - 1 ? p + 1 : -1, y > 0 ? p - w : -1, y < h - 1 ? p + w : -1] where q >= 0 {
                if !m.inside[q] && !reached[q] { reached[q] = true; stack.append(q) }
            }
        }
        var out = m
        for i in 0..<(w * h) { out.inside[i] = !reached[i] }
        return out
    }

    /// Fallback when no plausible item was found: assume it fills a centred ellipse.
    static func centralEllipse(_ w: Int, _ h: Int) -> Mask {
        var m = Mask(width: w, height: h, inside: [Bool](repeating: false, count: w * h))
        for y in 0..<h {
            for x in 0..<w {
                let dx = (Float(x) - Float(w) / 2) / (0.35 * Float(w)), dy = (Float(y) - Float(h) / 2) / (0.35 * Float(h))
                m.inside[y * w + x] = dx * dx + dy * dy < 1
            }
        }
        return m
    }
}
