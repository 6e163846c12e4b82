import Foundation

extension Fingerprint {
    /// Side of the canonical sampling grid for layout and rings, and of the finer grid for pattern frequency.
    static let canonicalSide = 36
    static let frequencySide = 64

    /// Computes the fingerprint of the item shown in `image` (any size; it is reduced first).
    public init(image: DecodedImage) {
        self = Self.measuring(image).fingerprint
    }

    /// The fingerprint of the item shown in `image`, and where the item was found in it (at
    /// `workingSize(of:)`), which `AlignableItem(image:mask:)` takes instead of finding it again.
    public static func measuring(_ image: DecodedImage) -> (fingerprint: Fingerprint, mask: ObjectSegmentation.Mask) {
        let img = WorkingImage(image)
        let mask = ObjectSegmentation.segment(img)
        return (Fingerprint(img, mask: mask), mask)
    }

    /// The long side a photo is reduced to before it is fingerprinted or laid over another: a decoder
    /// may decode it this small (`ImageDecoder.decode(_:maxPixels:reducedFor:)`).
    public static var workingLongSide: Int { WorkingImage.longSide }

    /// The size `image` is reduced to before it is fingerprinted (the size of an `itemMask`).
    public static func workingSize(of image: DecodedImage) -> (width: Int, height: Int) {
        WorkingImage.size(of: image)
    }

    /// The fingerprint of the item whose pixels are `itemMask` (row-major at `workingSize(of:)`), told
    /// rather than found: for diagnostics that know the item's true outline, to see what finding it
    /// costs. Nil when the mask is not of the working size or marks no pixel.
    public init?(image: DecodedImage, itemMask: [Bool]) {
        let img = WorkingImage(image)
        guard itemMask.count == img.width * img.height, itemMask.contains(true) else { return nil }
        self.init(img, mask: ObjectSegmentation.Mask(width: img.width, height: img.height, inside: itemMask))
    }

    private init(_ img: WorkingImage, mask: ObjectSegmentation.Mask) {
        let outline = CanonicalFrame(mask)
        axisConfidence = outline.axisConfidence(of: mask)
        let frame = outline.evenlyScaled(1 - axisConfidence)
        // The interior stays clear of the outline, where blur mixes item and backdrop colours.
        var interior = mask
        for _ in 0..<3 { interior = ObjectSegmentation.morph(interior, erode: true) }
        if interior.area < mask.area / 4 { interior = ObjectSegmentation.morph(mask, erode: true) }
        if interior.area < mask.area / 4 { interior = mask }
        let w = img.width, h = img.height
        let inner = (0..<(w * h)).filter { interior.inside[$0] }

        // Brightness reference: the item's own bright level, so lightness is relative and exposure-free.
        let intensities = inner.map { ColourSpace.intensity(img.red[$0], img.green[$0], img.blue[$0]) }.sorted()
        let bright = ColourSpace.brightLevel(ofSorted: intensities)
        let meanIntensity = intensities.isEmpty ? 0.5 : intensities.reduce(0, +) / Float(intensities.count)

        colour = Self.colourHistogram(img, inner, bright: bright)
        relativeColour = Self.colourHistogram(img, inner, bright: bright, gains: Self.greyingGains(img, inner))
        let (principal, projections) = Self.principalColourAxis(img, inner)
        var sortedProjections = projections.sorted()
        let p10 = sortedProjections.isEmpty ? 0 : sortedProjections[sortedProjections.count * 3 / 100]
        let p90 = sortedProjections.isEmpty ? 0 : sortedProjections[sortedProjections.count * 97 / 100]
        sortedProjections = []
        // The floor keeps dark items (black socks) from turning sensor noise into "pattern".
        contrast = (p90 - p10) / (meanIntensity + 0.1)

        (layout, rings) = Self.layoutAndRings(img, mask, frame, bright: bright)
        (frequencyU, frequencyV) = contrast < 0.12 ? (0, 0)
            : Self.patternFrequency(img, interior, frame, axis: principal, low: p10, high: p90)
        orientation = Self.orientationHistogram(img, inner, frame)
        spectrum = Self.patternSpectrum(img, interior, frame, axis: principal)
        version = Self.currentVersion
        logAspect = logf(outline.halfU / outline.halfV)
        solidity = outline.solidity
        shapeMoments = outline.huMoments
        logBrightness = logf(bright + 0.02)
    }

    /// Per-channel gains that make the geometric mean of `pixels` grey (keeping its mean level): the
    /// light's colour taken out, as far as it can be without knowing the item's own.
    static func greyingGains(_ img: WorkingImage, _ pixels: [Int]) -> SIMD3<Float> {
        guard !pixels.isEmpty else { return SIMD3(repeating: 1) }
        // The floor keeps a channel a dark item barely has from weighing by its noise.
        var logSum = SIMD3<Float>.zero
        for i in pixels { logSum += SIMD3(logf(max(img.red[i], 0.02)), logf(max(img.green[i], 0.02)), logf(max(img.blue[i], 0.02))) }
        let mean = logSum / Float(pixels.count)
        let geometric = SIMD3(expf(mean.x), expf(mean.y), expf(mean.z))
        return SIMD3(repeating: geometric.sum() / 3) / geometric
    }

    /// Soft 3-D histogram of interior pixels over chroma (of the colours times `gains`) and lightness
    /// relative to `bright`, square-rooted.
    static func colourHistogram(_ img: WorkingImage, _ pixels: [Int], bright: Float, gains: SIMD3<Float> = SIMD3(repeating: 1)) -> [Float] {
        let cb = chromaBins, lb = lightnessBins
        var hist = [Float](repeating: 0, count: cb * cb * lb)
        let lo: Float = -0.75, step: Float = 1.5 / Float(cb)
        let lightCentres: [Float] = [0.2, 0.55, 0.9]
        for i in pixels {
            let r = img.red[i], g = img.green[i], b = img.blue[i]
            let (c1, c2) = ColourSpace.chroma(r * gains.x, g * gains.y, b * gains.z)
            let rel = ColourSpace.intensity(r, g, b) / bright
            let (a0, a1, aw) = softBin((c1 - lo) / step - 0.5, cb)
            let (b0, b1, bw) = softBin((c2 - lo) / step - 0.5, cb)
            let lpos = (min(max(rel, lightCentres[0]), lightCentres[2]) - lightCentres[0]) / (lightCentres[1] - lightCentres[0])
            let (l0, l1, lw) = softBin(lpos, lb)
            for (ai, av) in [(a0, 1 - aw), (a1, aw)] {
                for (bi, bv) in [(b0, 1 - bw), (b1, bw)] {
                    for (li, lv) in [(l0, 1 - lw), (l1, lw)] {
                        hist[(li * cb + bi) * cb + ai] += av * bv * lv
                    }
                }
            }
        }
        // A [1 2 1] blur along both chroma axes tolerates white-balance and tone-curve shifts of a bin.
        var blurred = hist
        for pass in 0..<2 {
            let source = blurred
            for l in 0..<lb {
                for bi in 0..<cb {
                    for ai in 0..<cb {
                        var acc: Float = 0, wsum: Float = 0
                        for d in -1...1 {
                            let a = pass == 0 ? ai + d : ai, b = pass == 1 ? bi + d : bi
                            guard a >= 0, a < cb, b >= 0, b < cb else { continue }
                            let wgt: Float = d == 0 ? 2 : 1
                            acc += wgt * source[(l * cb + b) * cb + a]; wsum += wgt
                        }
                        blurred[(l * cb + bi) * cb + ai] = acc / wsum
                    }
                }
            }
        }
        let total = max(1e-6, blurred.reduce(0, +))
        return blurred.map { ($0 / total).squareRoot() }
    }

    /// Lower bin, upper bin and weight of the upper bin for a continuous bin position.
    @inline(__always)
    static func softBin(_ pos: Float, _ count: Int) -> (Int, Int, Float) {
        let p = min(max(pos, 0), Float(count - 1))
        let i0 = min(count - 1, Int(p))
        return (i0, min(count - 1, i0 + 1), p - Float(i0))
    }

    /// Dominant direction of colour variation inside the item (unit RGB vector) and each pixel's projection.
    /// Two colours of equal brightness (red and green) still differ strongly along this axis.
    static func principalColourAxis(_ img: WorkingImage, _ pixels: [Int]) -> ([Float], [Float]) {
        guard !pixels.isEmpty else { return ([0.577, 0.577, 0.577], []) }
        var mean: [Float] = [0, 0, 0]
        for i in pixels { mean[0] += img.red[i]; mean[1] += img.green[i]; mean[2] += img.blue[i] }
        mean = mean.map { $0 / Float(pixels.count) }
        var cov = [Float](repeating: 0, count: 9)
        for i in pixels {
            let d = [img.red[i] - mean[0], img.green[i] - mean[1], img.blue[i] - mean[2]]
            for a in 0..<3 { for b in 0..<3 { cov[3 * a + b] += d[a] * d[b] } }
        }
        var v: [Float] = [0.6, 0.55, 0.5]
        for _ in 0..<12 {
            var nv: [Float] = [0, 0, 0]
            for a in 0..<3 { for b in 0..<3 { nv[a] += cov[3 * a + b] * v[b] } }
            let norm = (nv[0] * nv[0] + nv[1] * nv[1] + nv[2] * nv[2]).squareRoot()
            if norm < 1e-9 { break }
            v = nv.map { $0 / norm }
        }
        let projections = pixels.map { img.red[$0] * v[0] + img.green[$0] * v[1] + img.blue[$0] * v[2] }
        return (v, projections)
    }

    /// Coarse colour layout over a grid in the canonical frame, and a rotation-free radial profile.
    static func layoutAndRings(_ img: WorkingImage, _ mask: ObjectSegmentation.Mask, _ frame: CanonicalFrame, bright: Float)
        -> ([Float], [Float])
    {
        let g = canonicalSide, side = layoutSide, per = g / side
        let w = img.width, h = img.height
        let maskPlane = mask.inside.map { $0 ? Float(1) : 0 }
        var cells = [Float](repeating: 0, count: side * side * 5)   // weight, occupancy count, c1, c2, light
        var ringAcc = [Float](repeating: 0, count: ringCount * 5)
        let ringEdges: [Float] = [0.35, 0.6, 0.85]
        var global: [Float] = [0, 0, 0, 0]
        img.red.withUnsafeBufferPointer { rp in
        img.green.withUnsafeBufferPointer { gp in
        img.blue.withUnsafeBufferPointer { bp in
        maskPlane.withUnsafeBufferPointer { mp in
            for j in 0..<g {
                let v = -1 + (Float(j) + 0.5) * 2 / Float(g)
                for i in 0..<g {
                    let u = -1 + (Float(i) + 0.5) * 2 / Float(g)
                    let (x, y) = frame.imagePoint(u: u, v: v)
                    let inFrame = x >= 0 && y >= 0 && x <= Float(w - 1) && y <= Float(h - 1)
                    let m = inFrame ? WorkingImage.bilinear(mp, w, h, x, y) : 0
                    let r = WorkingImage.bilinear(rp, w, h, x, y), gg = WorkingImage.bilinear(gp, w, h, x, y), b = WorkingImage.bilinear(bp, w, h, x, y)
                    let (c1, c2) = ColourSpace.chroma(r, gg, b)
                    let light = min(1.3, ColourSpace.intensity(r, gg, b) / bright)
                    let cell = (j / per) * side + (i / per)
                    cells[5 * cell] += m; cells[5 * cell + 1] += 1
                    cells[5 * cell + 2] += m * c1; cells[5 * cell + 3] += m * c2; cells[5 * cell + 4] += m * light
                    let radius = (u * u + v * v).squareRoot()
                    let ring = ringEdges.firstIndex { radius < $0 } ?? ringCount - 1
                    ringAcc[5 * ring] += m; ringAcc[5 * ring + 1] += 1
                    ringAcc[5 * ring + 2] += m * c1; ringAcc[5 * ring + 3] += m * c2; ringAcc[5 * ring + 4] += m * light
                    global[0] += m; global[1] += m * c1; global[2] += m * c2; global[3] += m * light
                }
            }
        }}}}
        let gm = max(global[0], 1e-6)
        let fallback = [global[1] / gm, global[2] / gm, global[3] / gm]
        func summarise(_ acc: [Float], _ n: Int) -> [Float] {
            var out: [Float] = []
            for k in 0..<n {
                let weight = acc[5 * k], count = max(1, acc[5 * k + 1])
                out.append(weight / count)
                // Mostly-empty cells have no reliable colour: use the item's mean so they neither help nor hurt.
                let trust = min(1, weight / (0.25 * count))
                for c in 0..<3 {
                    let own = weight > 1e-6 ? acc[5 * k + 2 + c] / weight : fallback[c]
                    out.append(trust * own + (1 - trust) * fallback[c])
                }
            }
            return out
        }
        return (summarise(cells, side * side), summarise(ringAcc, ringCount))
    }

    /// Pattern transitions per item length along each canonical axis, counted with hysteresis so that
    /// noise and blur do not create or remove transitions.
    static func patternFrequency(_ img: WorkingImage, _ interior: ObjectSegmentation.Mask, _ frame: CanonicalFrame,
                                 axis: [Float], low: Float, high: Float) -> (Float, Float)
    {
        let g = frequencySide
        let mid = (low + high) / 2, band = 0.2 * (high - low)
        let (value, coverage) = sampleCanonicalGrid(img, interior, frame, axis: axis, side: g)
        let inside = coverage.map { $0 > 0.99 }
        func count(alongU: Bool) -> Float {
            var transitions = 0, length = 0
            for line in 0..<g {
                var state = 0
                for step in 0..<g {
                    let k = alongU ? line * g + step : step * g + line
                    guard inside[k] else { state = 0; continue }
                    length += 1
                    let s = value[k] > mid + band ? 1 : (value[k] < mid - band ? -1 : 0)
                    if s != 0 {
                        if state != 0 && s != state { transitions += 1 }
                        state = s
                    }
                }
            }
            return length < g ? 0 : Float(transitions) / Float(length) * Float(g)
        }
        return (count(alongU: true), count(alongU: false))
    }

    /// Magnitude-weighted histogram of colour-gradient orientation inside the item, relative to its axis.
    static func orientationHistogram(_ img: WorkingImage, _ pixels: [Int], _ frame: CanonicalFrame) -> [Float] {
        let w = img.width, h = img.height, bins = orientationBins
        var hist = [Float](repeating: 0, count: bins)
        var samples: [(Float, Float)] = []
        samples.reserveCapacity(pixels.count)
        for i in pixels {
            let x = i % w, y = i / w
            guard x > 0, y > 0, x < w - 1, y < h - 1 else { continue }
            var jxx: Float = 0, jyy: Float = 0, jxy: Float = 0
            for plane in [img.red, img.green, img.blue] {
                let gx = (plane[i + 1] - plane[i - 1]) / 2, gy = (plane[i + w] - plane[i - w]) / 2
                jxx += gx * gx; jyy += gy * gy; jxy += gx * gy
            }
            let strength = (jxx + jyy).squareRoot()
            guard strength > 1e-4 else { continue }
            samples.append((frame.canonicalOrientation(0.5 * atan2f(2 * jxy, jxx - jyy)), strength))
        }
        guard !samples.isEmpty else { return [Float](repeating: 1 / Float(bins), count: bins) }
        let meanStrength = samples.reduce(0) { $0 + $1.1 } / Float(samples.count)
        let cap = 3 * meanStrength
        for (angle, strength) in samples {
            let pos = angle / .pi * Float(bins)
            let b0 = Int(pos.rounded(.down)) % bins, frac = pos - pos.rounded(.down)
            let weight = min(strength, cap)
            hist[b0] += weight * (1 - frac)
            hist[(b0 + 1) % bins] += weight * frac
        }
        // Circular [1 2 1] smoothing: a few degrees of axis error should move mass to a neighbour, not away.
        let smooth = (0..<bins).map { hist[($0 + bins - 1) % bins] + 2 * hist[$0] + hist[($0 + 1) % bins] }
        let total = max(1e-9, smooth.reduce(0, +))
        return smooth.map { $0 / total }
    }
}
