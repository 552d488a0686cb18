#!/usr/bin/env python3
"""Writes the small GSEA CLI fixtures in Fixtures/gsea/ (deterministic; no dependencies).

small.rnk: 60 genes G01..G60 with scores 3.0 down to -2.9 (step 0.1, no ties);
small.gmt: UP (top 8 genes), DOWN (bottom 8), MIXED (every 7th gene), TINY (2 genes);
bad inputs: duplicate gene, NaN score, a set file whose genes are all absent from the ranking.
"""
import os

out = os.path.join(os.path.dirname(__file__), "..", "Fixtures", "gsea")
os.makedirs(out, exist_ok=True)
genes = [f"G{i:02d}" for i in range(1, 61)]
scores = [round(3.0 - 0.1 * i, 1) for i in range(60)]

def write(name, text):
    with open(os.path.join(out, name), "w", newline="\n") as f:
        f.write(text)

write("small.rnk", "gene\tscore\n" + "".join(f"{g}\t{s}\n" for g, s in zip(genes, scores)))
write("small.gmt",
      "UP\tna\t" + "\t".join(genes[:8]) + "\n"
      "DOWN\tna\t" + "\t".join(genes[-8:]) + "\n"
      "MIXED\tna\t" + "\t".join(genes[::7]) + "\n"
      "TINY\tna\tG01\tG02\n")
write("duplicate_gene.rnk", "gene\tscore\nG01\t3.0\nG02\t2.0\nG01\t1.0\nG03\t0.5\n")
write("nan_score.rnk", "gene\tscore\nG01\t3.0\nG02\tNaN\nG03\t0.5\n")
write("unmatched.gmt", "NONE1\tna\tX1\tX2\tX3\nNONE2\tna\tY1\tY2\n")
