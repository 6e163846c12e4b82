import Foundation

/// A labelled photo set of one's own: a directory with `manifest.tsv`, one line per photo with five
/// tab-separated fields (design id, shot 0 or 1, product, file name in the directory, attributes as
/// `k=v,k=v` or `-`), and exactly one photo of each shot per design. `ops/other-photos` writes one;
/// `match-bench --photos` and `photolab segmentation --photos` read it.
public struct PhotoManifest: Sendable {
    public struct Entry: Sendable, Equatable {
        public let design: Int, shot: Int, product: String, file: String
        public let attributes: [String: String]
    }

    public let directory: URL
    /// Every photo, in the manifest's order.
    public let entries: [Entry]

    /// Reads `directory/manifest.tsv`; `products`, when given, are the product names a line may name.
    public init(directory path: String, products: [String]? = nil) throws(PhotoManifestError) {
        directory = URL(fileURLWithPath: path, isDirectory: true)
        let manifest = directory.appendingPathComponent("manifest.tsv")
        guard let text = try? String(contentsOf: manifest, encoding: .utf8) else {
            throw PhotoManifestError("cannot read \(manifest.path): a labelled photo set is a directory with manifest.tsv")
        }
        var entries: [Entry] = []
        for (number, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() where !line.isEmpty {
            let fields = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            func refuse(_ reason: String) -> PhotoManifestError { PhotoManifestError("\(manifest.path) line \(number + 1): \(reason)") }
            guard fields.count == 5 else { throw refuse("expected 5 tab-separated fields (design, shot, product, file, attributes), found \(fields.count)") }
            guard let design = Int(fields[0]), design >= 0 else { throw refuse("the design id must be a whole number, not '\(fields[0])'") }
            guard let shot = Int(fields[1]), shot == 0 || shot == 1 else { throw refuse("the shot must be 0 or 1, not '\(fields[1])'") }
            if let products, !products.contains(fields[2]) {
                throw refuse("unknown product '\(fields[2])'; this fleet knows \(products.joined(separator: ", "))")
            }
            guard !fields[3].isEmpty else { throw refuse("the file name is empty") }
            var attributes: [String: String] = [:]
            if fields[4] != "-" {
                for pair in fields[4].split(separator: ",") {
                    let parts = pair.split(separator: "=", maxSplits: 1).map(String.init)
                    guard parts.count == 2, !parts[0].isEmpty else { throw refuse("attributes must be k=v,k=v or -, not '\(fields[4])'") }
                    attributes[parts[0]] = parts[1]
                }
            }
            entries.append(Entry(design: design, shot: shot, product: fields[2], file: fields[3], attributes: attributes))
        }
        for (design, shots) in Dictionary(grouping: entries, by: \.design) where shots.count != 2 || Set(shots.map(\.shot)) != [0, 1] {
            throw PhotoManifestError("\(manifest.path): design \(design) needs exactly one photo of shot 0 and one of shot 1")
        }
        self.entries = entries
    }

    /// Where a photo of the set is.
    public func url(of entry: Entry) -> URL { directory.appendingPathComponent(entry.file) }
}

/// A labelled photo set that cannot be read: one line saying where and why.
public struct PhotoManifestError: Error, Sendable, CustomStringConvertible {
    public let description: String
    init(_ description: String) { self.description = description }
}
