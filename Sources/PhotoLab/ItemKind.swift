/// What sort of household item a design depicts.
public enum ItemKind: String, Sendable, Codable, CaseIterable {
    case sock, glove, buttonSet, container, lid

    /// Whether the item's partner is its mirror image (a left glove matches a right glove).
    public var partnerIsMirrored: Bool { self == .glove }
}
