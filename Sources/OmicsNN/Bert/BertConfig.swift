import Foundation
import OmicsCore

/// The fields of a Hugging Face `config.json` for a BERT model (`model_type: "bert"`) that the
/// forward pass needs. Both styles are read: transformers 4.x (`torch_dtype`) and 5.x (`dtype`
/// plus extra keys); unknown keys are ignored.
public struct BertConfig: Sendable, Equatable {
  public var vocabSize: Int
  public var hiddenSize: Int
  public var layers: Int
  public var heads: Int
  public var intermediateSize: Int
  public var maxPositions: Int
  public var typeVocabSize: Int
  public var layerNormEps: Double
  public var activation: Activation
  public var padTokenId: Int
  public var architectures: [String]
  /// `BertForSequenceClassification`: number of labels (from `id2label` or `num_labels`).
  public var numLabels: Int?
  /// Class names by id (`id2label`), when the config has real ones.
  public var labelNames: [String]?
  /// `hidden_dropout_prob`: after the embedding LayerNorm and after each output dense (training only).
  public var hiddenDropout: Double = 0.1
  /// `attention_probs_dropout_prob`: on the attention probabilities (training only).
  public var attentionDropout: Double = 0.1
  /// `classifier_dropout` (nil: `hidden_dropout_prob` is used).
  public var classifierDropout: Double?
  /// `initializer_range`: σ of the normal initialisation of weights and embeddings.
  public var initializerRange: Double = 0.02

  /// `hidden_act` as transformers' `ACT2FN` maps it.
  public enum Activation: String, Sendable {
    case relu
    case gelu  // exact erf GELU
    case geluTanh = "gelu_new"  // also gelu_pytorch_tanh
  }

  public init(
    vocabSize: Int, hiddenSize: Int, layers: Int, heads: Int, intermediateSize: Int, maxPositions: Int,
    typeVocabSize: Int = 2, layerNormEps: Double = 1e-12, activation: Activation = .relu, padTokenId: Int = 0,
    architectures: [String] = ["BertForMaskedLM"], numLabels: Int? = nil
  ) {
    self.vocabSize = vocabSize
    self.hiddenSize = hiddenSize
    self.layers = layers
    self.heads = heads
    self.intermediateSize = intermediateSize
    self.maxPositions = maxPositions
    self.typeVocabSize = typeVocabSize
    self.layerNormEps = layerNormEps
    self.activation = activation
    self.padTokenId = padTokenId
    self.architectures = architectures
    self.numLabels = numLabels
  }

  /// Size of one attention head.
  public var headSize: Int { hiddenSize / heads }

  /// The config.json object transformers 4.46 and 5.x both load (the released V2 key set).
  public var json: [String: Any] {
    var out: [String: Any] = [
      "architectures": architectures, "attention_probs_dropout_prob": attentionDropout,
      "classifier_dropout": classifierDropout.map { $0 as Any } ?? NSNull(),
      "hidden_act": activation.rawValue, "hidden_dropout_prob": hiddenDropout, "hidden_size": hiddenSize,
      "initializer_range": initializerRange,
      "intermediate_size": intermediateSize, "layer_norm_eps": layerNormEps, "max_position_embeddings": maxPositions,
      "model_type": "bert", "num_attention_heads": heads, "num_hidden_layers": layers, "pad_token_id": padTokenId,
      "position_embedding_type": "absolute", "torch_dtype": "float32", "transformers_version": "4.46.3",
      "type_vocab_size": typeVocabSize, "use_cache": true, "vocab_size": vocabSize,
    ]
    if let numLabels {
      let names = labelNames?.count == numLabels ? labelNames! : (0..<numLabels).map { "LABEL_\($0)" }
      out["id2label"] = Dictionary(uniqueKeysWithValues: names.enumerated().map { ("\($0.offset)", $0.element) })
      out["label2id"] = Dictionary(names.enumerated().map { ($0.element, $0.offset) }, uniquingKeysWith: { a, _ in a })
    }
    return out
  }

  /// Reads and checks `path` (a config.json).
  public static func read(_ path: String) throws -> BertConfig {
    guard let data = FileManager.default.contents(atPath: path) else { throw OmicsError(file: path, "cannot read") }
    guard let json = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] else {
      throw OmicsError(file: path, "not a JSON object")
    }
    return try parse(json, file: path)
  }

  static func parse(_ json: [String: Any], file: String) throws -> BertConfig {
    func int(_ key: String, default value: Int? = nil) throws -> Int {
      if let n = json[key] as? NSNumber, n.doubleValue == n.doubleValue.rounded() { return n.intValue }
      if let value { return value }
      throw OmicsError(file: file, location: key, "missing or not an integer")
    }
    if let type = json["model_type"] as? String, type != "bert" {
      throw OmicsError(file: file, location: "model_type", "is '\(type)'; only BERT models are supported")
    }
    let act = (json["hidden_act"] as? String) ?? "gelu"
    let activation: Activation
    switch act {
    case "relu": activation = .relu
    case "gelu": activation = .gelu
    case "gelu_new", "gelu_pytorch_tanh": activation = .geluTanh
    default: throw OmicsError(file: file, location: "hidden_act", "'\(act)' is not supported (relu, gelu, gelu_new)")
    }
    if let position = json["position_embedding_type"] as? String, position != "absolute" {
      throw OmicsError(file: file, location: "position_embedding_type", "'\(position)' is not supported (absolute)")
    }
    var labels: Int?
    var labelNames: [String]?
    if let id2label = json["id2label"] as? [String: Any] {
      labels = id2label.count
      let names = (0..<id2label.count).compactMap { id2label["\($0)"] as? String }
      if names.count == id2label.count { labelNames = names }
    }
    if let n = json["num_labels"] as? NSNumber { labels = n.intValue }
    func probability(_ key: String) throws -> Double? {
      guard let v = json[key], !(v is NSNull) else { return nil }
      guard let p = (v as? NSNumber)?.doubleValue, p >= 0, p < 1 else {
        throw OmicsError(file: file, location: key, "must be a probability in [0, 1)")
      }
      return p
    }
    var config = BertConfig(
      vocabSize: try int("vocab_size"), hiddenSize: try int("hidden_size"), layers: try int("num_hidden_layers"),
      heads: try int("num_attention_heads"), intermediateSize: try int("intermediate_size"),
      maxPositions: try int("max_position_embeddings", default: 512), typeVocabSize: try int("type_vocab_size", default: 2),
      layerNormEps: (json["layer_norm_eps"] as? NSNumber)?.doubleValue ?? 1e-12, activation: activation,
      padTokenId: try int("pad_token_id", default: 0), architectures: (json["architectures"] as? [String]) ?? ["BertForMaskedLM"],
      numLabels: labels)
    config.labelNames = labelNames
    config.hiddenDropout = try probability("hidden_dropout_prob") ?? 0.1
    config.attentionDropout = try probability("attention_probs_dropout_prob") ?? 0.1
    config.classifierDropout = try probability("classifier_dropout")
    if let r = (json["initializer_range"] as? NSNumber)?.doubleValue, r > 0 { config.initializerRange = r }
    for (name, v) in [("vocab_size", config.vocabSize), ("hidden_size", config.hiddenSize), ("num_hidden_layers", config.layers),
                      ("num_attention_heads", config.heads), ("intermediate_size", config.intermediateSize),
                      ("max_position_embeddings", config.maxPositions), ("type_vocab_size", config.typeVocabSize)] where v < 1 {
      throw OmicsError(file: file, location: name, "must be at least 1, got \(v)")
    }
    guard config.hiddenSize % config.heads == 0 else {
      throw OmicsError(file: file, location: "hidden_size", "\(config.hiddenSize) is not a multiple of num_attention_heads \(config.heads)")
    }
    return config
  }
}
