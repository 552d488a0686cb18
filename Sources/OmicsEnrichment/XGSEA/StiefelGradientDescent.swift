/// Riemannian steepest descent on the Stiefel manifold with the QR retraction and Armijo
/// backtracking; it replaces the Polak–Ribière `sg_min` of the original XGSEA code.
///
/// Each step moves along −ξ, ξ the tangent projection of the Euclidean gradient, with the first
/// step length t (halved until F(R_W(−tξ)) ≤ F(W) − 10⁻⁴·t‖ξ‖²), then tries twice that length in the
/// next step. It stops after `maxIterations`, when the relative decrease of F falls below
/// `tolerance`, when ‖ξ‖ falls below `tolerance`·‖ξ₀‖, or when no step length decreases F.
struct StiefelGradientDescent: Sendable {
  var maxIterations = 200
  var tolerance = 1e-6

  /// What the descent did.
  struct Trace: Sendable {
    var iterations = 0
    var initial: DomainAdaptationObjective.Value
    var final: DomainAdaptationObjective.Value
    var stopReason = ""
  }

  func minimize(_ objective: DomainAdaptationObjective, from start: DenseRowMatrix) -> (DenseRowMatrix, Trace) {
    var w = StiefelManifold.qFactor(start)
    var (value, gradient) = objective.valueAndGradient(w)
    var trace = Trace(initial: value, final: value)
    var xi = StiefelManifold.tangentProjection(at: w, of: gradient)
    let firstNorm = xi.frobeniusNorm
    guard firstNorm > 0 else {
      trace.stopReason = "zero gradient"
      return (w, trace)
    }
    var step = 1 / firstNorm
    trace.stopReason = "iteration limit"
    for iteration in 1...Swift.max(1, maxIterations) {
      let normSquared = xi.dot(xi)
      if normSquared.squareRoot() < tolerance * firstNorm {
        trace.stopReason = "gradient below tolerance"
        break
      }
      var t = step
      var accepted: (DenseRowMatrix, DomainAdaptationObjective.Value)? = nil
      while t > 1e-20 * step {
        let candidate = StiefelManifold.retract(w, along: xi, step: -t)
        let v = objective.value(candidate)
        if v.total <= value.total - 1e-4 * t * normSquared {
          accepted = (candidate, v)
          break
        }
        t *= 0.5
      }
      guard let (next, nextValue) = accepted else {
        trace.stopReason = "no decreasing step"
        break
      }
      let decrease = (value.total - nextValue.total) / Swift.max(Swift.abs(value.total), 1e-300)
      w = next
      (value, gradient) = objective.valueAndGradient(w)
      xi = StiefelManifold.tangentProjection(at: w, of: gradient)
      trace.iterations = iteration
      step = 2 * t
      if decrease < tolerance {
        trace.stopReason = "relative decrease below tolerance"
        break
      }
    }
    trace.final = value
    return (w, trace)
  }
}
