/**
 * Keskar et al.'s ε-sharpness ("On Large-Batch Training for Deep Learning: Generalization Gap and Sharp
 * Minima", ICLR 2017, metric 2.1): the largest relative increase of the loss within the box
 * C_ε = { y : |yᵢ| ≤ ε (|wᵢ| + 1) } around the weights w,
 *
 *   φ(w, ε) = 100 · (max_{y ∈ C_ε} f(w + y) − f(w)) / (1 + f(w)).
 *
 * The paper maximises with L-BFGS-B; here a few steps of projected sign-gradient ascent (the box is an
 * ℓ∞ ball per coordinate, and a sign step is its steepest ascent), keeping the largest loss seen. Fewer
 * steps can only under-estimate the maximum, never over-estimate it.
 */

export type LossAndGradient = (w: Float32Array) => Promise<{ loss: number; grad: Float32Array }>;

export interface EpsSharpnessResult {
  /** φ in percent. */
  sharpness: number;
  baseLoss: number;
  maxLoss: number;
}

export async function epsilonSharpness(
  f: LossAndGradient,
  w: Float32Array,
  options: { epsilon: number; steps: number; isCancelled?: () => boolean },
): Promise<EpsSharpnessResult> {
  const dim = w.length;
  const bound = new Float64Array(dim);
  for (let i = 0; i < dim; i++) bound[i] = options.epsilon * (Math.abs(w[i]) + 1);
  // Twice the box over all steps: the ascent can reach a corner by the middle and still move along it after.
  const stepFraction = 2 / options.steps;
  const y = new Float64Array(dim);
  const point = new Float32Array(dim);
  const base = await f(w);
  let maxLoss = base.loss;
  let grad = base.grad;
  for (let t = 0; t < options.steps; t++) {
    if (options.isCancelled?.()) break;
    for (let i = 0; i < dim; i++) {
      const g = grad[i];
      const moved = y[i] + stepFraction * bound[i] * (g > 0 ? 1 : g < 0 ? -1 : 0);
      y[i] = Math.max(-bound[i], Math.min(bound[i], moved));
      point[i] = w[i] + y[i];
    }
    const at = await f(point);
    if (Number.isFinite(at.loss) && at.loss > maxLoss) maxLoss = at.loss;
    grad = at.grad;
  }
  return { sharpness: (100 * (maxLoss - base.loss)) / (1 + base.loss), baseLoss: base.loss, maxLoss };
}
