/**
 * The dominant eigenvalue of a symmetric operator known only through its products with vectors (here the
 * Hessian of the training loss, through Hessian-vector products): power iteration with the Rayleigh
 * quotient. It finds the eigenvalue of largest magnitude — for a trained network the top (positive)
 * curvature, the number sharpness studies report (Keskar et al. 2017; Yao et al. 2020, PyHessian).
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
