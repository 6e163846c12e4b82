extension ObjectSegmentation.Mask {
    /// The method masks are found by now: the fingerprint method that last changed the segmentation
    /// (`Fingerprint.currentMethod` 9; its method 4 changed what is described, not where the item
    /// is), raised with any change to the segmentation. A mask of another method is not read back.
    public static let currentMethod = 9

    /// A compact binary form for storage beside the photo (2,405 bytes at 160 × 120): the method as one
    /// byte, width and height as little-endian UInt16, then one bit per pixel, row-major, the lowest
    /// bit first.
    public func packed() -> [UInt8] {
        precondition(width <= 0xFFFF && height <= 0xFFFF && Self.currentMethod <= 0xFF, "a mask's sides and method fit its packed form")
        var out: [UInt8] = [UInt8(truncatingIfNeeded: Self.currentMethod)]
        for side in [width, height] { withUnsafeBytes(of: UInt16(truncatingIfNeeded: side).littleEndian) { out.append(contentsOf: $0) } }
        var bits = [UInt8](repeating: 0, count: (inside.count + 7) / 8)
        for (i, isInside) in inside.enumerated() where isInside { bits[i / 8] |= 1 << UInt8(i % 8) }
        return out + bits
    }

    /// Reads the form written by `packed()`; the result equals the packed mask exactly. Throws
    /// `MaskPackingError` when the bytes are of another method (the item must be found again), their
    /// length does not fit the size they state, or they mark no item pixel (segmentation always
    /// finds one: such bytes were zeroed, as a file can be after a crash).
    public init(packed bytes: [UInt8]) throws(MaskPackingError) {
        guard let method = bytes.first, Int(method) == Self.currentMethod else {
            throw MaskPackingError(message: bytes.isEmpty ? "The packed mask is empty (zero bytes)."
                : "The packed mask was found by segmentation method \(bytes[0]); this library reads method \(Self.currentMethod) only.")
        }
        guard bytes.count >= 5 else { throw MaskPackingError(message: "The packed mask has \(bytes.count) bytes, too few for its size.") }
        let width = Int(bytes[1]) | Int(bytes[2]) << 8, height = Int(bytes[3]) | Int(bytes[4]) << 8
        let expected = 5 + (width * height + 7) / 8
        guard width > 0, height > 0, bytes.count == expected else {
            throw MaskPackingError(message: "The packed mask of \(width)x\(height) pixels has \(bytes.count) bytes; it needs exactly \(expected).")
        }
        guard bytes[5...].contains(where: { $0 != 0 }) else { throw MaskPackingError(message: "The packed mask marks no item pixel.") }
        self.init(width: width, height: height, inside: (0..<(width * height)).map { bytes[5 + $0 / 8] & (1 << UInt8($0 % 8)) != 0 })
    }
}

/// Why bytes could not be read back as an `ObjectSegmentation.Mask`, in one readable sentence.
public struct MaskPackingError: Error, Sendable, Equatable, CustomStringConvertible {
    public let message: String
    public var description: String { message }
}
