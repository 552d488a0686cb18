import Foundation
import OmicsCore
import OmicsIO

/// Writes preranked GSEA results as TSV: fgsea's columns (the default) or GSEApy's.
public enum PrerankReportWriter {
  /// Output layouts.
  public enum Format: String, Sendable, CaseIterable {
    /// `pathway pval padj log2err ES NES size leadingEdge` (fgseaMultilevel), plus the Broad
    /// columns `nominalP FDR FWER` when Broad statistics were computed.
    case fgsea
    /// `Term ES NES NOM p-val FDR q-val FWER p-val Tag % Gene % Lead_genes` (GSEApy prerank).
    case gseapy
  }

  /// The table for `report` in `format`; rows sorted by pathway name (fgsea's `setorder`).
  /// Leading-edge genes are joined with `;` (GSEApy's separator).
  public static func table(_ report: PrerankGSEA.Report, format: Format) throws -> TSVWriter {
    let rows = report.results.sorted { $0.pathway.utf8.lexicographicallyPrecedes($1.pathway.utf8) }
    let broad = report.options.statistics == .broad
    switch format {
    case .fgsea:
      var header = ["pathway", "pval", "padj", "log2err", "ES", "NES", "size", "leadingEdge"]
      if broad { header += ["nominalP", "FDR", "FWER"] }
      var table = try TSVWriter(header: header)
      for r in rows {
        var cells: [TSVCell] = [
          .string(r.pathway), .double(r.pval), .double(r.padj), .double(r.log2err), .double(r.es), .double(r.nes),
          .int(r.size), .string(r.leadingEdge.joined(separator: ";")),
        ]
        if broad {
          cells += [.double(r.broad?.nominalP ?? .nan), .double(r.broad?.fdr ?? .nan), .double(r.broad?.fwer ?? .nan)]
        }
        try table.append(cells)
      }
      return table
    case .gseapy:
      var table = try TSVWriter(
        header: ["Term", "ES", "NES", "NOM p-val", "FDR q-val", "FWER p-val", "Tag %", "Gene %", "Lead_genes"])
      let n = report.input.geneCount
      for r in rows {
        let nominal = broad ? (r.broad?.nominalP ?? .nan) : r.pval
        let fdr = broad ? (r.broad?.fdr ?? .nan) : r.padj
        let fwer = broad ? (r.broad?.fwer ?? .nan) : Double.nan
        let nes = broad ? (r.broad?.nes ?? r.nes) : r.nes
        // GSEApy: Tag % = leading edge / size, Gene % = peak position / N.
        let peak = r.peakRank.map { r.es > 0 ? $0 + 1 : n - $0 } ?? 0
        let genePercent = String(format: "%.2f%%", Double(peak) / Double(n) * 100)
        try table.append([
          .string(r.pathway), .double(r.es), .double(nes), .double(nominal), .double(fdr), .double(fwer),
          .string("\(r.leadingEdge.count)/\(r.size)"), .string(genePercent), .string(r.leadingEdge.joined(separator: ";")),
        ])
      }
      return table
    }
  }
}
