import OmicsCore

/// Reads any matrix file omics understands into an `ExpressionMatrix`, choosing the reader by format.
///
///     let m = try MatrixFileReader.read("filtered_feature_bc_matrix.h5")
public enum MatrixFileReader {
  /// Reader options that apply to some formats only.
  public struct Options: Sendable {
    /// 10x HDF5 v2: the genome group to read.
    public var genome: String?
    /// Draw a progress bar on a terminal for long reads.
    public var showProgress = true
    public init(genome: String? = nil, showProgress: Bool = true) {
      self.genome = genome
      self.showProgress = showProgress
    }
  }

  public static func read(_ path: String, format: MatrixFormat? = nil, options: Options = Options()) throws -> ExpressionMatrix {
    let format = try format ?? MatrixFormat.detect(path)
    switch format {
    case .h5ad: return try H5ADReader.read(path, showProgress: options.showProgress)
    case .tenXH5: return try TenXH5Reader.read(path, options: TenXH5Reader.Options(genome: options.genome))
    case .loom: return try LoomReader.read(path)
    case .tenXMEX, .matrixMarket, .delimited, .geoSeriesMatrix, .geoSOFT:
      return try TextMatrixReaders.read(path, format: format)
    }
  }

  /// A summary for `omics inspect`: metadata only for h5ad, a full read for the other formats.
  public static func summary(_ path: String, format: MatrixFormat? = nil) throws -> DatasetSummary {
    let format = try format ?? MatrixFormat.detect(path)
    if format == .h5ad { return try H5ADInspector.summary(path) }
    return DatasetSummary(path: path, format: format.rawValue, matrix: try read(path, format: format, options: Options(showProgress: false)))
  }
}

/// Dispatch to the text-format readers (Matrix Market, 10x MEX, delimited tables, GEO).
enum TextMatrixReaders {
  static func read(_ path: String, format: MatrixFormat) throws -> ExpressionMatrix {
    switch format {
    // Every feature type is kept (scanpy's gex_only=False): conversion must not drop data.
    case .tenXMEX: return try MEXReader.read(path, options: .init(geneExpressionOnly: false))
    case .matrixMarket:
      // A bare .mtx has no names: rows are observations, columns variables, named by position.
      let matrix = try MatrixMarketReader.read(path: path)
      return ExpressionMatrix(
        X: matrix, obs: DataFrame(index: (0..<matrix.rows).map(String.init)),
        var: DataFrame(index: (0..<matrix.cols).map(String.init)))
    case .delimited: return try DelimitedMatrixReader.read(path)
    case .geoSeriesMatrix: return try GEOSeriesMatrixReader.read(path)
    case .geoSOFT: return try SOFTReader.read(path).expressionMatrix()
    case .h5ad, .tenXH5, .loom: return try MatrixFileReader.read(path, format: format)
    }
  }
}
