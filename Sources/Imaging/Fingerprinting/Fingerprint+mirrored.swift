/// The four reflections of the canonical frame: identity, across `u`, across `v`, and both (a half turn).
enum AxisFlip: CaseIterable {
    case none, flipU, flipV, both
}

extension Fingerprint {
    /// The fingerprint of the horizontally mirrored photo (a left glove's fingerprint becomes the right
    /// glove's). `distance(to:)` already compares under every axis flip, so it gives the same value for
    /// `other` and `other.mirrored()`; this exists for callers that store or display handedness.
    public func mirrored() -> Fingerprint { flipped(.flipV) }

    func flipped(_ flip: AxisFlip) -> Fingerprint {
        if flip == .none { return self }
        let side = Self.layoutSide
        let reverseU = flip == .flipU || flip == .both, reverseV = flip == .flipV || flip == .both
        var out = self
        for j in 0..<side {
            for i in 0..<side {
                let si = reverseU ? side - 1 - i : i, sj = reverseV ? side - 1 - j : j
                for c in 0..<4 { out.layout[4 * (j * side + i) + c] = layout[4 * (sj * side + si) + c] }
            }
        }
        if flip != .both {
            // Sectors at 45 and 135 degrees swap under a single reflection.
            let sectors = Self.spectrumSectors
            for b in 0..<Self.spectrumBands {
                for k in 0..<sectors { out.spectrum[b * sectors + k] = spectrum[b * sectors + (sectors - k) % sectors] }
            }
            // A reflection maps orientation a to -a (mod 180 degrees); a half turn leaves it unchanged.
            let n = Self.orientationBins
            for b in 0..<n { out.orientation[b] = orientation[(n - b) % n] }
        }
        return out
    }
}
