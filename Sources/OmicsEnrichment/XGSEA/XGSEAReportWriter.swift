import OmicsIO

/// The tables of an XGSEA run: predictions per target set, and the embedding of every set.
public enum XGSEAReportWriter {
  /// `pathway size sourceSize sourceES sourcePval pval_D padj_D ES_E pval_E padj_E ES_Epm pval_Epm
  /// padj_Epm`, one row per predicted target set in gene-set file order (NA where a value is missing).
  public static func results(_ report: XGSEA.Report) throws -> TSVWriter {
    var table = try TSVWriter(header: [
      "pathway", "size", "sourceSize", "sourceES", "sourcePval", "pval_D", "padj_D", "ES_E", "pval_E", "padj_E",
      "ES_Epm", "pval_Epm", "padj_Epm",
    ])
    for r in report.results {
      try table.append([
        .string(r.pathway), .int(r.size), .int(r.sourceSize), .double(r.sourceES ?? .nan), .double(r.sourceP), .double(r.pD),
        .double(r.padjD), .double(r.esE), .double(r.pE), .double(r.padjE), .double(r.esEpm), .double(r.pEpm), .double(r.padjEpm),
      ])
    }
    return table
  }

  /// `set species z1 … zd`: the tested source sets (species `source`), then the target sets.
  public static func embedding(_ report: XGSEA.Report) throws -> TSVWriter {
    let d = report.sourceEmbedding.cols
    var table = try TSVWriter(header: ["set", "species"] + (1...Swift.max(1, d)).map { "z\($0)" })
    for (i, r) in report.source.prerank.results.enumerated() {
      try table.append([.string(r.pathway), .string("source")] + report.sourceEmbedding.row(i).map { .double($0) })
    }
    for (j, r) in report.results.enumerated() {
      try table.append([.string(r.pathway), .string("target")] + report.targetEmbedding.row(j).map { .double($0) })
    }
    return table
  }
}
