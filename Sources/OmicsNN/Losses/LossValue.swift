/// A loss value with its gradient with respect to the prediction (same shape as the prediction).
///
/// Losses are functions, not layers: each returns the value (accumulated in `Double`) and `dL/dŷ`
/// scaled by `weight`, ready to hand to the last layer's `backward`.
public struct LossValue<Scalar: NNScalar> {
  public var value: Double
  public var gradient: Tensor<Scalar>
}
