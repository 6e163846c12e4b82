import Foundation
import Imaging

/// Writes generated photos to disk as JPEG or PNG files, e.g. for a demo that uploads photos.
public enum PhotoWriter {
    /// File format to write.
    public enum Format: String, Sendable { case jpeg, png }

    /// Writes each photo as `design-<id>-shot-<n>.<ext>` in `directory` and returns the file URLs.
    public static func write(_ photos: [Photo], to directory: URL, as format: Format = .jpeg) throws -> [URL] {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        return try photos.map { photo in
            let ext = format == .jpeg ? "jpg" : "png"
            let url = directory.appendingPathComponent("design-\(photo.designID)-shot-\(photo.shot).\(ext)")
            let bytes = format == .jpeg ? photo.jpeg : try ImageEncoder.png(photo.image)
            try Data(bytes).write(to: url)
            return url
        }
    }
}
