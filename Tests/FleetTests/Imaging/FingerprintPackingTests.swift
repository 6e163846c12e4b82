import Imaging
import PhotoLab
import XCTest

/// The binary form an index stores: it must give back the very same fingerprint and refuse foreign bytes.
final class FingerprintPackingTests: XCTestCase {
    static let fingerprint: Fingerprint = {
        let design = DesignCatalogue.make(count: 3, seed: 5)[1]
        return Fingerprint(image: Photographer.photograph(design, shot: 1, seed: 5).image)
    }()

    func testRoundTripGivesTheSameFingerprintAndKeys() throws {
        let fp = Self.fingerprint
        let bytes = fp.packed()
        XCTAssertEqual(bytes.count, Fingerprint.packedByteCount)
        XCTAssertEqual(bytes.count, 2361, "layout version 2 packs 590 Float32 values after the version byte")
        XCTAssertEqual(bytes[0], UInt8(Fingerprint.currentVersion))
        let restored = try Fingerprint(packed: bytes)
        XCTAssertEqual(restored, fp)
        XCTAssertEqual(restored.bucketCodes(), fp.bucketCodes())
        XCTAssertEqual(restored.distance(to: fp), 0)
        XCTAssertEqual(restored.mirrored().packed(), fp.mirrored().packed())
    }

    func testValuesAreLittleEndianFloat32InDocumentedOrder() {
        let bytes = Self.fingerprint.packed()
        let first = UInt32(bytes[1]) | UInt32(bytes[2]) << 8 | UInt32(bytes[3]) << 16 | UInt32(bytes[4]) << 24
        XCTAssertEqual(Float(bitPattern: first), Self.fingerprint.colour[0])
        let n = bytes.count
        let last = UInt32(bytes[n - 4]) | UInt32(bytes[n - 3]) << 8 | UInt32(bytes[n - 2]) << 16 | UInt32(bytes[n - 1]) << 24
        XCTAssertEqual(Float(bitPattern: last), Self.fingerprint.axisConfidence)
    }

    func testForeignBytesAreRefusedWithATypedError() {
        var bytes = Self.fingerprint.packed()
        XCTAssertThrowsError(try Fingerprint(packed: Array(bytes.dropLast()))) {
            XCTAssertEqual(($0 as? FingerprintPackingError)?.code, .wrongLength)
        }
        XCTAssertThrowsError(try Fingerprint(packed: bytes + [0])) {
            XCTAssertEqual(($0 as? FingerprintPackingError)?.code, .wrongLength)
        }
        XCTAssertThrowsError(try Fingerprint(packed: [])) {
            XCTAssertEqual(($0 as? FingerprintPackingError)?.code, .unsupportedVersion)
        }
        bytes[0] = UInt8(Fingerprint.currentVersion + 1)
        XCTAssertThrowsError(try Fingerprint(packed: bytes)) {
            XCTAssertEqual(($0 as? FingerprintPackingError)?.code, .unsupportedVersion)
        }
    }
}
