extension Fingerprint {
    /// The item as the fingerprint sees it: cut out, rotated onto its long axis, reflected and stretched
    /// to a square of `side` pixels (evenly, as far as its axis is unreliable; background black). For
    /// debugging and for showing users what matched.
    public static func canonicalView(of image: DecodedImage, side: Int = 64) -> DecodedImage {
        let img = WorkingImage(image)
        let mask = ObjectSegmentation.segment(img)
        let outline = CanonicalFrame(mask)
        let frame = outline.evenlyScaled(1 - outline.axisConfidence(of: mask))
        let maskPlane = mask.inside.map { $0 ? Float(1) : 0 }
        var pixels = [UInt8](repeating: 0, count: side * side * 3)
        img.red.withUnsafeBufferPointer { rp in
        img.green.withUnsafeBufferPointer { gp in
        img.blue.withUnsafeBufferPointer { bp in
        maskPlane.withUnsafeBufferPointer { mp in
            for j in 0..<side {
                for i in 0..<side {
                    let (x, y) = frame.imagePoint(u: -1 + (Float(i) + 0.5) * 2 / Float(side), v: -1 + (Float(j) + 0.5) * 2 / Float(side))
                    let m = WorkingImage.bilinear(mp, img.width, img.height, x, y)
                    for (c, plane) in [rp, gp, bp].enumerated() {
                        let value = WorkingImage.bilinear(plane, img.width, img.height, x, y) * m
                        pixels[3 * (j * side + i) + c] = UInt8(max(0, min(255, value * 255)))
                    }
                }
            }
        }}}}
        return DecodedImage(width: side, height: side, layout: .rgb, pixels: pixels)
    }
}
