/**
 * Gradient noise scale (McCandlish, Kaplan, Amodei et al. 2018, "An Empirical Model of Large-Batch
 * Training", appendix A.1). For a batch of B samples drawn without replacement from N,
 *
 *   E |G_B|² = |G|² + c(B) · tr(Σ),   c(B) = (N − B) / (B · (N − 1))   (1/B when N is unknown or infinite),
 *
 * where G is the true (full training set) gradient and Σ the covariance of per-sample gradients. Measuring
 * |G_B|² at two batch sizes gives unbiased estimates of |G|² and tr(Σ) by solving the two equations; the
 * paper's estimators are the N → ∞ case. Each estimate is noisy, so each is averaged with an exponential
 * moving average on its own, and the simple noise scale B_simple = tr(Σ) / |G|² is the ratio of the
 * averages — never an average of ratios, which would be biased.
 */

/** One split step: the batch's two halves' mean gradients and the whole batch's mean gradient. */
export interface SplitMeasurement {
  sizes: readonly [number, number];
  /** |g₁|² and |g₂|²: squared norms of each half's mean gradient. */
  halfSq: readonly [number, number];
  /** |g|²: squared norm of the whole batch's mean gradient. */
  fullSq: number;
}

/** |g|² of the whole batch from its halves: g = (s₁g₁ + s₂g₂)/B, so |g|² = (s₁²|g₁|² + s₂²|g₂|² + 2s₁s₂ g₁·g₂)/B². */
export function wholeBatchSq(sizes: readonly [number, number], halfSq: readonly [number, number], cross: number): number {
  const [s1, s2] = sizes;
  const b = s1 + s2;
  return (s1 * s1 * halfSq[0] + s2 * s2 * halfSq[1] + 2 * s1 * s2 * cross) / (b * b);
}

/** c(B): how much of tr(Σ) the squared norm of a B-sample mean gradient carries in expectation. */
export function varianceFactor(batch: number, population?: number): number {
  if (population === undefined || !Number.isFinite(population)) return 1 / batch;
  if (population <= 1) return 0;
  return (population - batch) / (batch * (population - 1));
}

/** Unbiased estimates of |G|² and tr(Σ) from one split step; null when the two sizes carry the same noise. */
export function estimateFromSplit(m: SplitMeasurement, population?: number): { gradSq: number; trace: number } | null {
  const [s1, s2] = m.sizes;
  const cBig = varianceFactor(s1 + s2, population);
  // Each half's |g|² has expectation |G|² + c(sᵢ)·tr(Σ); their mean has the mean factor.
  const cSmall = (varianceFactor(s1, population) + varianceFactor(s2, population)) / 2;
  const smallSq = (m.halfSq[0] + m.halfSq[1]) / 2;
  const dc = cSmall - cBig;
  if (!(dc > 0) || !Number.isFinite(smallSq) || !Number.isFinite(m.fullSq)) return null;
  const trace = (smallSq - m.fullSq) / dc;
  return { trace, gradSq: m.fullSq - cBig * trace };
}

/** A bias-corrected exponential moving average (as Adam's moments): exact mean of one value at the start. */
export class Ema {
  private value = 0;
  private weight = 0;
  constructor(private readonly decay: number) {}
  add(x: number): void {
    this.value = this.decay * this.value + (1 - this.decay) * x;
    this.weight = this.decay * this.weight + (1 - this.decay);
  }
  get current(): number | null {
    return this.weight > 0 ? this.value / this.weight : null;
  }
}

/** Running estimate over a run. `population` is N, for the finite-population factor. */
export class NoiseScaleTracker {
  private readonly gradSqEma: Ema;
  private readonly traceEma: Ema;
  count = 0;

  constructor(decay: number, private readonly population?: number) {
    this.gradSqEma = new Ema(decay);
    this.traceEma = new Ema(decay);
  }

  add(m: SplitMeasurement): boolean {
    const e = estimateFromSplit(m, this.population);
    if (!e || !Number.isFinite(e.gradSq) || !Number.isFinite(e.trace)) return false;
    this.gradSqEma.add(e.gradSq);
    this.traceEma.add(e.trace);
    this.count++;
    return true;
  }

  get gradSq(): number | null {
    return this.gradSqEma.current;
  }
  get trace(): number | null {
    return this.traceEma.current;
  }
  /** tr(Σ)/|G|², or null while either estimate is not positive (the noise of the estimates swamps them). */
  get bSimple(): number | null {
    const g = this.gradSq;
    const t = this.trace;
    return g !== null && t !== null && g > 0 && t > 0 ? t / g : null;
  }
}

/**
 * Steps between measurements: the spec's interval, but at least four measurements per epoch when the
 * epoch is short (a large batch has few steps, and the per-epoch value would otherwise rest on one).
 */
export function measurementInterval(everySteps: number, iterationsPerEpoch: number): number {
  return Math.max(1, Math.min(everySteps, Math.floor(iterationsPerEpoch / 4)));
}
