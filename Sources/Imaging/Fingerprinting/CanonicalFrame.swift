import Foundation

/// The item's own coordinate system, from image moments of its mask: origin at the centroid, `u` along
/// the principal (long) axis, `v` across it, each flipped so that the third moment is positive, and
/// scaled so that the item's robust extent spans -1...1 on both axes.
///
/// Its one responsibility is to undo in-plane rotation, scale, position and (for asymmetric shapes)
/// reflection, so that later stages compare like with like.
struct CanonicalFrame {
    let centreX: Float, centreY: Float
    /// Angle of the `u` axis in the image, radians.
    let angle: Float
    /// +1 or -1: reflection applied to `u` and `v` before scaling.
    let flipU: Float, flipV: Float
    /// Robust half extents (image pixels) along `u` and `v`, and the offset of their midpoints.
    private(set) var halfU: Float, halfV: Float, midU: Float, midV: Float
    /// sqrt(λ1 / λ2) of the mask covariance; near 1 means the axis direction is arbitrary.
    let elongation: Float
    /// Mask area over the area of its oriented bounding box.
    let solidity: Float
    /// log|φ1|, log|φ2|, log|φ3| of Hu's invariants.
    let huMoments: [Float]

    init(_ mask: ObjectSegmentation.Mask) {
        let w = mask.width
        var n: Float = 0, sx: Float = 0, sy: Float = 0
        for i in 0..<mask.inside.count where mask.inside[i] {
            n += 1; sx += Float(i % w); sy += Float(i / w)
        }
        n = max(n, 1)
        let cx = sx / n, cy = sy / n
        var cxx: Float = 0, cyy: Float = 0, cxy: Float = 0
        for i in 0..<mask.inside.count where mask.inside[i] {
            let dx = Float(i % w) - cx, dy = Float(i / w) - cy
            cxx += dx * dx; cyy += dy * dy; cxy += dx * dy
        }
        cxx /= n; cyy /= n; cxy /= n
        let angle = 0.5 * atan2f(2 * cxy, cxx - cyy)
        let tr = cxx + cyy, det = cxx * cyy - cxy * cxy
        let disc = max(0, tr * tr / 4 - det).squareRoot()
        let l1 = tr / 2 + disc, l2 = max(1e-3, tr / 2 - disc)
        let c = cosf(angle), s = sinf(angle)
        var us: [Float] = [], vs: [Float] = []
        us.reserveCapacity(Int(n)); vs.reserveCapacity(Int(n))
        var m3u: Float = 0, m3v: Float = 0
        for i in 0..<mask.inside.count where mask.inside[i] {
            let dx = Float(i % w) - cx, dy = Float(i / w) - cy
            let u = dx * c + dy * s, v = -dx * s + dy * c
            us.append(u); vs.append(v)
            m3u += u * u * u; m3v += v * v * v
        }
        let fu: Float = m3u < 0 ? -1 : 1, fv: Float = m3v < 0 ? -1 : 1
        us = us.map { $0 * fu }.sorted()
        vs = vs.map { $0 * fv }.sorted()
        func pct(_ a: [Float], _ p: Float) -> Float { a.isEmpty ? 0 : a[min(a.count - 1, Int(Float(a.count - 1) * p))] }
        let ulo = pct(us, 0.01), uhi = pct(us, 0.99), vlo = pct(vs, 0.01), vhi = pct(vs, 0.99)
        centreX = cx; centreY = cy; self.angle = angle; flipU = fu; flipV = fv
        halfU = max(1, (uhi - ulo) / 2); halfV = max(1, (vhi - vlo) / 2)
        midU = (uhi + ulo) / 2; midV = (vhi + vlo) / 2
        elongation = (l1 / l2).squareRoot()
        // Normalised central moments η_pq = μ_pq / n^(1 + (p+q)/2), from the already-centred coordinates.
        var mu: [Float] = [0, 0, 0, 0, 0, 0, 0]   // μ20 μ02 μ11 μ30 μ03 μ21 μ12
        for i in 0..<mask.inside.count where mask.inside[i] {
            let dx = Float(i % w) - cx, dy = Float(i / w) - cy
            mu[0] += dx * dx; mu[1] += dy * dy; mu[2] += dx * dy
            mu[3] += dx * dx * dx; mu[4] += dy * dy * dy; mu[5] += dx * dx * dy; mu[6] += dx * dy * dy
        }
        let n2 = n * n, n25 = powf(n, 2.5)
        let e20 = mu[0] / n2, e02 = mu[1] / n2, e11 = mu[2] / n2
        let e30 = mu[3] / n25, e03 = mu[4] / n25, e21 = mu[5] / n25, e12 = mu[6] / n25
        let phi1 = e20 + e02
        let phi2 = (e20 - e02) * (e20 - e02) + 4 * e11 * e11
        let phi3 = (e30 - 3 * e12) * (e30 - 3 * e12) + (3 * e21 - e03) * (3 * e21 - e03)
        huMoments = [logf(phi1 + 1e-6), 0.5 * logf(phi2 + 1e-5), 0.5 * logf(phi3 + 1e-5)]
        solidity = min(1, n / (4 * halfU * halfV))
    }

    /// How well defined the long axis of `mask` is, 0...1 (`Fingerprint.axisConfidence`): 0 for a nearly
    /// round outline or several separate parts (a button set's axis depends on how they happened to
    /// lie), 1 from an elongation of 1.5.
    func axisConfidence(of mask: ObjectSegmentation.Mask) -> Float {
        let parts = ObjectSegmentation.labelledRegions(mask).regions.filter { $0.area * 10 >= mask.area }.count
        return parts > 1 ? 0 : max(0, min(1, (elongation - 1.15) / 0.35))
    }

    /// This frame with the same scale along both axes (the geometric mean of the two extents) and its
    /// origin at the centroid, as far as `weight` (0...1) says. An item whose axis is ill-defined (nearly
    /// round, or a group of buttons) has extents along `u` and `v` that change as the axis turns; an
    /// even scale samples it alike however the axis falls.
    func evenlyScaled(_ weight: Float) -> CanonicalFrame {
        let w = max(0, min(1, weight)), even = (halfU * halfV).squareRoot()
        var frame = self
        frame.halfU = halfU + w * (even - halfU); frame.halfV = halfV + w * (even - halfV)
        frame.midU = (1 - w) * midU; frame.midV = (1 - w) * midV
        return frame
    }

    /// Image pixel coordinates of canonical point (u, v), both in -1...1 over the item.
    @inline(__always)
    func imagePoint(u: Float, v: Float) -> (x: Float, y: Float) {
        let pu = (midU + u * halfU) * flipU, pv = (midV + v * halfV) * flipV
        let c = cosf(angle), s = sinf(angle)
        return (centreX + pu * c - pv * s, centreY + pu * s + pv * c)
    }

    /// Orientation (mod π) of an image-space direction `theta`, expressed in the canonical frame.
    @inline(__always)
    func canonicalOrientation(_ theta: Float) -> Float {
        var a = (theta - angle) * flipU * flipV
        a = a.truncatingRemainder(dividingBy: .pi)
        return a < 0 ? a + .pi : a
    }
}
