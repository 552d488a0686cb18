/// OmicsEnrichment: ortholog mapping, prerank and phenotype GSEA, over-representation analysis and
/// cross-species gene-set transfer (XGSEA). One concept per file in this folder.
public enum OmicsEnrichment {}
