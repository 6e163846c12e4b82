import Imaging

/// Where the matcher finds an item's photo when its algorithm version looks at the photos
/// themselves (see `MatchingRole.Verification`). The fleet reads them from the blob store; a
/// benchmark can render them instead.
public protocol PhotoSource: Sendable {
    /// The decoded photo of `item`, or nil when it has none or it cannot be read.
    func photo(of item: Item) -> DecodedImage?
}

extension BlobStore: PhotoSource {
    /// The item's photo as its upload stored it (nil for items stored before photos were kept).
    public func photo(of item: Item) -> DecodedImage? {
        guard let key = item.photo, let bytes = try? get(key) else { return nil }
        return try? ImageDecoder.decode(bytes, reducedFor: Fingerprint.workingLongSide)
    }
}
