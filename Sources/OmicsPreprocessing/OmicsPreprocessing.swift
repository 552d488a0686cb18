/// OmicsPreprocessing: normalization, QC filters, MAD gene filtering, highly variable genes, PCA,
/// k-means gene clustering, rank encoding (Geneformer's tokenizer) and gene-median sketches.
/// One concept per file in this folder; see the README for the commands built on it.
public enum OmicsPreprocessing {}
