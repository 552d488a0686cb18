import Foundation
import OmicsCore
import OmicsIO

/// A small, seeded cross-species data set for XGSEA tests: mouse (source) expression of two classes,
/// human (target) gene sets built from gene modules, and a BioMart-style human → mouse ortholog table.
///
/// - 240 human genes `GENE001`…`GENE240` in 6 modules of 40. `GENEi` ↦ mouse `Genei` one-to-one for
///   i ≤ 228; i = 229…234 map one-to-many to `Genei_a` and `Genei_b`; 235…240 have no ortholog.
///   The mouse matrix adds 30 mouse-only genes `Mmu01`…`Mmu30`.
/// - Target sets: 5 per module (`M<m>_S<k>`: 18 genes of module m and 4 of other modules) and 6
///   `RANDOM_<k>` sets of 22 genes drawn from all 240.
/// - Expression: `samples` samples alternating A, B; log-scale values with per-gene mean and sd, a
///   shared per-sample factor for each module (coherent, not differential), and the mouse orthologs
///   of module `plantedModule` raised by `effect` gene sds in class A.
public struct XGSEASimulation: Sendable {
  public var sourceGenes: [String] = []
  /// Samples × genes, row-major.
  public var values: [Double] = []
  public var labels: [String] = []
  public var sets: [(name: String, genes: [String])] = []
  /// (human id, human symbol, mouse id, mouse symbol, homology type); empty mouse fields = no ortholog.
  public var orthologRows: [(String, String, String, String, String)] = []
  public let plantedModule: Int

  /// Genes of the sets planted as enriched (in the target species).
  public var plantedSetNames: [String] { (1...5).map { "M\(plantedModule)_S\($0)" } }

  public init(seed: UInt64 = 7, samples: Int = 24, plantedModule: Int = 0, effect: Double = 2.0) {
    self.plantedModule = plantedModule
    var rng = SplitMix(state: seed)
    let human = (1...240).map { String(format: "GENE%03d", $0) }
    var mouseOf: [[String]] = []
    for i in 1...240 {
      if i <= 228 {
        mouseOf.append(["Gene\(i)"])
      } else if i <= 234 {
        mouseOf.append(["Gene\(i)_a", "Gene\(i)_b"])
      } else {
        mouseOf.append([])
      }
    }
    for (i, h) in human.enumerated() {
      let id = String(format: "ENSG%011d", i + 1)
      if mouseOf[i].isEmpty { orthologRows.append((id, h, "", "", "")); continue }
      for (k, m) in mouseOf[i].enumerated() {
        orthologRows.append((id, h, String(format: "ENSMUSG%011d", 1000 * (i + 1) + k), m,
          mouseOf[i].count == 1 ? "ortholog_one2one" : "ortholog_one2many"))
      }
    }
    let moduleOfMouse: [(String, Int)] = mouseOf.enumerated().flatMap { i, ms in ms.map { ($0, i / 40) } }
    sourceGenes = moduleOfMouse.map(\.0) + (1...30).map { String(format: "Mmu%02d", $0) }
    let module = moduleOfMouse.map(\.1) + [Int](repeating: -1, count: 30)
    // Sets.
    for m in 0..<6 {
      for k in 1...5 {
        var inModule = Array(0..<40).map { 40 * m + $0 }
        rng.shuffle(&inModule)
        var others = Array(0..<240).filter { $0 / 40 != m }
        rng.shuffle(&others)
        let members = (inModule.prefix(18) + others.prefix(4)).sorted().map { human[$0] }
        sets.append(("M\(m)_S\(k)", members))
      }
    }
    for k in 1...6 {
      var all = Array(0..<240)
      rng.shuffle(&all)
      sets.append(("RANDOM_\(k)", all.prefix(22).sorted().map { human[$0] }))
    }
    // Expression.
    let g = sourceGenes.count
    labels = (0..<samples).map { $0 % 2 == 0 ? "A" : "B" }
    let means = (0..<g).map { _ in 2 + 8 * rng.uniform() }
    let sds = (0..<g).map { _ in 0.4 + rng.uniform() }
    let factors = (0..<6).map { _ in (0..<samples).map { _ in rng.normal() } }
    values = [Double](repeating: 0, count: samples * g)
    for s in 0..<samples {
      for j in 0..<g {
        var v = means[j] + sds[j] * rng.normal()
        if module[j] >= 0 { v += 0.5 * sds[j] * factors[module[j]][s] }
        if module[j] == plantedModule && labels[s] == "A" { v += effect * sds[j] }
        values[s * g + j] = v
      }
    }
  }

  /// Writes `source.h5ad` (obs `group`), `sets.gmt` and `orthologs.csv` (BioMart export columns)
  /// into `folder`; returns their paths.
  public func write(to folder: String) throws -> (expression: String, sets: String, table: String) {
    let expression = folder + "/source.h5ad", gmt = folder + "/sets.gmt", table = folder + "/orthologs.csv"
    var obs = DataFrame(index: (0..<labels.count).map { String(format: "S%02d", $0) })
    obs.columns["group"] = .stringArray(StringArray(labels))
    let matrix = ExpressionMatrix(
      X: .dense(DenseArray(shape: [labels.count, sourceGenes.count], values: .float64(values))), obs: obs,
      var: DataFrame(index: sourceGenes))
    try H5ADWriter.write(matrix, to: expression)
    try sets.map { ([$0.name, "na"] + $0.genes).joined(separator: "\t") + "\n" }.joined()
      .write(toFile: gmt, atomically: true, encoding: .utf8)
    var csv = "Gene stable ID,Gene name,Mouse gene stable ID,Mouse gene name,Mouse homology type\n"
    for r in orthologRows { csv += "\(r.0),\(r.1),\(r.2),\(r.3),\(r.4)\n" }
    try csv.write(toFile: table, atomically: true, encoding: .utf8)
    return (expression, gmt, table)
  }

  /// SplitMix64 with uniform and Box–Muller normal draws.
  struct SplitMix {
    var state: UInt64
    mutating func next() -> UInt64 {
      state &+= 0x9E37_79B9_7F4A_7C15
      var z = state
      z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
      z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
      return z ^ (z >> 31)
    }
    /// Uniform in [0, 1).
    mutating func uniform() -> Double { Double(next() >> 11) * 0x1.0p-53 }
    mutating func normal() -> Double {
      let u = Swift.max(uniform(), 1e-300), v = uniform()
      return (-2 * Foundation.log(u)).squareRoot() * Foundation.cos(2 * Double.pi * v)
    }
    mutating func shuffle(_ a: inout [Int]) {
      guard a.count > 1 else { return }
      for i in stride(from: a.count - 1, to: 0, by: -1) { a.swapAt(i, Int(next() % UInt64(i + 1))) }
    }
  }
}
