import OmicsCore

/// The feature vectors of gene sets for XGSEA's domain adaptation, from set membership.
///
/// XGSEA describes each set by its column of the gene × set incidence matrix of one species, every
/// gene row centered over the sets and scaled to unit norm (genes in no set are absent; a gene in
/// every set becomes a zero row). The original code then replaces the matrix by the R factor of its
/// economy QR decomposition. Here the matrix X̃ is replaced by F = Λ^½ Vᵀ from the eigen-
/// decomposition X̃ᵀX̃ = V Λ Vᵀ (components with λ ≤ 1e-10·λ_max dropped): FᵀF = X̃ᵀX̃ = RᵀR, so
/// every inner product and distance between sets, and hence the MMD and graph objective, is the
/// same as with R; F only uses another orthonormal basis of the same span, one ordered by variance,
/// so that XGSEA's starting point [I; I]/√2 picks each species' leading principal components
/// rather than the first sets in file order.
///
/// The Gram matrix is built from the sparse memberships: with c_g the number of sets holding gene g,
/// μ_g = c_g/n and w_g = 1/(c_g − c_g²/n), (X̃ᵀX̃)_ij = Σ_{g∈i∩j} w_g − a_i − a_j + b with
/// a_i = Σ_{g∈i} w_g μ_g and b = Σ_g w_g μ_g².
enum SetMembershipFeatures {
  /// The centered, unit-norm incidence Gram matrix X̃ᵀX̃ (n × n) of `sets` (gene indices below
  /// `geneCount`; each set lists a gene at most once).
  static func gram(sets: [[Int32]], geneCount: Int) -> DenseRowMatrix {
    let n = sets.count
    var setsOfGene = [[Int32]](repeating: [], count: geneCount)
    for (i, members) in sets.enumerated() { for g in members { setsOfGene[Int(g)].append(Int32(i)) } }
    var gram = DenseRowMatrix(rows: n, cols: n)
    var a = [Double](repeating: 0, count: n)
    var b = 0.0
    let dn = Double(n)
    gram.values.withUnsafeMutableBufferPointer { s in
      for list in setsOfGene {
        let c = list.count
        guard c > 0, c < n else { continue }
        let mu = Double(c) / dn
        let w = 1 / (Double(c) - Double(c) * Double(c) / dn)
        b += w * mu * mu
        for x in list {
          a[Int(x)] += w * mu
          let rowBase = Int(x) * n
          for y in list { s[rowBase + Int(y)] += w }
        }
      }
    }
    for i in 0..<n { for j in 0..<n { gram.values[i * n + j] += b - a[i] - a[j] } }
    return gram
  }

  /// F (r × n): column i is the feature vector of set i; FᵀF = X̃ᵀX̃; rows in decreasing variance.
  static func spectral(sets: [[Int32]], geneCount: Int) throws -> DenseRowMatrix {
    let n = sets.count
    guard n > 0 else { return DenseRowMatrix(rows: 0, cols: 0) }
    let (values, vectors) = try SymmetricEigenDecomposition.decompose(gram(sets: sets, geneCount: geneCount))
    let largest = values.first ?? 0
    let r = values.prefix { $0 > 1e-10 * largest && $0 > 0 }.count
    var f = DenseRowMatrix(rows: r, cols: n)
    for k in 0..<r {
      let scale = values[k].squareRoot()
      for i in 0..<n { f.values[k * n + i] = scale * vectors.values[i * n + k] }
    }
    return f
  }
}
