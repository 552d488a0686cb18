import Foundation
import OmicsCore
import OmicsTestSupport
import Testing

@testable import OmicsIO

@Suite struct MEXReaderTests {
  /// Writes a MEX folder; `gzip` compresses every file.
  func makeFolder(
    _ dir: String, prefix: String = "", gzip: Bool, legacy: Bool, matrix: String, features: String, barcodes: String
  ) throws {
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    let names = [("matrix.mtx", matrix), (legacy ? "genes.tsv" : "features.tsv", features), ("barcodes.tsv", barcodes)]
    for (name, text) in names {
      let data = gzip ? Gunzip.deflate(Data(text.utf8)) : Data(text.utf8)
      try data.write(to: URL(fileURLWithPath: dir + "/" + prefix + name + (gzip ? ".gz" : "")))
    }
  }

  let v3Matrix = """
    %%MatrixMarket matrix coordinate integer general
    %metadata_json: {"software_version": "cellranger-7.1.0", "format_version": 2}
    4 2 5
    1 1 3
    3 1 1
    2 2 4
    3 2 2
    4 2 6

    """
  let v3Features = """
    ENSG1\tTBCE\tGene Expression
    ENSG2\tCD3D\tGene Expression
    ENSG3\tTBCE\tGene Expression
    CD3_TotalSeqB\tCD3\tAntibody Capture

    """
  let v3Barcodes = "AAAC-1\nAAAG-1\n"

  @Test func readsV3GzipLikeScanpy() throws {
    let dir = FixturePaths.temporaryDirectory()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    try makeFolder(dir, gzip: true, legacy: false, matrix: v3Matrix, features: v3Features, barcodes: v3Barcodes)
    let m = try MEXReader.read(dir, options: .init(geneExpressionOnly: false))
    #expect(m.obs.index == ["AAAC-1", "AAAG-1"])
    #expect(m.var.index == ["TBCE", "CD3D", "TBCE-1", "CD3"])
    #expect(m.var.columns.keys.elements == ["gene_ids", "feature_types"])
    #expect(m.var.strings("gene_ids") == ["ENSG1", "ENSG2", "ENSG3", "CD3_TotalSeqB"])
    #expect(m.var.strings("feature_types") == ["Gene Expression", "Gene Expression", "Gene Expression", "Antibody Capture"])
    guard case .sparse(let X)? = m.X else {
      Issue.record("X should be sparse")
      return
    }
    #expect(X.layout == .csr && X.rows == 2 && X.cols == 4)
    #expect(X.data.scalarType == .float32)
    #expect(X.denseDoubles() == [3, 0, 1, 0, 0, 4, 2, 6])
    #expect(X.indptr == [0, 2, 5])
    #expect(m.validateShapes() == nil)
  }

  @Test func geneExpressionOnlyFiltersAfterMakingNamesUnique() throws {
    let dir = FixturePaths.temporaryDirectory()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    try makeFolder(dir, gzip: true, legacy: false, matrix: v3Matrix, features: v3Features, barcodes: v3Barcodes)
    let m = try MEXReader.read(dir)
    #expect(m.var.index == ["TBCE", "CD3D", "TBCE-1"])
    #expect(m.var.strings("feature_types") == ["Gene Expression", "Gene Expression", "Gene Expression"])
    #expect(m.X?.denseDoubles() == [3, 0, 1, 0, 4, 2])
    #expect(m.validateShapes() == nil)
    let ids = try MEXReader.read(dir, options: .init(varNames: .geneIDs, geneExpressionOnly: false))
    #expect(ids.var.index == ["ENSG1", "ENSG2", "ENSG3", "CD3_TotalSeqB"])
    #expect(ids.var.strings("gene_symbols") == ["TBCE", "CD3D", "TBCE", "CD3"])
    let notUnique = try MEXReader.read(dir, options: .init(makeUnique: false))
    #expect(notUnique.var.index == ["TBCE", "CD3D", "TBCE"])
  }

  @Test func readsPrefixedPlainV3AndFloat64() throws {
    let dir = FixturePaths.temporaryDirectory()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    try makeFolder(
      dir, prefix: "GSM123_", gzip: false, legacy: false, matrix: v3Matrix, features: v3Features, barcodes: v3Barcodes)
    let m = try MEXReader.read(dir, options: .init(prefix: "GSM123_", precision: .float64))
    #expect(m.X?.scalarType == .float64)
    #expect(m.nObs == 2 && m.nVars == 3)
    #expect(throws: OmicsError(file: dir, "no 10x matrix found: expected matrix.mtx.gz or matrix.mtx")) {
      try MEXReader.read(dir)
    }
  }

  @Test func readsLegacyFixtureThroughGenomeSubfolder() throws {
    let m = try MEXReader.read(FixturePaths.fixture("mtx/mex_v2_small"))
    // anndata's rule: the second MIR1302-2HG would be MIR1302-2HG-1, which exists, so it becomes -2.
    #expect(m.var.index == ["MIR1302-2HG", "FAM138A", "MIR1302-2HG-2", "MIR1302-2HG-1"])
    #expect(m.var.columns.keys.elements == ["gene_ids"])
    #expect(m.obs.index == ["AAACCTGAGAAACCAT-1", "AAACCTGAGAAACCGC-1", "AAACCTGAGAAACCTA-1"])
    #expect(m.X?.denseDoubles() == [3, 0, 0, 1, 0, 7, 0, 0, 0, 0, 2, 9])
    let files = try MEXFiles.locate(FixturePaths.fixture("mtx/mex_v2_small"))
    #expect(files.isLegacy)
    #expect(files.matrix.hasSuffix("mex_v2_small/GRCh38/matrix.mtx"))
  }

  @Test func makeUniqueMatchesAnndata() {
    // anndata tests/test_utils.py::test_make_index_unique
    #expect(makeUniqueNames(["val", "val", "val-1", "val-1"]) == ["val", "val-2", "val-1", "val-1-1"])
    #expect(makeUniqueNames(["a", "a", "a", "b"]) == ["a", "a-1", "a-2", "b"])
  }

  @Test func errorsNameTheFile() throws {
    let dir = FixturePaths.temporaryDirectory()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    #expect(throws: OmicsError(file: dir + "/absent", "no such folder")) { try MEXReader.read(dir + "/absent") }
    try makeFolder(dir, gzip: true, legacy: false, matrix: v3Matrix, features: v3Features, barcodes: "A-1\nA-2\nA-3\n")
    #expect(throws: OmicsError(file: dir + "/barcodes.tsv.gz", "lists 3 barcodes but \(dir)/matrix.mtx.gz has 2 columns")) {
      try MEXReader.read(dir)
    }
    try makeFolder(dir, gzip: true, legacy: false, matrix: v3Matrix, features: "E1\tA\tGene Expression\n", barcodes: v3Barcodes)
    #expect(throws: OmicsError(file: dir + "/features.tsv.gz", "lists 1 features but \(dir)/matrix.mtx.gz has 4 rows")) {
      try MEXReader.read(dir)
    }
    try makeFolder(dir, gzip: true, legacy: false, matrix: v3Matrix, features: "E1\tA\n\tB\n", barcodes: v3Barcodes)
    #expect(throws: OmicsError.line(2, file: dir + "/features.tsv.gz", "empty feature id; expected 'id<TAB>name[<TAB>type]'")) {
      try MEXReader.read(dir)
    }
    try makeFolder(dir, gzip: true, legacy: false, matrix: "%%MatrixMarket matrix coordinate integer general\n4 2 1\n5 1 1\n", features: v3Features, barcodes: v3Barcodes)
    #expect(throws: OmicsError.line(3, file: dir + "/matrix.mtx.gz", "row index 5 is out of range 1...4")) {
      try MEXReader.read(dir)
    }
    try FileManager.default.removeItem(atPath: dir + "/barcodes.tsv.gz")
    #expect(throws: OmicsError(file: dir, "has matrix.mtx but no barcodes.tsv[.gz]")) { try MEXReader.read(dir) }
    #expect(throws: OmicsError(file: dir + "/matrix.mtx.gz", "is a file; a 10x MEX reader expects the folder holding matrix.mtx[.gz]")) {
      try MEXReader.read(dir + "/matrix.mtx.gz")
    }
  }

  /// Compares with the scanpy-made oracle manifests when `scripts/make_fixtures.py` has produced them.
  @Test(arguments: ["mex_v3", "mex_v2"])
  func matchesScanpyOracle(_ name: String) throws {
    let manifestPath = FixturePaths.fixture("10x/\(name).json")
    guard FileManager.default.fileExists(atPath: manifestPath) else { return }  // fixtures not generated
    let manifest = try #require(
      try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: manifestPath))) as? [String: Any])
    // The oracle was read with gex_only=False.
    let m = try MEXReader.read(FixturePaths.fixture("10x/\(name)"), options: .init(geneExpressionOnly: false))
    #expect(m.nObs == manifest["n_obs"] as? Int)
    #expect(m.nVars == manifest["n_vars"] as? Int)
    #expect(m.obs.index == manifest["obs_names"] as? [String])
    #expect(m.var.index == manifest["var_names"] as? [String])
    let x = try #require(manifest["X"] as? [String: Any])
    let dense = try #require(x["dense"] as? [[Double]])
    #expect(m.X?.denseDoubles() == dense.flatMap { $0 })
    // scanpy's `.T` leaves CSC; we build cells-major CSR on purpose (same values, dtype and nnz).
    #expect(m.X?.layoutDescription == "csr \(x["dtype"] as? String ?? "?")")
    if case .sparse(let s)? = m.X, let nnz = x["nnz"] as? Int { #expect(s.nnz == nnz) }
    #expect(m.var.columns.keys.elements == manifest["var_column_order"] as? [String])
    let vars = try #require(manifest["var"] as? [String: Any])
    for column in m.var.columns.keys {
      let expected = (vars[column] as? [String: Any])?["values"] as? [String]
      #expect(m.var.strings(column)?.map { $0 ?? "" } == expected, "var column \(column)")
    }
  }
}
