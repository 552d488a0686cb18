// swift-tools-version: 6.0
import PackageDescription

let package = Package(
  name: "omics",
  products: [
    .library(name: "OmicsCore", targets: ["OmicsCore"]),
    .library(name: "OmicsIO", targets: ["OmicsIO"]),
    .library(name: "OmicsPreprocessing", targets: ["OmicsPreprocessing"]),
    .library(name: "OmicsEnrichment", targets: ["OmicsEnrichment"]),
    .library(name: "OmicsNN", targets: ["OmicsNN"]),
    .library(name: "OmicsTransfer", targets: ["OmicsTransfer"]),
    .executable(name: "omics", targets: ["omics"]),
  ],
  dependencies: [
    .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    .package(url: "https://github.com/apple/swift-collections", from: "1.1.0"),
  ],
  targets: [
    .systemLibrary(
      name: "CHDF5", pkgConfig: "hdf5", providers: [.apt(["libhdf5-dev"])]),
    .systemLibrary(
      name: "COpenBLAS", pkgConfig: "openblas", providers: [.apt(["libopenblas-dev"])]),
    .systemLibrary(
      name: "CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
    .target(
      name: "OmicsCore",
      dependencies: [.product(name: "OrderedCollections", package: "swift-collections")]),
    .target(
      name: "OmicsIO",
      dependencies: [
        "OmicsCore", "CHDF5", "CZlib",
        .product(name: "OrderedCollections", package: "swift-collections"),
      ]),
    .target(
      name: "OmicsPreprocessing",
      dependencies: [
        "OmicsCore", "OmicsIO", "COpenBLAS",
        .product(name: "OrderedCollections", package: "swift-collections"),
      ]),
    .target(
      name: "OmicsEnrichment",
      dependencies: [
        "OmicsCore", "OmicsIO", "COpenBLAS",
        .product(name: "OrderedCollections", package: "swift-collections"),
      ]),
    .target(
      name: "OmicsNN",
      dependencies: ["OmicsCore", "OmicsIO", "COpenBLAS"],
      // Generic layers must be specialised for Float in the modules that use them (OmicsTransfer):
      // without this, release builds run them through generic witnesses, ~5x slower (Docs/adapt.md).
      // `-fno-math-errno` for the C shim behind Float/Double.squareRoot(): with errno semantics each
      // square root is sqrtss plus a sqrtf fallback call, which blocks vectorisation (SIMD8's
      // squareRoot() went lane by lane; Adam was 14-22 % of an R1-cyto profile). Same bits: sqrtps
      // is exact-rounded like sqrtss.
      swiftSettings: [
        .unsafeFlags(["-cross-module-optimization"], .when(configuration: .release)),
        .unsafeFlags(["-Xcc", "-fno-math-errno"]),
      ]),
    .target(
      name: "OmicsTransfer",
      dependencies: ["OmicsCore", "OmicsIO", "OmicsPreprocessing", "OmicsEnrichment", "OmicsNN"]),
    .executableTarget(
      name: "omics",
      dependencies: [
        "OmicsCore", "OmicsIO", "OmicsPreprocessing", "OmicsEnrichment", "OmicsNN", "OmicsTransfer",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ]),
    .target(
      name: "OmicsTestSupport",
      dependencies: ["OmicsCore", "OmicsIO"]),
    .testTarget(name: "OmicsCoreTests", dependencies: ["OmicsCore", "OmicsTestSupport", "COpenBLAS"]),
    .testTarget(name: "OmicsIOTests", dependencies: ["OmicsIO", "OmicsCore", "OmicsTestSupport"]),
    .testTarget(name: "OmicsCLITests", dependencies: ["OmicsTestSupport", "OmicsIO", "OmicsCore", "OmicsTransfer"]),
    .testTarget(
      name: "OmicsPreprocessingTests", dependencies: ["OmicsPreprocessing", "OmicsIO", "OmicsCore", "OmicsTestSupport"]),
    .testTarget(
      name: "OmicsEnrichmentTests", dependencies: ["OmicsEnrichment", "OmicsIO", "OmicsCore", "OmicsTestSupport"]),
    .testTarget(
      name: "OmicsNNTests", dependencies: ["OmicsNN", "OmicsIO", "OmicsCore", "OmicsTestSupport"]),
    .testTarget(
      name: "OmicsTransferTests",
      dependencies: [
        "OmicsTransfer", "OmicsNN", "OmicsPreprocessing", "OmicsIO", "OmicsCore", "OmicsTestSupport",
      ]),
  ],
  swiftLanguageModes: [.v5]
)
