/// A file format recognised from its leading magic bytes.
///
/// Its one responsibility is sniffing: it never trusts file names or declared MIME types.
public enum ImageFormat: String, Sendable, Equatable, CaseIterable {
    /// Decodable still images.
    case jpeg, png
    /// Recognised still images that are not decoded.
    case gif, webp, heic, avif, bmp, tiff
    /// Recognised video containers.
    case mp4, quickTime, matroska, avi

    /// Human name used in error sentences.
    public var displayName: String {
        switch self {
        case .jpeg: "JPEG"
        case .png: "PNG"
        case .gif: "GIF"
        case .webp: "WebP"
        case .heic: "HEIC"
        case .avif: "AVIF"
        case .bmp: "BMP"
        case .tiff: "TIFF"
        case .mp4: "MP4"
        case .quickTime: "QuickTime (MOV)"
        case .matroska: "WebM/Matroska"
        case .avi: "AVI"
        }
    }

    /// Whether this is a video container rather than a still image.
    public var isVideo: Bool {
        switch self {
        case .mp4, .quickTime, .matroska, .avi: true
        default: false
        }
    }

    /// Recognises the format from the first bytes, or returns nil when no signature matches.
    public static func sniff(_ bytes: UnsafeBufferPointer<UInt8>) -> ImageFormat? {
        func starts(_ prefix: [UInt8], at offset: Int = 0) -> Bool {
            guard bytes.count >= offset + prefix.count else { return false }
            for (i, b) in prefix.enumerated() where bytes[offset + i] != b { return false }
            return true
        }
        func ascii(_ s: String, at offset: Int = 0) -> Bool { starts(Array(s.utf8), at: offset) }

        if starts([0xFF, 0xD8, 0xFF]) { return .jpeg }
        if starts([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) { return .png }
        if ascii("GIF87a") || ascii("GIF89a") { return .gif }
        if ascii("RIFF") && ascii("WEBP", at: 8) { return .webp }
        if ascii("RIFF") && ascii("AVI ", at: 8) { return .avi }
        if starts([0x1A, 0x45, 0xDF, 0xA3]) { return .matroska }
        if ascii("ftyp", at: 4) {
            guard bytes.count >= 12 else { return .mp4 }
            let brand = String(decoding: bytes[8..<12], as: UTF8.self)
            switch brand {
            case "heic", "heix", "hevc", "hevx", "heim", "heis", "hevm", "hevs", "mif1", "msf1": return .heic
            case "avif", "avis": return .avif
            case "qt  ": return .quickTime
            default: return .mp4
            }
        }
        // Old QuickTime files start with an atom other than ftyp.
        if ascii("moov", at: 4) || ascii("mdat", at: 4) || ascii("wide", at: 4) { return .quickTime }
        if ascii("BM") && bytes.count >= 14 { return .bmp }
        if starts([0x49, 0x49, 0x2A, 0x00]) || starts([0x4D, 0x4D, 0x00, 0x2A]) { return .tiff }
        return nil
    }
}
