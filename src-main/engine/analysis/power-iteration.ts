/**
 * The top eigenvalue of a symmetric operator known only through its products with vectors (here the Hessian
 * of the training loss, through Hessian-vector products), by power iteration with the Rayleigh quotient —
 * the number sharpness studies report (Keskar et al. 2017; Yao et al. 2020, PyHessian). Power iteration
 * finds the eigenvalue of largest magnitude; away from a minimum that can be a negative one, and then a
 * second power iteration on the shifted operator H − λ_neg·I (whose eigenvalues are all ≥ 0) finds the
 * largest algebraic eigenvalue.
 */
import { createRng, randomNormal } from '../random';

export type OperatorProduct = (v: Float64Array) => Promise<Float64Array> | Float64Array;

export interface PowerIterationOptions {
  iterations: number;
  /** Stop when the eigenvalue estimate changes by less than this, relative. */
  tolerance: number;
  seed: number;
  /** Checked between products; true stops the iteration (the result is then not converged). */
  isCancelled?: () => boolean;
}

export interface PowerIterationResult {
  eigenvalue: number;
  iterations: number;
  converged: boolean;
}

export function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

export function norm(a: ArrayLike<number>): number {
  return Math.sqrt(dot(a, a));
}

/** A unit vector with normal entries from the seed (every direction equally likely). */
export function randomUnitVector(dim: number, seed: number): Float64Array {
  const rng = createRng(seed);
  const v = new Float64Array(dim);
  for (let i = 0; i < dim; i++) v[i] = randomNormal(rng);
  const n = norm(v) || 1;
  for (let i = 0; i < dim; i++) v[i] /= n;
  return v;
}

export async function dominantEigenvalue(product: OperatorProduct, dim: number, options: PowerIterationOptions): Promise<PowerIterationResult> {
  if (dim < 1) throw new RangeError('the operator has no dimensions');
  let v = randomUnitVector(dim, options.seed);
  let eigenvalue = 0;
  for (let i = 1; i <= options.iterations; i++) {
    if (options.isCancelled?.()) return { eigenvalue, iterations: i - 1, converged: false };
    const hv = await product(v);
    const next = dot(v, hv);
    const size = norm(hv);
    if (!Number.isFinite(next) || !Number.isFinite(size)) throw new Error('a Hessian-vector product was not finite');
    if (size === 0) return { eigenvalue: 0, iterations: i, converged: true };
    const done = i > 1 && Math.abs(next - eigenvalue) <= options.tolerance * Math.abs(next);
    eigenvalue = next;
    if (done) return { eigenvalue, iterations: i, converged: true };
    v = hv.map((x) => x / size);
  }
  return { eigenvalue, iterations: options.iterations, converged: false };
}

/** The largest (algebraic) eigenvalue: the dominant one, or after a shift when the dominant one is negative. */
export async function largestEigenvalue(product: OperatorProduct, dim: number, options: PowerIterationOptions): Promise<PowerIterationResult & { shifted: boolean }> {
  const first = await dominantEigenvalue(product, dim, options);
  if (first.eigenvalue >= 0 || options.isCancelled?.()) return { ...first, shifted: false };
  const shift = first.eigenvalue;
  const shifted = await dominantEigenvalue(async (v) => {
    const hv = await product(v);
    return hv.map((x, i) => x - shift * v[i]);
  }, dim, { ...options, seed: options.seed + 1 });
  return { eigenvalue: shifted.eigenvalue + shift, iterations: first.iterations + shifted.iterations, converged: first.converged && shifted.converged, shifted: true };
}
