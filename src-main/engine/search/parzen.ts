/**
 * The Parzen estimator of Optuna's TPESampler (optuna/samplers/_tpe/parzen_estimator.py): a mixture with
 * one kernel per observation plus a prior kernel. A kernel is a product over the dimensions of a truncated
 * normal (numbers; in log space on log ranges; integers as the mass of [x − ½, x + ½]) or of smoothed
 * category weights. Bandwidths are the distance to the farther neighbour, clipped below by
 * (high − low) / min(100, 1 + kernels) (the "magic clip"); the prior is centred with the width of the range.
 */
import type { Dimension } from './space';
import { logGaussMass, logNormalPdf, logSumExp, sampleTruncatedNormal } from './normal';

const PRIOR_WEIGHT = 1;

interface NumericKernels {
  kind: 'numeric';
  mus: Float64Array;
  sigmas: Float64Array;
  /** log of each kernel's mass inside the bounds (its truncation normaliser). */
  logNorms: Float64Array;
  /** Bounds in the space the kernels live in (log, widened by ½ for integers). */
  low: number;
  high: number;
  log: boolean;
  integer: boolean;
  dim: Extract<Dimension, { kind: 'float' | 'int' }>;
}
interface CategoricalKernels {
  kind: 'categorical';
  /** Per kernel, the log probability of each choice. */
  logWeights: Float64Array[];
  weights: Float64Array[];
}
type Kernels = NumericKernels | CategoricalKernels;

/**
 * Optuna's default_weights: equal weights for up to 25 observations; beyond that the oldest ones ramp
 * linearly from 1/n up to 1 and the 25 newest weigh 1. Observations are in trial order.
 */
export function observationWeights(n: number): number[] {
  if (n < 25) return new Array<number>(n).fill(1);
  const ramp = n - 25;
  const out: number[] = [];
  for (let i = 0; i < ramp; i++) out.push(ramp === 1 ? 1 / n : 1 / n + ((1 - 1 / n) * i) / (ramp - 1));
  for (let i = 0; i < 25; i++) out.push(1);
  return out;
}

export class ParzenEstimator {
  private readonly logMixture: Float64Array;
  private readonly mixture: Float64Array;
  private readonly kernels: Kernels[];

  /** `observations[i][d]`: observation i's internal value on dimension d (a choice index for categories). */
  constructor(
    private readonly dims: readonly Dimension[],
    observations: ReadonlyArray<readonly number[]>,
  ) {
    const n = observations.length;
    const weights = n === 0 ? [1] : [...observationWeights(n), PRIOR_WEIGHT];
    const total = weights.reduce((a, b) => a + b, 0);
    this.mixture = Float64Array.from(weights, (w) => w / total);
    this.logMixture = Float64Array.from(this.mixture, Math.log);
    this.kernels = dims.map((dim, d) => kernelsFor(dim, observations.map((o) => o[d])));
  }

  get componentCount(): number {
    return this.mixture.length;
  }

  /** `count` draws from the mixture, as internal values per dimension. */
  sample(rng: () => number, count: number): number[][] {
    const out: number[][] = [];
    for (let i = 0; i < count; i++) {
      const k = pick(this.mixture, rng());
      out.push(this.kernels.map((kernel) => sampleKernel(kernel, k, rng)));
    }
    return out;
  }

  /** log density (mass, for integers and categories) of each point under the mixture. */
  logPdf(points: ReadonlyArray<readonly number[]>): number[] {
    const perComponent = new Float64Array(this.mixture.length);
    return points.map((point) => {
      perComponent.set(this.logMixture);
      this.kernels.forEach((kernel, d) => {
        for (let k = 0; k < perComponent.length; k++) perComponent[k] += kernelLogPdf(kernel, k, point[d]);
      });
      return logSumExp(perComponent);
    });
  }

  get dimensions(): readonly Dimension[] {
    return this.dims;
  }
}

function kernelsFor(dim: Dimension, values: number[]): Kernels {
  if (dim.kind === 'categorical') return categoricalKernels(dim.choices.length, values);
  return numericKernels(dim, values);
}

/** Each observation puts weight 1 on its choice plus prior/kernels on every choice; the prior kernel is uniform. */
function categoricalKernels(choices: number, observed: number[]): CategoricalKernels {
  const rows: Float64Array[] = [];
  if (observed.length === 0) {
    rows.push(new Float64Array(choices).fill(1 / choices));
  } else {
    const kernels = observed.length + 1;
    for (let k = 0; k < kernels; k++) {
      const row = new Float64Array(choices).fill(PRIOR_WEIGHT / kernels);
      if (k < observed.length) row[observed[k]] += 1;
      const sum = row.reduce((a, b) => a + b, 0);
      for (let c = 0; c < choices; c++) row[c] /= sum;
      rows.push(row);
    }
  }
  return { kind: 'categorical', weights: rows, logWeights: rows.map((r) => Float64Array.from(r, Math.log)) };
}

function numericKernels(dim: Extract<Dimension, { kind: 'float' | 'int' }>, raw: number[]): NumericKernels {
  const integer = dim.kind === 'int';
  const transform = (x: number) => (dim.log ? Math.log(x) : x);
  const low = transform(integer ? dim.low - 0.5 : dim.low);
  const high = transform(integer ? dim.high + 0.5 : dim.high);
  const mus = raw.map(transform);
  const n = mus.length;
  const order = mus.map((_, i) => i).sort((a, b) => mus[a] - mus[b]);
  const sorted = [low, ...order.map((i) => mus[i]), high];
  const sortedSigmas: number[] = [];
  for (let i = 1; i <= n; i++) sortedSigmas.push(Math.max(sorted[i] - sorted[i - 1], sorted[i + 1] - sorted[i]));
  // Without considering the endpoints, the outermost kernels take the gap to their inner neighbour.
  if (n >= 2) {
    sortedSigmas[0] = sorted[2] - sorted[1];
    sortedSigmas[n - 1] = sorted[n] - sorted[n - 1];
  }
  const minSigma = (high - low) / Math.min(100, 1 + (n + 1));
  const maxSigma = high - low;
  const sigmas = new Float64Array(n + 1);
  order.forEach((original, rank) => {
    sigmas[original] = Math.min(maxSigma, Math.max(minSigma, sortedSigmas[rank]));
  });
  sigmas[n] = high - low;
  const allMus = Float64Array.from([...mus, 0.5 * (low + high)]);
  const logNorms = allMus.map((mu, k) => logGaussMass((low - mu) / sigmas[k], (high - mu) / sigmas[k]));
  return { kind: 'numeric', mus: allMus, sigmas, logNorms, low, high, log: dim.log, integer, dim };
}

function pick(weights: Float64Array, u: number): number {
  let acc = 0;
  for (let i = 0; i < weights.length; i++) {
    acc += weights[i];
    if (u < acc) return i;
  }
  return weights.length - 1;
}

function sampleKernel(kernel: Kernels, k: number, rng: () => number): number {
  if (kernel.kind === 'categorical') return pick(kernel.weights[Math.min(k, kernel.weights.length - 1)], rng());
  const x = sampleTruncatedNormal(kernel.mus[k], kernel.sigmas[k], kernel.low, kernel.high, rng);
  const value = kernel.log ? Math.exp(x) : x;
  if (!kernel.integer) return Math.min(kernel.dim.high, Math.max(kernel.dim.low, value));
  return Math.min(kernel.dim.high, Math.max(kernel.dim.low, Math.round(value)));
}

function kernelLogPdf(kernel: Kernels, k: number, x: number): number {
  if (kernel.kind === 'categorical') return kernel.logWeights[Math.min(k, kernel.logWeights.length - 1)][x] ?? -Infinity;
  const t = (v: number) => (kernel.log ? Math.log(v) : v);
  const mu = kernel.mus[k];
  const sigma = kernel.sigmas[k];
  if (kernel.integer) return logGaussMass((t(x - 0.5) - mu) / sigma, (t(x + 0.5) - mu) / sigma) - kernel.logNorms[k];
  const v = t(x);
  if (v < kernel.low || v > kernel.high) return -Infinity;
  return logNormalPdf((v - mu) / sigma) - Math.log(sigma) - kernel.logNorms[k];
}
