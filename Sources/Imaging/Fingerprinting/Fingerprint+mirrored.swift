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
        let maps = FlipMaps(flip)
        var out = self
        for (k, source) in maps.cells.enumerated() {
            for c in 0..<4 { out.layout[4 * k + c] = layout[4 * source + c] }
        }
        out.spectrum = maps.spectrum.map { spectrum[$0] }
        out.orientation = maps.orientation.map { orientation[$0] }
        return out
    }
}
