import Foundation

extension Fingerprint {
    /// Radial frequency bands (cycles per item extent) and orientation sectors of the pattern spectrum.
    static let spectrumBandEdges: [Float] = [1, 2, 3.5, 6, 10, 17, 32]
    static let spectrumSectors = 4
    static var spectrumBands: Int { spectrumBandEdges.count - 1 }

    /// Power spectrum of the item's pattern in its canonical frame, pooled into bands × sectors and
    /// normalised to sum 1 (then square-rooted). The magnitude spectrum ignores where the pattern starts,
    /// so it is stable when a sock is stretched or a stripe falls differently, and the normalisation
    /// makes it independent of contrast and exposure; it says how coarse the pattern is and which way it runs.
    static func patternSpectrum(_ img: WorkingImage, _ interior: ObjectSegmentation.Mask, _ frame: CanonicalFrame, axis: [Float]) -> [Float] {
        let g = frequencySide
        let (value, weight) = sampleCanonicalGrid(img, interior, frame, axis: axis, side: g)
        // Soft window: the item's interior, blurred so its outline leaks little energy into the spectrum.
        var taper = weight
        for pass in 0..<2 {
            let src = taper
            for j in 0..<g {
                for i in 0..<g {
                    var s: Float = 0
                    for d in -2...2 {
                        let ii = pass == 0 ? min(g - 1, max(0, i + d)) : i, jj = pass == 1 ? min(g - 1, max(0, j + d)) : j
                        s += src[jj * g + ii]
                    }
                    taper[j * g + i] = s / 5 * weight[j * g + i]
                }
            }
        }
        let tsum = taper.reduce(0, +)
        let bins = spectrumBands * spectrumSectors
        guard tsum > 1 else { return [Float](repeating: (1 / Float(bins)).squareRoot(), count: bins) }
        var mean: Float = 0
        for k in 0..<(g * g) { mean += value[k] * taper[k] }
        mean /= tsum
        var re = (0..<(g * g)).map { (value[$0] - mean) * taper[$0] }
        var im = [Float](repeating: 0, count: g * g)
        let cosT = (0..<g).map { cosf(2 * .pi * Float($0) / Float(g)) }, sinT = (0..<g).map { sinf(2 * .pi * Float($0) / Float(g)) }
        // Separable DFT: rows, then columns (O(g³), about a million multiply-adds for g = 64).
        for pass in 0..<2 {
            let srcRe = re, srcIm = im
            srcRe.withUnsafeBufferPointer { sr in
            srcIm.withUnsafeBufferPointer { si in
                for line in 0..<g {
                    for k in 0..<g {
                        var ar: Float = 0, ai: Float = 0
                        for n in 0..<g {
                            let idx = pass == 0 ? line * g + n : n * g + line
                            let t = (k * n) % g
                            let c = cosT[t], s = sinT[t]
                            ar += sr[idx] * c + si[idx] * s
                            ai += si[idx] * c - sr[idx] * s
                        }
                        let out = pass == 0 ? line * g + k : k * g + line
                        re[out] = ar; im[out] = ai
                    }
                }
            }}
        }
        var pooled = [Float](repeating: 0, count: bins)
        let edges = spectrumBandEdges
        for ky in 0..<g {
            let fy = Float(ky <= g / 2 ? ky : ky - g)
            for kx in 0..<g {
                let fx = Float(kx <= g / 2 ? kx : kx - g)
                let radius = (fx * fx + fy * fy).squareRoot()
                guard radius >= edges[0], radius < edges[edges.count - 1] else { continue }
                guard let band = (0..<(edges.count - 1)).first(where: { radius < edges[$0 + 1] }) else { continue }
                var angle = atan2f(fy, fx)
                if angle < 0 { angle += .pi }
                let sector = Int((angle / .pi * Float(spectrumSectors) + 0.5).rounded(.down)) % spectrumSectors
                let k = ky * g + kx
                pooled[band * spectrumSectors + sector] += re[k] * re[k] + im[k] * im[k]
            }
        }
        let total = max(1e-12, pooled.reduce(0, +))
        return pooled.map { ($0 / total).squareRoot() }
    }

    /// The spectrum summed over sectors (rotation-free), as square-rooted shares per band.
    static func radialProfile(_ spectrum: [Float]) -> [Float] {
        (0..<spectrumBands).map { b in
            (0..<spectrumSectors).reduce(Float(0)) { $0 + spectrum[b * spectrumSectors + $1] * spectrum[b * spectrumSectors + $1] }.squareRoot()
        }
    }

    /// Samples the image, projected on the colour `axis`, and the item's interior mask on a
    /// `side` × `side` grid over the canonical frame: the pattern value and how much of each cell
    /// lies inside the item (0...1; 0 outside the photo).
    static func sampleCanonicalGrid(_ img: WorkingImage, _ interior: ObjectSegmentation.Mask, _ frame: CanonicalFrame,
                                    axis: [Float], side g: Int) -> (value: [Float], coverage: [Float]) {
        let w = img.width, h = img.height
        let plane = (0..<(w * h)).map { img.red[$0] * axis[0] + img.green[$0] * axis[1] + img.blue[$0] * axis[2] }
        let maskPlane = interior.inside.map { $0 ? Float(1) : 0 }
        var value = [Float](repeating: 0, count: g * g)
        var coverage = [Float](repeating: 0, count: g * g)
        plane.withUnsafeBufferPointer { pp in
        maskPlane.withUnsafeBufferPointer { mp in
            for j in 0..<g {
                for i in 0..<g {
                    let (x, y) = frame.imagePoint(u: -1 + (Float(i) + 0.5) * 2 / Float(g), v: -1 + (Float(j) + 0.5) * 2 / Float(g))
                    guard x >= 0, y >= 0, x <= Float(w - 1), y <= Float(h - 1) else { continue }
                    coverage[j * g + i] = WorkingImage.bilinear(mp, w, h, x, y)
                    value[j * g + i] = WorkingImage.bilinear(pp, w, h, x, y)
                }
            }
        }}
        return (value, coverage)
    }
}
