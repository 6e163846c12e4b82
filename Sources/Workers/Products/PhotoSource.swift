import Imaging

/// An item's photo as the matcher looks at it: decoded, with where its upload found the item in it
/// when that was kept (nil: it is found again).
public struct ItemPhoto: Sendable {
    public let image: DecodedImage
    public let mask: ObjectSegmentation.Mask?

    public init(image: DecodedImage, mask: ObjectSegmentation.Mask?) {
        self.image = image
        self.mask = mask
    }
}

/// Where the matcher finds an item's photo when its algorithm version looks at the photos
/// themselves (see `MatchingRole.Verification`). The fleet reads them from the blob store; a
/// benchmark can render them instead.
public protocol PhotoSource: Sendable {
    /// The photo of `item`, or nil when it has none or it cannot be read.
    func photo(of item: Item) -> ItemPhoto?
    /// Keeps `mask`, found again because `photo(of:)` had none of the photo's working size, for the next look at `item`'s photo
    /// (best effort: a mask that cannot be kept is found again next time). By default, nowhere.
    func keep(_ mask: ObjectSegmentation.Mask, for item: Item)
}

extension PhotoSource {
    public func keep(_ mask: ObjectSegmentation.Mask, for item: Item) {}
}

extension BlobStore: PhotoSource {
    /// The name of an upload's mask beside its photo: a new segmentation method writes new ones.
    static var maskName: String { "mask-m\(ObjectSegmentation.Mask.currentMethod)" }

    /// The item's photo as its upload stored it (nil for items stored before photos were kept), with
    /// the mask its upload kept beside it (nil when there is none, as for photos fingerprinted
    /// before masks were kept or by an older method, or it cannot be read).
    public func photo(of item: Item) -> ItemPhoto? {
        guard let key = item.photo, let bytes = try? get(key),
              let image = try? ImageDecoder.decode(bytes, reducedFor: Fingerprint.workingLongSide) else { return nil }
        return ItemPhoto(image: image, mask: get(beside: key, Self.maskName).flatMap { try? ObjectSegmentation.Mask(packed: $0) })
    }

    /// Keeps `mask`, where the photo `key` shows its item, beside the photo.
    public func putMask(_ mask: ObjectSegmentation.Mask, ofPhoto key: String) throws {
        try put(mask.packed(), beside: key, as: Self.maskName)
    }

    /// Keeps the mask of a photo uploaded before masks were kept (or whose mask was lost), so that
    /// only the first look at it finds the item again.
    public func keep(_ mask: ObjectSegmentation.Mask, for item: Item) {
        guard let key = item.photo else { return }
        try? putMask(mask, ofPhoto: key)
    }
}
