import Imaging
import PhotoLab

/// Small deterministic images and files shared by the tests.
enum TestImages {
    /// A 48×32 RGB gradient with a square, so decoders have real structure to chew on.
    static let rgb: DecodedImage = {
        var pixels: [UInt8] = []
        for y in 0..<32 {
            for x in 0..<48 {
                let inSquare = (10..<30).contains(x) && (8..<24).contains(y)
                pixels += inSquare ? [200, 40, 40] : [UInt8(x * 5), UInt8(y * 7), 120]
            }
        }
        return DecodedImage(width: 48, height: 32, layout: .rgb, pixels: pixels)
    }()

    static let jpeg: [UInt8] = try! ImageEncoder.jpeg(rgb, quality: 90)
    static let png: [UInt8] = try! ImageEncoder.png(rgb)

    static func ascii(_ s: String) -> [UInt8] { Array(s.utf8) }
}
