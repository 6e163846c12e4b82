// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "SockMatcher",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "QueueKit", targets: ["QueueKit"]),
        .library(name: "Workers", targets: ["Workers"]),
        .library(name: "Producer", targets: ["Producer"]),
        .executable(name: "workers", targets: ["WorkersCommand"]),
        .executable(name: "producer", targets: ["ProducerCommand"]),
        .executable(name: "queuectl", targets: ["queuectl"]),
        .executable(name: "fleet-bench", targets: ["Bench"]),
        .executable(name: "match-bench", targets: ["MatchBench"]),
        .executable(name: "photolab", targets: ["PhotoLabCommand"]),
    ],
    targets: [
        .systemLibrary(
            name: "CHiredis",
            pkgConfig: "hiredis",
            providers: [.apt(["libhiredis-dev"])]
        ),
        .systemLibrary(
            name: "CTurboJPEG",
            pkgConfig: "libturbojpeg",
            providers: [.apt(["libturbojpeg0-dev"])]
        ),
        .systemLibrary(
            name: "CSpng",
            pkgConfig: "spng",
            providers: [.apt(["libspng-dev"])]
        ),
        .target(name: "QueueKit", dependencies: ["CHiredis"]),
        .target(name: "Imaging", dependencies: ["CTurboJPEG", "CSpng"]),
        .target(name: "PhotoLab", dependencies: ["Imaging"]),
        .target(
            name: "Workers", dependencies: ["QueueKit", "Imaging"],
            resources: [.copy("Products/vendor-catalog.json")]
        ),
        .target(name: "Producer", dependencies: ["QueueKit", "Workers", "Imaging"]),
        .target(name: "FleetCommand", dependencies: ["QueueKit"]),
        .executableTarget(name: "WorkersCommand", dependencies: ["Workers", "FleetCommand"]),
        .executableTarget(name: "ProducerCommand", dependencies: ["Producer", "Workers", "FleetCommand"]),
        .executableTarget(name: "queuectl", dependencies: ["QueueKit", "Workers", "Producer", "Imaging", "FleetCommand"]),
        .executableTarget(name: "Bench", dependencies: ["QueueKit", "FleetCommand"]),
        .executableTarget(name: "PhotoLabCommand", dependencies: ["Imaging", "PhotoLab", "Workers", "FleetCommand"]),
        .executableTarget(name: "MatchBench", dependencies: ["QueueKit", "Workers", "Imaging", "PhotoLab", "FleetCommand"]),
        .testTarget(name: "FleetTests", dependencies: ["QueueKit", "Workers", "Producer", "Imaging", "PhotoLab"]),
    ],
    swiftLanguageModes: [.v6]
)
