/// Gene symbols a spreadsheet turned into dates (`1-MAR` for MARCHF1, `2-Sep` for SEPTIN2,
/// `2023-09-01` after a date round trip); see ``GeneSetReadNote/Kind/spreadsheetDateGenes(_:)``.
public enum SpreadsheetDamage {
  /// True when `symbol` looks like a spreadsheet-converted date (the rule the gene-set readers use).
  public static func looksDamaged(_ symbol: String) -> Bool {
    GeneSetText.looksLikeSpreadsheetDate(symbol)
  }

  /// The damaged symbols of `genes`, in order, each once.
  public static func damaged<S: Sequence>(in genes: S) -> [String] where S.Element == String {
    var seen = Set<String>()
    return genes.filter { looksDamaged($0) && seen.insert($0).inserted }
  }
}
