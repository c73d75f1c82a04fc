// swift-tools-version:6.0
import PackageDescription

/// Hot modules trade bounds checks for speed in release builds only.
let hot: [SwiftSetting] = [.unsafeFlags(["-Ounchecked"], .when(configuration: .release))]

let package = Package(
    name: "Sieve",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "sieve", targets: ["sieve"]),
        .library(name: "SievePipeline", targets: ["SievePipeline"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
    ],
    targets: [
        // One system-library target per C library; exactly one Swift file imports each.
        .systemLibrary(name: "CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
        .systemLibrary(name: "CDeflate", pkgConfig: "libdeflate", providers: [.apt(["libdeflate-dev"])]),
        .systemLibrary(name: "CZstd", pkgConfig: "libzstd", providers: [.apt(["libzstd-dev"])]),
        .systemLibrary(name: "CArchive", pkgConfig: "libarchive", providers: [.apt(["libarchive-dev"])]),
        .systemLibrary(name: "CXML2", pkgConfig: "libxml-2.0", providers: [.apt(["libxml2-dev"])]),
        .systemLibrary(name: "CCurl", pkgConfig: "libcurl", providers: [.apt(["libcurl4-openssl-dev"])]),
        .systemLibrary(name: "CCrypto", pkgConfig: "libcrypto", providers: [.apt(["libssl-dev"])]),
        .systemLibrary(name: "COpenBLAS", pkgConfig: "openblas", providers: [.apt(["libopenblas-dev"])]),
        // ICU is a plain C target: Foundation carries its own ICU, and a Swift module that sees
        // both fails to build (see Sources/CICU/include/sieve_icu.h).
        .target(name: "CICU", linkerSettings: [
            .linkedLibrary("icui18n"), .linkedLibrary("icuuc"), .linkedLibrary("icudata"),
        ]),

        .target(name: "SieveCore", dependencies: ["CCrypto"], swiftSettings: hot),
        .target(name: "SieveIO", dependencies: ["SieveCore", "SieveText", "CZlib", "CDeflate", "CZstd", "CArchive", "CCurl"], swiftSettings: hot),
        .target(name: "SieveText", dependencies: ["SieveCore", "CXML2", "CICU"], swiftSettings: hot),
        .target(name: "SieveFilters", dependencies: ["SieveCore", "SieveText", "SieveIO"], swiftSettings: hot),
        // AVX2 on Linux (as SieveModel): MinHash computes 8 permutations per vector instruction.
        .target(name: "SieveDedup", dependencies: ["SieveCore", "SieveText", "SieveIO"],
                swiftSettings: hot + [.unsafeFlags(["-target-cpu", "haswell"], .when(platforms: [.linux]))]),
        .target(name: "SieveTokenizer", dependencies: ["SieveCore", "SieveIO"], swiftSettings: hot),
        // Optimised in debug builds too (a training loop at -Onone is 10-50x slower and its tests
        // would crawl), and on Linux for AVX2 + FMA (x86-64 from Haswell, 2013, on): 8-wide vectors.
        .target(name: "SieveModel", dependencies: ["SieveCore", "COpenBLAS"],
                swiftSettings: hot + [.unsafeFlags(["-target-cpu", "haswell"], .when(platforms: [.linux])), .unsafeFlags(["-O"], .when(configuration: .debug))]),
        .target(name: "SievePipeline", dependencies: [
            "SieveCore", "SieveIO", "SieveText", "SieveFilters", "SieveDedup", "SieveTokenizer", "SieveModel",
            .product(name: "Yams", package: "Yams"),
        ]),
        .target(name: "SieveCommands", dependencies: [
            "SievePipeline", "SieveModel", .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),
        .executableTarget(name: "sieve", dependencies: ["SieveCommands"]),

        .testTarget(name: "SieveCoreTests", dependencies: ["SieveCore"]),
        .target(name: "SieveTestSupport", dependencies: ["SieveCore", "SieveIO"], path: "Tests/SieveTestSupport"),
        .testTarget(name: "SieveIOTests", dependencies: ["SieveIO", "SieveTestSupport"]),
        .testTarget(name: "SieveTextTests", dependencies: ["SieveText"]),
        .testTarget(name: "SieveModelTests", dependencies: ["SieveModel"]),
        .testTarget(name: "SieveFiltersTests", dependencies: ["SieveFilters", "SieveText", "SieveIO"]),

        .testTarget(name: "SieveDedupTests", dependencies: ["SieveDedup", "SieveTestSupport"]),
        .testTarget(name: "SievePipelineTests", dependencies: ["SievePipeline", "sieve", "SieveTestSupport"]),
        .testTarget(name: "SieveTokenizerTests", dependencies: ["SieveTokenizer", "SievePipeline"]),

        .testTarget(name: "SieveExtractionTests", dependencies: ["SieveText", "SieveIO", "SievePipeline"]),
        .testTarget(name: "SieveScorerTests", dependencies: ["SieveModel", "SievePipeline", "SieveTestSupport"]),
        .testTarget(name: "SieveFuzzTests", dependencies: ["SieveIO", "SieveText", "SievePipeline", "SieveTokenizer", "sieve"]),
    ]
)

// libFuzzer targets (Fuzz/, built and run by scripts/fuzz): declared only when SIEVE_FUZZ is
// set, so `swift build` and `swift test` never build them.
if Context.environment["SIEVE_FUZZ"] != nil {
    package.targets.append(.target(name: "FuzzSupport", dependencies: ["SieveIO"], path: "Fuzz/Support"))
    for (name, module) in [("ByteSources", "SieveIO"), ("WebArchive", "SieveIO"), ("NDJSON", "SieveIO"), ("HTML", "SieveText"),
                           ("MediaWiki", "SieveIO"), ("PipelineFile", "SievePipeline"), ("TokenizerDecode", "SieveTokenizer")] {
        package.targets.append(.executableTarget(name: "Fuzz" + name, dependencies: ["FuzzSupport", .target(name: module)], path: "Fuzz/" + name))
    }
}
