// swift-tools-version:6.0
import PackageDescription

/// Every Swift target is built in Swift 6 language mode with existential `any` spelled out.
let strictSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
]

let package = Package(
    name: "knooppunt",
    products: [
        .executable(name: "knooppunt", targets: ["knooppunt"]),
    ],
    targets: [
        .systemLibrary(
            name: "CSQLite",
            pkgConfig: "sqlite3",
            providers: [.apt(["libsqlite3-dev"])]
        ),
        .systemLibrary(
            name: "COpenSSL",
            pkgConfig: "openssl",
            providers: [.apt(["libssl-dev"])]
        ),
        .systemLibrary(
            name: "CCurl",
            pkgConfig: "libcurl",
            providers: [.apt(["libcurl4-openssl-dev"])]
        ),
        .systemLibrary(name: "CSystem"),
        .target(name: "Schemas", swiftSettings: strictSettings),
        .target(name: "Node", dependencies: ["Schemas", "CSQLite", "COpenSSL", "CSystem"], swiftSettings: strictSettings),
        .target(name: "Federation", dependencies: ["Schemas", "Node", "COpenSSL", "CCurl"], swiftSettings: strictSettings),
        .executableTarget(name: "knooppunt", dependencies: ["Federation"], swiftSettings: strictSettings),
        .testTarget(name: "SchemasTests", dependencies: ["Schemas"], swiftSettings: strictSettings),
        .testTarget(name: "NodeTests", dependencies: ["Node"], swiftSettings: strictSettings),
        .testTarget(
            name: "FederationTests",
            dependencies: ["Federation"],
            exclude: ["Servers"],
            swiftSettings: strictSettings
        ),
        .testTarget(name: "KnooppuntTests", dependencies: ["knooppunt"], swiftSettings: strictSettings),
        .testTarget(
            name: "EndToEndTests",
            dependencies: ["knooppunt", "Node", "Federation"],
            exclude: ["Clients"],
            swiftSettings: strictSettings
        ),
    ],
    swiftLanguageModes: [.v6]
)
