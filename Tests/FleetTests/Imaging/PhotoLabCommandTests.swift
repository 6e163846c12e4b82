import Foundation
import PhotoLab
import Testing

/// `photolab compare`, the engineer's answer to "why do these two photos not match", as a person runs it.
@Suite struct PhotoLabCommandTests {
    @Test func compareMeasuresTwoPhotosAndRefusesBadInputInOneLine() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("photolab-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let set = try await ToolProcess("photolab", ["demo-set", directory.path]).finish(timeout: .seconds(120))
        #expect(set.status == 0, "\(set.stderr)")
        // The two button sets are one design photographed twice: both owners state its count and
        // holes, which a set must share with its partner from v19 on.
        let buttonSets = set.stdout.split(separator: "\n").filter { $0.contains(" button-set ") }
        func stated(_ line: Substring) -> [Substring] { line.split(separator: " ").filter { $0.hasPrefix("count=") || $0.hasPrefix("holes=") } }
        #expect(buttonSets.count == 2 && stated(buttonSets[0]).count == 2 && stated(buttonSets[0]) == stated(buttonSets[1]), "\(buttonSets)")
        let sockA = directory.appendingPathComponent("sock-a.jpg").path, sockB = directory.appendingPathComponent("sock-b.jpg").path
        let lone = directory.appendingPathComponent("lone-sock.jpg").path
        func distance(_ a: String, _ b: String, write: String? = nil) async throws -> Double {
            let run = try await ToolProcess("photolab", ["compare", a, b] + (write.map { ["--write", $0] } ?? [])).finish(timeout: .seconds(120))
            #expect(run.status == 0, "\(run.stderr)")
            let line = try #require(run.stdout.split(separator: "\n").first { $0.hasPrefix("learned distance d ") })
            return try #require(Double(line.dropFirst("learned distance d ".count).prefix { $0 != " " }))
        }
        let picture = directory.appendingPathComponent("pair.png").path
        let same = try await distance(sockA, sockA), pair = try await distance(sockA, sockB, write: picture), strangers = try await distance(sockA, lone)
        #expect(same == 0)
        #expect(pair < strangers, "two photos of one sock (\(pair)) are closer than two different socks (\(strangers))")
        #expect(FileManager.default.contents(atPath: picture)?.starts(with: [0x89, 0x50, 0x4E, 0x47]) == true)

        let missing = try await ToolProcess("photolab", ["compare", sockA, directory.appendingPathComponent("none.jpg").path]).finish()
        #expect(missing.status != 0)
        #expect(missing.stderr.split(separator: "\n").count == 1 && missing.stderr.contains("cannot read"))
        let text = directory.appendingPathComponent("note.txt")
        try Data("not a photo".utf8).write(to: text)
        let notPhoto = try await ToolProcess("photolab", ["compare", text.path, sockA]).finish()
        #expect(notPhoto.status != 0)
        #expect(notPhoto.stderr.split(separator: "\n").count == 1 && notPhoto.stderr.contains("not a recognised image"))
        // Measuring the first mask alone is a segmentation diagnostic: elsewhere the flag is refused, not ignored.
        let firstMask = try await ToolProcess("photolab", ["compare", sockA, sockB, "--first-mask"]).finish()
        #expect(firstMask.status != 0)
        #expect(firstMask.stderr.split(separator: "\n").count == 1 && firstMask.stderr.contains("--first-mask applies to"))
    }

    /// `photolab train-metric` reads the labelled photo sets it is given before it spends minutes
    /// on PhotoLab's photos, and refuses one it cannot read in one line.
    @Test func trainingRefusesAPhotoSetItCannotReadAtOnce() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("photolab-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let out = directory.appendingPathComponent("metric.swift").path
        for option in ["--photos", "--check-photos"] {
            let run = try await ToolProcess("photolab", ["train-metric", "--out", out, option, directory.path]).finish(timeout: .seconds(60))
            #expect(run.status != 0)
            #expect(run.stderr.split(separator: "\n").count == 1 && run.stderr.contains("manifest.tsv"), "\(run.stderr)")
            #expect(!FileManager.default.fileExists(atPath: out))
        }
    }

    /// `photolab variation-cost` holds one aspect of the shots steady and must leave the rest of each
    /// photo as match-bench draws it, or its comparison would measure something else.
    @Test func holdingAnAspectSteadyLeavesTheRestOfTheShotAlone() {
        var tilted = 0
        for seed in 0..<50 as Range<UInt64> {
            var a = SeededRandom(seed: seed), b = SeededRandom(seed: seed)
            let drawn = ShotVariation.random(&a), steady = ShotVariation.random(&b, steady: [.tilt, .tint])
            if drawn.tiltX != 0 { tilted += 1 }
            #expect(steady.tiltX == ShotVariation.neutral.tiltX && steady.tiltY == ShotVariation.neutral.tiltY)
            #expect(steady.tint == ShotVariation.neutral.tint)
            #expect(steady.rotation == drawn.rotation && steady.scale == drawn.scale && steady.gain == drawn.gain
                    && steady.blur == drawn.blur && steady.jpegQuality == drawn.jpegQuality && steady.width == drawn.width)
            // The random stream goes on where it would have.
            #expect(a.next() == b.next())
        }
        #expect(tilted > 40)
    }
}
