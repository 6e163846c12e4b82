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
    ],
    targets: [
        .systemLibrary(
            name: "CHiredis",
            pkgConfig: "hiredis",
            providers: [.apt(["libhiredis-dev"])]
        ),
        .target(name: "QueueKit", dependencies: ["CHiredis"]),
        .target(name: "Workers", dependencies: ["QueueKit"]),
        .target(name: "Producer", dependencies: ["QueueKit"]),
        .target(name: "FleetCommand", dependencies: ["QueueKit"]),
        .executableTarget(name: "WorkersCommand", dependencies: ["Workers", "FleetCommand"]),
        .executableTarget(name: "ProducerCommand", dependencies: ["Producer", "FleetCommand"]),
        .executableTarget(name: "queuectl", dependencies: ["QueueKit", "FleetCommand"]),
        .executableTarget(name: "Bench", dependencies: ["QueueKit", "FleetCommand"]),
        .testTarget(name: "QueueKitTests", dependencies: ["QueueKit", "Workers", "Producer"]),
    ],
    swiftLanguageModes: [.v6]
)
