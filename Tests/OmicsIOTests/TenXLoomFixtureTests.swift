import Foundation
import OmicsCore
import OmicsIO
import OmicsTestSupport
import Testing

/// 10x HDF5 and loom fixtures read as scanpy / anndata read them.
@Suite struct TenXLoomFixtureTests {
  func compare(_ m: ExpressionMatrix, _ manifestPath: String, uniqueVarNames: Bool = false, dropping keys: [String] = [])
    throws -> [String]
  {
    var manifest = try ManifestComparison.load(manifestPath)
    for k in keys { manifest.removeValue(forKey: k) }
    var comparison = ManifestComparison(uniqueVarNames: uniqueVarNames)
    comparison.compare(m, manifest)
    return comparison.differences
  }

  @Test(arguments: ["v3_filtered_feature_bc_matrix.h5", "v2_one_genome.h5"])
  func cellRangerHDF5(_ name: String) throws {
    let path = FixturePaths.fixture("10x/\(name)")
    #expect(try MatrixFormat.detect(path) == .tenXH5)
    // scanpy's read_10x_h5 keeps duplicated symbols; omics makes them unique like read_10x_mtx.
    let m = try TenXH5Reader.read(path)
    let differences = try compare(m, path + ".json", uniqueVarNames: true)
    #expect(differences.isEmpty, "\(differences)")
    let asIs = try TenXH5Reader.read(path, options: .init(makeUnique: false))
    #expect(try compare(asIs, path + ".json").isEmpty)
  }

  @Test func duplicatedSymbolsBecomeUnique() throws {
    let m = try TenXH5Reader.read(FixturePaths.fixture("10x/v3_filtered_feature_bc_matrix.h5"))
    #expect(m.var.index.filter { $0.hasPrefix("TBCE") } == ["TBCE", "TBCE-1"])
  }

  @Test func twoGenomeFileNeedsAGenome() throws {
    let path = FixturePaths.fixture("10x/v2_two_genomes.h5")
    let error = #expect(throws: OmicsError.self) { try TenXH5Reader.read(path) }
    #expect(error?.description == "\(path): the file holds several genomes (hg19, mm10); choose one with --genome")
    let manifest = try ManifestComparison.load(path + ".json")
    let perGenome = try #require(manifest["genomes"] as? [String: Any])
    #expect(perGenome.keys.sorted() == ["hg19", "mm10"])
    for genome in ["hg19", "mm10"] {
      let m = try TenXH5Reader.read(path, options: .init(genome: genome))
      let expected = try #require(perGenome[genome] as? [String: Any])
      var comparison = ManifestComparison(uniqueVarNames: true)
      comparison.compare(m, expected)
      #expect(comparison.differences.isEmpty, "\(genome): \(comparison.differences)")
    }
  }

  @Test(arguments: ["mex_v3", "mex_v2"])
  func mexFolders(_ name: String) throws {
    let path = FixturePaths.fixture("10x/\(name)")
    #expect(try MatrixFormat.detect(path) == .tenXMEX)
    let m = try MatrixFileReader.read(path)
    var manifest = try ManifestComparison.load(path + ".json")
    // scanpy returns the transposed CSC; omics keeps cells × genes as CSR. Values are compared densely.
    if var x = manifest["X"] as? [String: Any] {
      x.removeValue(forKey: "layout")
      manifest["X"] = x
    }
    var comparison = ManifestComparison()
    comparison.compare(m, manifest)
    #expect(comparison.differences.isEmpty, "\(comparison.differences)")
  }

  @Test(arguments: ["loom_v3.loom", "loom_v2_legacy.loom"])
  func loomFiles(_ name: String) throws {
    let path = FixturePaths.fixture("loom/\(name)")
    #expect(try MatrixFormat.detect(path) == .loom)
    let m = try LoomReader.read(path)
    // anndata's read_loom drops graphs and global attributes; omics keeps them (checked below).
    // It also widens layers to float64; omics keeps their stored type (values are compared exactly).
    var manifest = try ManifestComparison.load(path + ".json")
    for k in ["obsp", "varp", "uns"] { manifest.removeValue(forKey: k) }
    if let layers = manifest["layers"] as? [String: Any] {
      manifest["layers"] = layers.mapValues { v -> Any in
        var d = v as? [String: Any] ?? [:]
        d.removeValue(forKey: "dtype")
        return d
      }
    }
    var comparison = ManifestComparison()
    comparison.compare(m, manifest)
    let differences = comparison.differences
    #expect(differences.isEmpty, "\(differences)")
  }

  @Test func loomGraphsAndGlobalAttributesAreKept() throws {
    let m = try LoomReader.read(FixturePaths.fixture("loom/loom_v3.loom"))
    #expect(m.obsp.keys.contains("KNN"))
    #expect(m.uns["LOOM_SPEC_VERSION"] == .string("3.0.0"))
    let legacy = try LoomReader.read(FixturePaths.fixture("loom/loom_v2_legacy.loom"))
    #expect(legacy.uns["LOOM_SPEC_VERSION"] == .string("2.0.1"))
  }
}
