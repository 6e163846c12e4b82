import FleetCommand
import Foundation
import Imaging
import PhotoLab

let usage = """
    Usage: photolab demo-set DIR [--seed N]

    Writes generated phone photos for the demo into DIR and prints one upload per line:
    USER PRODUCT FILE [NAME=VALUE ...]. The set: a pair of socks, a left and a right glove, two
    button sets, a container with its lid, a lid with no partner, and a lone sock.
    """

await runTool("photolab") {
    let arguments = try Arguments(CommandLine.arguments.dropFirst(), options: ["seed"], flags: [])
    if arguments.wantsHelp || arguments.positionals.isEmpty { return say(usage) }
    guard arguments.positionals.count == 2, arguments.positionals[0] == "demo-set" else {
        throw UsageError("usage: photolab demo-set DIR")
    }
    let directory = URL(fileURLWithPath: arguments.positionals[1])
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    let seed = UInt64(try arguments.int("seed", default: 2026))
    let designs = DesignCatalogue.make(count: 80, seed: seed, nearMissShare: 0)
    func first(_ kind: ItemKind, skipping: Int = 0) throws -> ItemDesign {
        guard let design = designs.filter({ $0.kind == kind }).dropFirst(skipping).first else {
            throw UsageError("seed \(seed) drew no \(kind) design; try another --seed")
        }
        return design
    }
    func write(_ design: ItemDesign, shot: Int, name: String) throws -> String {
        let photo = Photographer.photograph(design, shot: shot, seed: seed)
        let url = directory.appendingPathComponent("\(name).jpg")
        try Data(photo.jpeg).write(to: url)
        return url.path
    }
    let sock = try first(.sock), glove = try first(.glove), buttons = try first(.buttonSet)
    let container = try first(.container), lid = try first(.lid), loneSock = try first(.sock, skipping: 1)
    let lines = [
        "u-1001 sock \(try write(sock, shot: 0, name: "sock-a"))",
        "u-1002 sock \(try write(sock, shot: 1, name: "sock-b"))",
        "u-2001 glove \(try write(glove, shot: 0, name: "glove-left")) hand=left",
        "u-2002 glove \(try write(glove, shot: 1, name: "glove-right")) hand=right",
        "u-3001 button-set \(try write(buttons, shot: 0, name: "buttons-a")) count=4 holes=4 diameter_mm=18",
        "u-3002 button-set \(try write(buttons, shot: 1, name: "buttons-b")) count=2 holes=4 diameter_mm=18.3",
        "u-4001 container \(try write(container, shot: 0, name: "container")) shape=rectangular width_mm=120 length_mm=180",
        "u-4002 lid \(try write(lid, shot: 0, name: "lid")) shape=rectangular width_mm=121 length_mm=181",
        "u-4003 lid \(try write(lid, shot: 1, name: "lonely-lid")) shape=round diameter_mm=150",
        "u-5001 sock \(try write(loneSock, shot: 0, name: "lone-sock"))",
    ]
    for line in lines { say(line) }
}
