import Foundation
import Imaging
import PhotoLab
import XCTest

/// What a user uploading an odd file would notice: a clear error sentence, never a crash.
final class ImageDecoderTests: XCTestCase {
    func testDecodesJPEGAndPNG() throws {
        let fromJPEG = try ImageDecoder.decode(TestImages.jpeg)
        XCTAssertEqual(fromJPEG.width, 48)
        XCTAssertEqual(fromJPEG.height, 32)
        XCTAssertEqual(fromJPEG.layout, .rgb)
        let fromPNG = try ImageDecoder.decode(Data(TestImages.png))
        XCTAssertEqual(fromPNG, TestImages.rgb, "PNG is lossless")
    }

    func testGrayscaleRoundTrip() throws {
        let gray = DecodedImage(width: 8, height: 4, layout: .grayscale, pixels: (0..<32).map { UInt8($0 * 8) })
        XCTAssertEqual(try ImageDecoder.decode(ImageEncoder.png(gray)), gray)
        XCTAssertEqual(try ImageDecoder.decode(ImageEncoder.jpeg(gray)).layout, .grayscale)
    }

    /// A phone-sized JPEG decoded for the fingerprint: at a reduced scale, the same working size and
    /// nearly the same fingerprint as decoded whole; damage is still found.
    func testLargeJPEGDecodedReducedFingerprintsAlike() throws {
        let design = DesignCatalogue.make(count: 3, seed: 4)[0]
        let photo = Photographer.photograph(design, shot: 0, seed: 4).image
        let k = 4, w = photo.width * k, h = photo.height * k
        var pixels = [UInt8](repeating: 0, count: w * h * 3)
        for y in 0..<h {
            for x in 0..<w {
                let s = ((y / k) * photo.width + x / k) * 3, d = (y * w + x) * 3
                pixels[d] = photo.pixels[s]; pixels[d + 1] = photo.pixels[s + 1]; pixels[d + 2] = photo.pixels[s + 2]
            }
        }
        let jpeg = try ImageEncoder.jpeg(DecodedImage(width: w, height: h, layout: .rgb, pixels: pixels), quality: 90)
        let whole = try ImageDecoder.decode(jpeg)
        let reduced = try ImageDecoder.decode(jpeg, reducedFor: Fingerprint.workingLongSide)
        XCTAssertEqual([reduced.width, reduced.height, reduced.sourceWidth, reduced.sourceHeight], [w / 4, h / 4, w, h])
        XCTAssertEqual([whole.width, whole.sourceWidth], [w, w])
        XCTAssertTrue(Fingerprint.workingSize(of: reduced) == Fingerprint.workingSize(of: whole))
        let d = LearnedMetric.standard.distance(Fingerprint(image: whole), Fingerprint(image: reduced))
        XCTAssertLessThan(d, 0.6, "decoding reduced moved the fingerprint by \(d); two photos of one design are about 2 apart")
        // A small photo is decoded whole whatever is asked.
        XCTAssertEqual(try ImageDecoder.decode(TestImages.jpeg, reducedFor: Fingerprint.workingLongSide), try ImageDecoder.decode(TestImages.jpeg))
        XCTAssertThrowsError(try ImageDecoder.decode(Array(jpeg.prefix(jpeg.count * 2 / 3)), reducedFor: Fingerprint.workingLongSide))
    }

    func testEmptyFile() {
        assertError(.empty, for: [], contains: "empty")
    }

    func testTruncatedFiles() {
        assertError(.corrupt, for: Array(TestImages.jpeg.prefix(TestImages.jpeg.count / 2)), contains: "truncated or corrupt")
        assertError(.corrupt, for: Array(TestImages.png.prefix(TestImages.png.count / 2)), contains: "PNG")
        assertError(.corrupt, for: [0xFF, 0xD8, 0xFF], contains: "JPEG")
    }

    func testVideoContainersAreNamed() {
        let mp4 = [0, 0, 0, 0x18] + TestImages.ascii("ftypisom") + [UInt8](repeating: 0, count: 20)
        let mov = [0, 0, 0, 0x14] + TestImages.ascii("ftypqt  ") + [UInt8](repeating: 0, count: 20)
        let webm: [UInt8] = [0x1A, 0x45, 0xDF, 0xA3] + [UInt8](repeating: 0, count: 20)
        let avi = TestImages.ascii("RIFF") + [0, 0, 0, 0] + TestImages.ascii("AVI LIST")
        for (bytes, name) in [(mp4, "MP4"), (mov, "QuickTime"), (webm, "WebM"), (avi, "AVI")] {
            assertError(.videoNotSupported, for: bytes, contains: "video is not supported yet")
            assertError(.videoNotSupported, for: bytes, contains: name)
        }
    }

    func testOtherImageFormatsAreNamed() {
        let gif = TestImages.ascii("GIF89a") + [UInt8](repeating: 0, count: 20)
        let webp = TestImages.ascii("RIFF") + [0, 0, 0, 0] + TestImages.ascii("WEBPVP8 ")
        let heic = [0, 0, 0, 0x18] + TestImages.ascii("ftypheic") + [UInt8](repeating: 0, count: 20)
        let bmp = TestImages.ascii("BM") + [UInt8](repeating: 0, count: 40)
        for (bytes, name) in [(gif, "GIF"), (webp, "WebP"), (heic, "HEIC"), (bmp, "BMP")] {
            assertError(.unsupportedImageFormat, for: bytes, contains: name)
        }
        assertError(.unrecognisedFormat, for: TestImages.ascii("hello, this is text"), contains: "not a recognised image")
    }

    func testPixelLimitIsEnforced() {
        assertError(.tooLarge, for: TestImages.jpeg, maxPixels: 1000, contains: "48×32 = 1536 pixels")
        assertError(.tooLarge, for: TestImages.png, maxPixels: 1000, contains: "limit of 1000 pixels")
    }

    /// A 1 KB JPEG that declares 60000×60000 pixels must be refused from its header, before allocating 10 GB.
    func testDecompressionBombIsRefusedFromHeader() throws {
        var bomb = TestImages.jpeg
        let sof = try XCTUnwrap((0..<(bomb.count - 1)).first { bomb[$0] == 0xFF && (bomb[$0 + 1] == 0xC0 || bomb[$0 + 1] == 0xC2) })
        // SOF: marker(2) length(2) precision(1) height(2) width(2)
        bomb[sof + 5] = 0xEA; bomb[sof + 6] = 0x60
        bomb[sof + 7] = 0xEA; bomb[sof + 8] = 0x60
        assertError(.tooLarge, for: bomb, contains: "60000×60000")
    }

    /// Garbage must never crash the decoder: every prefix of valid files, bit flips, and random bytes.
    func testGarbageNeverCrashes() {
        var state: UInt64 = 42
        func next() -> UInt8 {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return UInt8(truncatingIfNeeded: state >> 33)
        }
        var decoded = 0, failed = 0
        func attempt(_ bytes: [UInt8]) {
            do { _ = try ImageDecoder.decode(bytes, maxPixels: 1_000_000); decoded += 1 } catch { failed += 1 }
        }
        for file in [TestImages.jpeg, TestImages.png] {
            for length in stride(from: 0, to: file.count, by: max(1, file.count / 150)) { attempt(Array(file.prefix(length))) }
            for _ in 0..<100 {
                var corrupted = file
                for _ in 0..<4 { corrupted[Int(next()) * corrupted.count / 256] = next() }
                attempt(corrupted)
            }
            for _ in 0..<100 { attempt(Array(file.prefix(8)) + (0..<Int(next()) * 4).map { _ in next() }) }
        }
        for _ in 0..<200 { attempt((0..<Int(next())).map { _ in next() }) }
        XCTAssertGreaterThan(failed, 300, "most garbage is rejected")
    }

    private func assertError(_ code: ImageDecodingError.Code, for bytes: [UInt8], maxPixels: Int = ImageDecoder.defaultMaxPixels,
                             contains text: String, file: StaticString = #filePath, line: UInt = #line)
    {
        do {
            _ = try ImageDecoder.decode(bytes, maxPixels: maxPixels)
            XCTFail("expected \(code) but decoding succeeded", file: file, line: line)
        } catch {
            XCTAssertEqual(error.code, code, error.message, file: file, line: line)
            XCTAssertTrue(error.message.contains(text), "“\(error.message)” should mention \(text)", file: file, line: line)
        }
    }
}
