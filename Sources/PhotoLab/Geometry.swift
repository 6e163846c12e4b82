import Foundation

/// Signed-distance helpers for drawing shapes with anti-aliased edges (negative inside).
enum SDF {
    static func circle(_ x: Float, _ y: Float, cx: Float, cy: Float, r: Float) -> Float {
        let dx = x - cx, dy = y - cy
        return (dx * dx + dy * dy).squareRoot() - r
    }

    static func roundedBox(_ x: Float, _ y: Float, cx: Float, cy: Float, hw: Float, hh: Float, r: Float) -> Float {
        let qx = abs(x - cx) - hw + r, qy = abs(y - cy) - hh + r
        let ox = max(qx, 0), oy = max(qy, 0)
        return (ox * ox + oy * oy).squareRoot() + min(max(qx, qy), 0) - r
    }

    static func capsule(_ x: Float, _ y: Float, ax: Float, ay: Float, bx: Float, by: Float, r: Float) -> Float {
        let px = x - ax, py = y - ay, dx = bx - ax, dy = by - ay
        let h = max(0, min(1, (px * dx + py * dy) / (dx * dx + dy * dy)))
        let ex = px - dx * h, ey = py - dy * h
        return (ex * ex + ey * ey).squareRoot() - r
    }
}
