import FleetCommand
import Foundation
import Imaging
import PhotoLab
import QueueKit
import Synchronization
import Workers

let usage = """
    Usage: match-bench [--sizes 1000,10000,100000] [--queries N] [--seed N] [--algorithm v1|...|v26]
                       [--cache DIR] [--dump FILE] [--photos DIR [--true-outlines WHERE [--true-outlines-under IOU]]]
                       [--scatter-buttons]

    Measures the matcher on generated photos (PhotoLab: each design photographed twice under
    rotation, scale, lighting, blur, noise, clutter, perspective and JPEG re-encoding). For each
    index size it files one photo of that many designs (socks, gloves, button sets) in the Redis
    index, then runs the matching worker's code on the other photo of --queries of them, and on
    --queries photos of designs that are not in the index. Prints recall (the true partner was
    matched), the false-match rate (a wrong partner, or any match for an absent design) with its
    95 % interval (300 queries of each kind cannot tell 0.5 % from 1.5 %; 1,500 narrow it to about
    ±0.35 points), and milliseconds per match. It also counts the socks and gloves that have twins
    in the index (same pattern kind and both colours within 0.25: what PhotoLab itself calls
    lookalikes, which a large catalogue cannot avoid) and gives recall on their queries apart.
    Versions that look at the photos themselves (v5, v11 to v26) get them rendered again (read from the
    files with --photos), with the item found in them again as the upload found it (the fleet
    keeps that mask beside the photo); the rendering time is printed apart. For versions that
    weigh what the best candidate has met (v8 to v26), every indexed item first looks around
    itself as its match job would have (its candidates' scores noted in its neighbours and its own
    in theirs); that survey is timed apart.

    --photos DIR measures on labelled photos of your own instead of PhotoLab's: DIR holds the
    photos (JPEG or PNG, decoded and fingerprinted as the uploads worker does) and manifest.tsv, a
    line per photo: design id, shot (0 or 1), product (sock, glove, button-set), the photo's file
    name, and its attributes (k=v,k=v, or - for none), tab-separated. Every design needs both
    shots; the last --queries designs are the absent ones, and --sizes (default: all) caps how many
    of the others are filed. ops/other-photos writes such a set, drawn independently of PhotoLab.
    --true-outlines fingerprint|photo-check|both takes each photo's item from the true outline
    beside it (NAME.mask.png, white where the item is: ops/other-photos DIR --masks) instead of
    finding it: for the fingerprint, for the mask kept for the photo check, or for both. It tells
    how much a better segmentation could give before one is written. With --true-outlines-under
    IOU, only the photos whose found outline overlaps the true one by less than IOU (intersection
    over union) take it, and their count is printed: the worth of mending gross failures apart
    from that of a finer outline.

    --scatter-buttons photographs each PhotoLab button set's buttons laid out anew for its second
    photo (the same buttons elsewhere, as another owner's set of them would lie: ItemDesign
    .laidOutAnew); otherwise both photos show the set as it was designed. Its second photos are
    cached apart (ops/other-photos --scatter-buttons does the same for a set of one's own).

    --cache DIR keeps the fingerprints of generated photos in DIR (a file per seed, shot and
    fingerprint layout) so that a second run over 100,000 designs skips the half hour or more of
    rendering and fingerprinting. They are written 2,000 at a time, so a run stopped halfway keeps
    what it computed and the next one goes on from there. Delete it after changing how
    fingerprints are computed.

    While it runs, a line on standard error now and then tells where it is (the fingerprints
    computed so far, filing, the survey, the queries matched); the figures go to standard output.

    --dump FILE writes one line per query for tuning the decision rule: index size, query item,
    whether its partner is indexed and among the scored candidates, whether the best candidate is
    the partner, d1 and d2 (-ln of the best and runner-up scores, -1 when missing), and the
    number of scored candidates (compatible ones: same holes and diameter for button sets), the
    product, and how many items waited in the spaces searched (what the rule's numbers depend on;
    counted before the query is filed, so one fewer than the matching job counts for a product
    that looks among its own space, such as socks), and dn: -ln of the best score the best
    candidate has had from another item (-1 when it has not looked around, inf when nothing came
    near), for versions that confirm by the photos (v11 to v26) the plain agreement of the best
    candidate's photo with the query's (from v25 on less what the whole item's correlation counts
    against it, as the version measures leads) and its four parts (PhotoAlignment's pattern correlation,
    overlap, chroma and lightness differences, from which ops/choose-rule --weigh-parts replays
    v21's weighing by product; -9 when a photo is missing), and partner_d: -ln of the partner's score
    whether or not the index found it (-1 for a design that is not indexed, inf when the partner
    is beyond the photo floor), which tells a partner the index lost from one the fingerprint put
    far away. For versions that confirm by the photos, three more columns describe the runner-up
    (the second-best candidate): second, 1 when it is the partner; agreement2, its photo's
    agreement with the query's (-9 when there is none, it lies beyond the confirmation's ceiling,
    or a photo is missing); and dn2, its dn. Then others describes the third to fifth
    candidates within the ceiling, each as partner:d:agreement:dn separated by commas (partner 1
    when it is the partner, agreement -9 when a photo is missing; - when there are none), and judged
    the same looks as the version judges them (by the product's weighing of the parts from v21 on,
    plainly before): the best candidate's, the runner-up's and each of the others', separated by
    commas (-9 where there is no look). The last, best, names the best candidate's item (- when
    there is none). A first line, starting with #, names the columns.

    \(FleetEnvironment.help)
    """

struct Query { let item: Item; let partner: String? }

func product(for design: ItemDesign, shot: Int = 0) -> (String, [String: String])? {
    switch design.kind {
    case .sock: return ("sock", [:])
    case .glove: return ("glove", ["hand": shot == 0 ? "left" : "right"])  // shot 1 is the mirrored hand
    case .buttonSet:
        // What the owner states, measured with a ruler: the diameter within ±1.2 % of the truth.
        guard let facts = design.shape.buttonFacts else { return nil }
        let error = 1 + 0.012 * (Double((design.id &* 7919 &+ shot &* 104_729) % 201) / 100 - 1)
        return ("button-set", ["count": "\(facts.count)", "holes": "\(facts.holes)", "diameter_mm": String(format: "%.1f", facts.diameterMM * error)])
    default: return nil
    }
}

struct WriteError: Error, CustomStringConvertible {
    let path: String
    var description: String { "cannot write \(path) (does its directory exist?)" }
}

/// The benchmark's photos, rendered again when the matcher asks for one (`RenderedPhotos.key`
/// names a design and shot): the same pixels the fingerprints were computed from, with the item
/// found in them again (the mask the fleet's upload keeps beside the photo).
/// Rendering and finding the item are the benchmark's own cost (the fleet reads and decodes a JPEG
/// and reads its mask instead), so they are timed and reported apart.
struct RenderedPhotos: PhotoSource {
    /// The designs of each shot by id (a button set laid out anew for its second photo, with
    /// --scatter-buttons).
    let designs: [[Int: ItemDesign]]
    let seed: UInt64
    let spent = Spent()

    final class Spent: Sendable {
        let value = Mutex<(photos: Int, seconds: Double)>((0, 0))
    }

    static func key(_ design: ItemDesign, shot: Int) -> String { "\(design.id)/\(shot)" }

    func photo(of item: Item) -> ItemPhoto? {
        guard let parts = item.photo?.split(separator: "/").compactMap({ Int($0) }), parts.count == 2,
              designs.indices.contains(parts[1]), let design = designs[parts[1]][parts[0]] else { return nil }
        let started = ContinuousClock.now
        let image = Photographer.photograph(design, shot: parts[1], seed: seed).image
        let mask = ObjectSegmentation.mask(of: image)
        let seconds = (ContinuousClock.now - started).timeInterval
        spent.value.withLock { $0.photos += 1; $0.seconds += seconds }
        return ItemPhoto(image: image, mask: mask)
    }
}

/// The labelled photos the benchmark measures on: designs in order, each photographed twice.
struct PhotoSet {
    /// Design ids whose product the matcher takes (socks, gloves, button sets), in order.
    let designs: [Int]
    /// The items of the designs' photo `shot`, with ids `prefix` + design id.
    let items: (_ designs: [Int], _ shot: Int, _ prefix: String) throws -> [Item]
    /// Where the matcher reads a photo (versions that look at the photos themselves).
    let photos: any PhotoSource
    /// What rendering photos again and finding their items cost (PhotoLab's; a directory's photos
    /// are read from files, their masks found when the directory is read).
    let rendering: RenderedPhotos.Spent?
    /// The socks and gloves among some designs that have twins, how many each (PhotoLab's own
    /// test for lookalikes), and how many socks and gloves there are; nil when the set cannot tell.
    let twins: (_ designs: [Int]) -> (twins: [Int: Int], textiles: Int)?

    /// PhotoLab's first `count` designs of `seed`; with `scattering`, each button set's buttons laid
    /// out anew for its second photo.
    static func photoLab(count: Int, seed: UInt64, caches: [FingerprintCache], scattering: Bool) -> PhotoSet {
        let all = DesignCatalogue.make(count: count, seed: seed).filter { product(for: $0) != nil }
        let byID = Dictionary(uniqueKeysWithValues: all.map { ($0.id, $0) })
        let second = !scattering ? byID : byID.mapValues { $0.laidOutAnew(seed: seed &* 1_000_003 &+ UInt64($0.id)) ?? $0 }
        let byShot = [byID, second]
        let rendered = RenderedPhotos(designs: byShot, seed: seed)
        return PhotoSet(
            designs: all.map(\.id),
            items: { ids, shot, prefix in try photographedItems(ids.map { byShot[shot][$0]! }, shot: shot, prefix: prefix, cache: caches[shot]) },
            photos: rendered, rendering: rendered.spent,
            twins: { ids in
                let designs = ids.map { byID[$0]! }
                return (DesignCatalogue.textileTwins(in: designs), designs.filter { $0.kind == .sock || $0.kind == .glove }.count)
            })
    }
}

/// Labelled photos of one's own (`--photos DIR`): manifest.tsv and the photo files it names, each
/// decoded and fingerprinted as the uploads worker does, once, when the directory is read (with
/// the mask of the item in it, which the upload keeps beside the photo).
struct PhotoDirectory: PhotoSource {
    typealias Entry = PhotoManifest.Entry

    let directory: URL
    /// Both shots of each design, by design id.
    let entries: [Int: [Entry]]
    let fingerprints: [String: Fingerprint]
    let masks: [String: ObjectSegmentation.Mask]

    init(_ path: String, products: ProductCatalog, outlines: PhotoManifest.Outlines, overlapUnder: Float?) throws {
        let manifest: PhotoManifest
        do { manifest = try PhotoManifest(directory: path, products: products.names) } catch { throw UsageError("\(error) (--photos DIR)") }
        directory = manifest.directory
        let entries = Dictionary(grouping: manifest.entries, by: \.design)
        self.entries = entries
        let started = ContinuousClock.now
        let measured: [String: PhotoManifest.MeasuredPhoto]
        do { measured = try manifest.measuringEveryPhoto(outlines: outlines, overlapUnder: overlapUnder) } catch { throw UsageError("\(error)") }
        fingerprints = measured.mapValues(\.fingerprint)
        masks = measured.mapValues(\.mask)
        say(String(format: "read and fingerprinted %d photos of %d designs in %@ in %.1f s", manifest.entries.count, entries.count, path,
                   (ContinuousClock.now - started).timeInterval))
        if let overlapUnder {
            say(String(format: "true outlines (%@) for the %d photos whose found outline overlaps the true one under %.2f", outlines.rawValue,
                       measured.values.filter(\.toldOutline).count, overlapUnder))
        }
    }

    func photo(of item: Item) -> ItemPhoto? {
        guard let file = item.photo, let bytes = try? Data(contentsOf: directory.appendingPathComponent(file)),
              let image = try? ImageDecoder.decode(bytes, reducedFor: Fingerprint.workingLongSide) else { return nil }
        return ItemPhoto(image: image, mask: masks[file])
    }

    var set: PhotoSet {
        PhotoSet(
            designs: entries.keys.sorted(),
            items: { ids, shot, prefix in
                ids.compactMap { id in
                    guard let entry = entries[id]?.first(where: { $0.shot == shot }) else { return nil }
                    return Item(id: "\(prefix)\(id)", user: "\(prefix)user\(id)", product: entry.product, attributes: ItemAttributes(entry.attributes),
                                fingerprint: fingerprints[entry.file], createdAt: id, photo: entry.file)
                }
            },
            photos: self, rendering: nil, twins: { _ in nil })
    }
}

/// Where a long run is, on standard error (the figures go to standard output).
func progress(_ line: String) { printError("match-bench: \(line)") }

/// One item per design with a matching product, fingerprinted from the design's photo `shot`.
func photographedItems(_ designs: [ItemDesign], shot: Int, prefix: String, cache: FingerprintCache) throws -> [Item] {
    let started = ContinuousClock.now
    let fingerprints = try cache.fingerprints(designs.filter { product(for: $0, shot: shot) != nil }) { done, missing in
        let seconds = (ContinuousClock.now - started).timeInterval
        let left = done < missing ? String(format: ", about %.0f s to go", seconds / Double(done) * Double(missing - done)) : ""
        progress(String(format: "photo %d of each design: fingerprinted %d of the %d not in the cache in %.0f s%@", shot, done, missing, seconds, left))
    }
    return designs.compactMap { design in
        guard let (name, attributes) = product(for: design, shot: shot) else { return nil }
        return Item(id: "\(prefix)\(design.id)", user: "\(prefix)user\(design.id)", product: name,
                    attributes: ItemAttributes(attributes), fingerprint: fingerprints[design.id], createdAt: design.id,
                    photo: RenderedPhotos.key(design, shot: shot))
    }
}

await runTool("match-bench") {
    let arguments = try Arguments(CommandLine.arguments.dropFirst(), options: FleetEnvironment.options.union(["sizes", "queries", "seed", "algorithm", "cache", "dump", "photos", "true-outlines", "true-outlines-under"]), flags: ["scatter-buttons"])
    if arguments.wantsHelp { return say(usage) }
    let environment = try FleetEnvironment(arguments, tool: "match-bench")
    let outlines = try arguments.value("true-outlines").map { name in
        guard let outlines = PhotoManifest.Outlines(rawValue: name), outlines != .found else {
            throw UsageError("--true-outlines must be fingerprint, photo-check or both, not '\(name)'")
        }
        guard arguments.value("photos") != nil else { throw UsageError("--true-outlines needs --photos DIR with NAME.mask.png beside every photo") }
        return outlines
    } ?? .found
    let overlapUnder = try arguments.value("true-outlines-under").map { text in
        guard let limit = Float(text), limit > 0, limit <= 1 else { throw UsageError("--true-outlines-under must be an overlap above 0 and at most 1, not '\(text)'") }
        guard outlines != .found else { throw UsageError("--true-outlines-under needs --true-outlines WHERE: it says which photos take the true outline") }
        return limit
    }
    let scattering = arguments.flag("scatter-buttons")
    if scattering && arguments.value("photos") != nil {
        throw UsageError("--scatter-buttons lays out PhotoLab's button sets anew; for --photos DIR, write the set with ops/other-photos DIR --scatter-buttons")
    }
    let directory = try arguments.value("photos").map { try PhotoDirectory($0, products: ProductCatalog.standard, outlines: outlines, overlapUnder: overlapUnder) }
    let sizes = (arguments.value("sizes") ?? (directory == nil ? "1000,10000,100000" : "\(Int.max)")).split(separator: ",").compactMap { Int($0) }
    let queryCount = try arguments.int("queries", default: 300, range: 10...100_000)
    let seed = UInt64(try arguments.int("seed", default: 1))
    let algorithm = arguments.value("algorithm") ?? MatchingRole.defaultAlgorithm
    guard let rule = MatchingRole.rules[algorithm] else {
        throw UsageError("--algorithm must be one of \(MatchingRole.rules.keys.sorted().joined(separator: ", ")), not '\(algorithm)'")
    }
    if let directory = arguments.value("cache") {
        // Before the minutes of fingerprinting, not after them.
        do { try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true) }
        catch { throw WriteError(path: directory) }
    }
    // Versions that confirm by the photos (v11 to v26): the dump also has the best candidate's agreement.
    let confirmation = rule.confirmation
    let confirming = confirmation != nil
    let dump = try arguments.value("dump").map { path in
        guard FileManager.default.createFile(atPath: path, contents: nil), let handle = FileHandle(forWritingAtPath: path) else {
            throw WriteError(path: path)
        }
        // Names the columns, so that ops/choose-rule reads dumps of every version.
        try handle.write(contentsOf: Data("# size query present found top d1 d2 scored product waiting dn\(confirming ? " agreement correlation overlap chroma light" : "") partner_d\(confirming ? " second agreement2 dn2 others judged" : "") best\n".utf8))
        return handle
    }
    let client = RedisClient(environment.redis)
    try await client.connect()
    let products = ProductCatalog.standard
    let caches = (0..<2).map { FingerprintCache(directory: arguments.value("cache"), seed: seed, shot: $0, variant: scattering && $0 == 1 ? "scattered" : nil) }

    for size in sizes {
        let keyspace = Keyspace(prefix: "match-bench-\(getpid())-\(size)")
        let store = MatchStore(client: client, keyspace: keyspace)
        let flags = FeatureFlags(client: client, keyspace: keyspace)
        try await flags.set(MatchingRole.algorithmFlag, FlagRollout(variant: algorithm, fallback: algorithm, percent: 100))
        // Designs: `size` indexed, plus `queryCount` that are never indexed (their queries must not match).
        let set = directory?.set ?? .photoLab(count: size + queryCount, seed: seed, caches: caches, scattering: scattering)
        let all = set.designs
        let role = MatchingRole(products: products, store: store, flags: flags, vendors: VendorCatalog(entries: []), photos: set.photos)
        // About two thirds of the designs are socks, gloves or button sets; the queries' absent designs
        // come off the end, and what is left must still make an index.
        guard all.count - queryCount >= queryCount else {
            throw UsageError("\(directory == nil ? "--sizes \(size)" : "--photos with \(all.count) designs") with --queries \(queryCount) leaves \(max(0, all.count - queryCount)) photo designs to index, fewer than the queries; use a larger size or fewer queries")
        }
        let indexed = Array(all.prefix(min(size, all.count - queryCount)))
        let absent = Array(all.suffix(queryCount))
        var started = ContinuousClock.now
        let indexItems = try set.items(indexed, 0, "i")
        let indexByID = dump == nil ? [:] : Dictionary(uniqueKeysWithValues: indexItems.map { ($0.id, $0) })
        let fingerprinting = ContinuousClock.now - started
        started = ContinuousClock.now
        progress("filing \(indexItems.count) items in the index")
        for item in indexItems {
            try await store.store(item)
            _ = try await store.file(item.id, filing: products[item.product]!.filing(of: item))
        }
        let filing = ContinuousClock.now - started
        started = ContinuousClock.now
        if MatchingRole.rules[algorithm]?.neighbours != nil {
            progress("index of \(indexItems.count) items: each one looking around itself (the survey)")
            _ = try await role.survey()
        }
        let survey = ContinuousClock.now - started
        let memory = (try await client.send("INFO", "memory").string ?? "").split(whereSeparator: \.isNewline)
            .first { $0.hasPrefix("used_memory:") }.flatMap { Double($0.dropFirst("used_memory:".count)) } ?? 0
        let step = max(1, indexed.count / queryCount)
        let present = stride(from: 0, to: indexed.count, by: step).prefix(queryCount).map { indexed[$0] }
        var queries = try set.items(present, 1, "q").map { Query(item: $0, partner: "i" + $0.id.dropFirst()) }
        queries += try set.items(absent, 1, "q").map { Query(item: $0, partner: nil) }

        _ = try await client.send("CONFIG", "RESETSTAT")
        var found = 0, wrong = 0, falseOnAbsent = 0, presentCount = 0
        let lookalikes = set.twins(indexed)
        let twins = lookalikes?.twins ?? [:]
        var twinQueries = 0, twinFound = 0
        var perProduct: [String: (found: Int, total: Int)] = [:]
        var elapsed: [Double] = [], lookups: [Double] = [], candidateCounts = 0
        let matching = ContinuousClock.now
        for (number, query) in queries.enumerated() {
            if number > 0 && number % 100 == 0 {
                progress(String(format: "index of %d items: %d of %d queries matched in %.0f s", indexItems.count, number, queries.count, (ContinuousClock.now - matching).timeInterval))
            }
            try await store.store(query.item)
            let context = JobContext.forTesting(id: JobID(query.item.id))
            // The index lookup and candidate fetch alone, timed apart (the match below repeats it).
            let filingOfQuery = products[query.item.product]!.filing(of: query.item)
            let lookupStart = ContinuousClock.now
            let search = try await store.candidates(for: filingOfQuery, excludingUser: query.item.user, excludingItem: query.item.id,
                                                    limit: rule.candidates, shallowestPrefix: rule.shallowestPrefix)
            let candidates = search.items
            lookups.append((ContinuousClock.now - lookupStart).timeInterval * 1000)
            candidateCounts += candidates.count
            if let dump {
                let product = products[query.item.product]!
                let photos = MatchingRole.photoComparison(for: algorithm, query: query.item)
                let scores = candidates.compactMap { c in product.compatibility(of: query.item, with: c, photos: photos).map { (c.id, $0) } }.sorted { $0.1 > $1.1 }
                func d(_ k: Int) -> String { scores.count > k ? String(format: "%.4f", -log(scores[k].1)) : "-1" }
                let partnerFound = query.partner.map { p in scores.contains { $0.0 == p } } ?? false
                func neighbourDistance(_ k: Int) -> String {
                    guard scores.count > k else { return "-1" }
                    let neighbour = candidates.first { $0.id == scores[k].0 }?.neighbours?.best(excluding: query.item.id)
                    return neighbour.map { $0 > 0 ? String(format: "%.4f", -log($0)) : "inf" } ?? "-1"
                }
                let dn = neighbourDistance(0)
                // For versions that confirm by the photos: how well the best candidate's agrees with the query's.
                var agreement = "", runnerUp = ""
                if let confirmation {
                    // The dump's own renders are not the match's: the rendering time is put back as it was.
                    let rendered = set.rendering?.value.withLock { $0 }
                    defer { if let rendered { set.rendering?.value.withLock { $0 = rendered } } }
                    var looked: [Int: PhotoAlignment?] = [:]
                    func look(_ k: Int) -> PhotoAlignment? {
                        if let known = looked[k] { return known }
                        guard scores.count > k, let candidate = candidates.first(where: { $0.id == scores[k].0 }),
                              let own = set.photos.photo(of: query.item), let theirs = set.photos.photo(of: candidate) else { return nil }
                        let alignment = PhotoAlignment(AlignableItem(image: own.image, mask: own.mask, detail: confirmation.detail),
                                                       AlignableItem(image: theirs.image, mask: theirs.mask, detail: confirmation.detail),
                                                       search: confirmation.search, loosePieces: confirmation.loosePieces(for: product))
                        looked[k] = alignment
                        return alignment
                    }
                    // Every look as the version counts it, plainly and judged (v21's weighing is the
                    // product's; v25 and v26 count the whole item's correlation in both).
                    let judging = confirmation.judging(product)
                    func plain(_ k: Int) -> String? { look(k).map { String(format: "%.4f", judging.look($0).plain) } }
                    agreement = look(0).map {
                        " \(plain(0)!)" + String(format: " %.4f %.4f %.4f %.4f", $0.patternCorrelation, $0.overlap, $0.chromaDifference, $0.lightDifference)
                    } ?? " -9 -9 -9 -9 -9"
                    // The runner-up is looked at only within the confirmation's ceiling, as a match would.
                    let ceiling = confirmation.ceiling
                    let secondWithin = scores.count > 1 && -log(scores[1].1) < ceiling
                    let second = secondWithin ? plain(1) : nil
                    runnerUp = " \(scores.count > 1 && scores[1].0 == query.partner ? 1 : 0) \(second ?? "-9") \(neighbourDistance(1))"
                    // The third to fifth candidates within the ceiling, each as partner:d:agreement:dn.
                    let within = (2..<max(2, min(5, scores.count))).filter { -log(scores[$0].1) < ceiling }
                    let others = within.map { k in
                        "\(scores[k].0 == query.partner ? 1 : 0):\(d(k)):\(plain(k) ?? "-9"):\(neighbourDistance(k))"
                    }
                    runnerUp += " \(others.isEmpty ? "-" : others.joined(separator: ","))"
                    // The same looks as the version judges them (the product's weighing of the parts, v21 on).
                    func judged(_ k: Int) -> String { look(k).map { String(format: "%.4f", judging.look($0).judged) } ?? "-9" }
                    runnerUp += " " + ([judged(0), secondWithin ? judged(1) : "-9"] + within.map(judged)).joined(separator: ",")
                }
                // How far the partner is, whether or not the index found it: a miss by the index and a miss
                // by the fingerprint look alike in the other columns.
                let partnerDistance = query.partner.map { id in
                    indexByID[id].flatMap { product.compatibility(of: query.item, with: $0, photos: photos) }.map { String(format: "%.4f", -log($0)) } ?? "inf"
                } ?? "-1"
                try dump.write(contentsOf: Data("\(indexItems.count) \(query.item.id) \(query.partner == nil ? 0 : 1) \(partnerFound ? 1 : 0) \(scores.first?.0 == query.partner ? 1 : 0) \(d(0)) \(d(1)) \(scores.count) \(query.item.product) \(search.waiting ?? -1) \(dn)\(agreement) \(partnerDistance)\(runnerUp) \(scores.first?.0 ?? "-")\n".utf8))
            }
            let clock = ContinuousClock.now
            let outcome = try await role.handle(DomainJobs.Match(item: query.item.id), context: context)
            elapsed.append((ContinuousClock.now - clock).timeInterval * 1000)
            var partner: String?
            if case .matched(let id) = outcome, let match = try await store.match(id) {
                partner = match.itemA == query.item.id ? match.itemB : match.itemA
            }
            if let expected = query.partner {
                presentCount += 1
                perProduct[query.item.product, default: (0, 0)].total += 1
                let isTwin = Int(expected.dropFirst()).flatMap { twins[$0] } != nil
                if isTwin { twinQueries += 1 }
                if partner == expected {
                    found += 1
                    if isTwin { twinFound += 1 }
                    perProduct[query.item.product, default: (0, 0)].found += 1
                } else if partner != nil { wrong += 1 }
            } else if partner != nil {
                falseOnAbsent += 1
            }
        }
        elapsed.sort()
        let mean = elapsed.reduce(0, +) / Double(max(1, elapsed.count))
        let falseRate = Double(wrong + falseOnAbsent) / Double(max(1, queries.count))
        say(String(format: "algorithm %@, index %6d items: recall %.3f (%d/%d), false matches %.2f %% (%d wrong partner, %d for absent designs of %d), match %.2f ms mean, %.2f ms p50, %.2f ms p99",
                   algorithm, indexItems.count, Double(found) / Double(max(1, presentCount)), found, presentCount, falseRate * 100, wrong, falseOnAbsent,
                   queries.count - presentCount, mean, elapsed[elapsed.count / 2], elapsed[min(elapsed.count - 1, elapsed.count * 99 / 100)]))
        let (low, high) = wilsonInterval(wrong + falseOnAbsent, of: queries.count)
        say(String(format: "   false matches, 95 %% interval: %.2f-%.2f %% (%d of %d queries; more queries narrow it)",
                   low * 100, high * 100, wrong + falseOnAbsent, queries.count))
        if let rendering = set.rendering?.value.withLock({ $0 }), rendering.photos > 0 {
            say(String(format: "   the match time includes rendering %d photos for the photo check and finding the item in them (%.2f ms per match; the fleet reads and decodes the JPEG and reads the mask its upload kept instead): %.2f ms per match without it",
                       rendering.photos, rendering.seconds * 1000 / Double(max(1, queries.count)), mean - rendering.seconds * 1000 / Double(max(1, queries.count))))
        }
        say(String(format: "   index lookup with candidate fetch %.2f ms mean (timed apart, before the job files the query), %.1f candidates fetched per query",
                   lookups.reduce(0, +) / Double(max(1, lookups.count)), Double(candidateCounts) / Double(max(1, queries.count))))
        // Where Redis spent its time per query (commands inside scripts are counted too; the lookup timed
        // apart is counted with the match's own).
        let stats = (try await client.send("INFO", "commandstats").string ?? "").split(whereSeparator: \.isNewline).compactMap { line -> String? in
            let fields = line.split(separator: ":", maxSplits: 1)
            guard fields.count == 2, let usec = fields[1].split(separator: ",").first(where: { $0.hasPrefix("usec=") }) else { return nil }
            let micros = (Double(usec.dropFirst(5)) ?? 0) / Double(max(1, queries.count))
            return micros >= 20 ? String(format: "%@ %.0f µs", String(fields[0].dropFirst("cmdstat_".count)), micros) : nil
        }
        say("   Redis time per query (with the lookup timed apart): " + stats.joined(separator: ", "))
        // From about a thousand designs on, the generator runs out of colour pairs: the partner then has
        // lookalikes in the index that differ from it only in pattern geometry and shape.
        if let (twins, textiles) = lookalikes {
            say(String(format: "   socks and gloves with twins in the index (same pattern kind, both colours within 0.25, the generator's own test for lookalikes): %d of %d, %.1f twins each on average; recall on the %d queries of them %.3f, on the other %d %.3f",
                       twins.count, textiles, Double(twins.values.reduce(0, +)) / Double(max(1, twins.count)), twinQueries,
                       Double(twinFound) / Double(max(1, twinQueries)), presentCount - twinQueries, Double(found - twinFound) / Double(max(1, presentCount - twinQueries))))
        }
        say("   recall by product: " + perProduct.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value.found)/\($0.value.total)" }.joined(separator: ", "))
        say(String(format: "   (fingerprinting %.1f s on %d cores, filing %.1f s, survey of the indexed items %.1f s; Redis memory with the index filed and surveyed %.0f MB)",
                   fingerprinting.timeInterval, ProcessInfo.processInfo.activeProcessorCount, filing.timeInterval, survey.timeInterval, memory / 1e6))
        // Leave the private Redis as we found it.
        _ = try await client.withConnection { try $0.deleteKeys(matching: keyspace.prefix + ":*") }
    }
}

/// The Wilson score interval (95 %) of a rate of `k` events in `n` trials: how far a measured false-match
/// rate may be from the true one, since a few queries more or less move it.
func wilsonInterval(_ k: Int, of n: Int) -> (low: Double, high: Double) {
    guard n > 0 else { return (0, 1) }
    let z = 1.96, p = Double(k) / Double(n), nn = Double(n)
    let centre = (p + z * z / (2 * nn)) / (1 + z * z / nn)
    let half = z * (p * (1 - p) / nn + z * z / (4 * nn * nn)).squareRoot() / (1 + z * z / nn)
    return (max(0, centre - half), min(1, centre + half))
}
