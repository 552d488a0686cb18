// swift-tools-version: 6.0
// Benchmarks live in their own package so their code never reaches users of the library.
import PackageDescription

let package = Package(
  name: "omics-bench",
  dependencies: [.package(path: "..")],
  targets: [
    .executableTarget(
      name: "omics-bench",
      dependencies: [
        .product(name: "OmicsIO", package: "main"),
        .product(name: "OmicsCore", package: "main"),
      ],
      path: "Sources/omics-bench")
  ],
  swiftLanguageModes: [.v5]
)
