import Imaging
import PhotoLab
import Testing

@Suite struct PhotoAlignmentTests {
    /// A pink-dotted white sock (design 11 of seed 2) and its near miss in the same colours with
    /// checks (design 207): the learned metric puts both within 0.02 of each other from the second
    /// photo of the sock; laid over it, the sock's own first photo agrees clearly better.
    @Test func twoPhotosOfOneSockAgreeBetterThanTheSockAndItsNearMiss() throws {
        let designs = DesignCatalogue.make(count: 208, seed: 2)
        let sock = designs[11], nearMiss = designs[207]
        try #require(nearMiss.nearMissOf == sock.id && nearMiss.pattern.kindName != sock.pattern.kindName)
        func item(_ design: ItemDesign, shot: Int) -> AlignableItem {
            AlignableItem(image: Photographer.photograph(design, shot: shot, seed: 2).image)
        }
        let query = item(sock, shot: 1)
        let same = PhotoAlignment(query, item(sock, shot: 0)), other = PhotoAlignment(query, item(nearMiss, shot: 0))
        #expect(same.patternCorrelation > other.patternCorrelation + 0.2, "\(same) \(other)")
        #expect(same.agreement > other.agreement + 0.2, "\(same) \(other)")
        #expect(same.overlap > 0.7)
    }

    /// A glove and its mirror image (the other hand) coincide under one of the axis flips.
    @Test func aGloveAgreesWithItsOtherHand() throws {
        let glove = try #require(DesignCatalogue.make(count: 40, seed: 5).first { $0.kind == .glove })
        let left = AlignableItem(image: Photographer.photograph(glove, shot: 0, seed: 5).image)
        let right = AlignableItem(image: Photographer.photograph(glove, shot: 1, seed: 5).image)
        let alignment = PhotoAlignment(left, right)
        #expect(alignment.overlap > 0.7 && alignment.patternCorrelation > 0.5, "\(alignment)")
    }
}
