/**
 * The standard normal distribution, accurate far into the tails, and the truncated normal the Parzen
 * estimators are built from (what scipy.special / Optuna's _truncnorm provide in Python). Log forms never
 * underflow: a kernel 50 standard deviations away still has a finite log density.
 */

// Chebyshev coefficients of erfc (Numerical Recipes, 3rd ed., §6.2.2): |relative error| < 1.2e-16.
const ERFC_COEFFICIENTS = [
  -1.3026537197817094, 6.4196979235649026e-1, 1.9476473204185836e-2, -9.561514786808631e-3, -9.46595344482036e-4,
  3.66839497852761e-4, 4.2523324806907e-5, -2.0278578112534e-5, -1.624290004647e-6, 1.30365583558e-6, 1.5626441722e-8,
  -8.5238095915e-8, 6.529054439e-9, 5.059343495e-9, -9.91364156e-10, -2.27365122e-10, 9.6467911e-11, 2.394038e-12,
  -6.886027e-12, 8.94487e-13, 3.13092e-13, -1.12708e-13, 3.81e-16, 7.106e-15, -1.523e-15, -9.4e-17, 1.21e-16, -2.8e-17,
];

/** log erfc(z) for z ≥ 0, computed in log space (no underflow for large z). */
function logErfcNonNegative(z: number): number {
  const t = 2 / (2 + z);
  const ty = 4 * t - 2;
  let d = 0;
  let dd = 0;
  for (let j = ERFC_COEFFICIENTS.length - 1; j > 0; j--) {
    const tmp = d;
    d = ty * d - dd + ERFC_COEFFICIENTS[j];
    dd = tmp;
  }
  return Math.log(t) - z * z + 0.5 * (ERFC_COEFFICIENTS[0] + ty * d) - dd;
}

export function erfc(z: number): number {
  return z >= 0 ? Math.exp(logErfcNonNegative(z)) : 2 - Math.exp(logErfcNonNegative(-z));
}

/** log Φ(x), the log of the standard normal CDF. */
export function logNdtr(x: number): number {
  const z = -x / Math.SQRT2;
  if (z >= 0) return logErfcNonNegative(z) - Math.LN2;
  // Φ(x) = 1 − Φ(−x), and Φ(−x) is small here: log1p keeps its digits.
  return Math.log1p(-0.5 * Math.exp(logErfcNonNegative(-z)));
}

export function ndtr(x: number): number {
  return Math.exp(logNdtr(x));
}

const LOG_SQRT_2PI = 0.5 * Math.log(2 * Math.PI);

/** log φ(x), the log of the standard normal density. */
export function logNormalPdf(x: number): number {
  return -0.5 * x * x - LOG_SQRT_2PI;
}

/** log(Φ(b) − Φ(a)) for a ≤ b, stable on both tails (as Optuna's _log_gauss_mass). */
export function logGaussMass(a: number, b: number): number {
  if (!(b > a)) return -Infinity;
  if (b <= 0) return logDiff(logNdtr(b), logNdtr(a));
  if (a >= 0) return logDiff(logNdtr(-a), logNdtr(-b));
  // a < 0 < b: 1 − Φ(a) − Φ(−b), both terms at most one half.
  return Math.log1p(-ndtr(a) - ndtr(-b));
}

/** log(exp(x) − exp(y)) for x ≥ y. */
function logDiff(x: number, y: number): number {
  if (y === -Infinity) return x;
  return x + Math.log1p(-Math.exp(y - x));
}

/**
 * Φ⁻¹(p): Acklam's rational approximation (relative error 1.15e-9) refined by one Halley step against the
 * accurate CDF above, which brings it to about machine precision.
 */
export function ndtri(p: number): number {
  if (!(p > 0)) return -Infinity;
  if (!(p < 1)) return Infinity;
  const a = [-3.969683028665376e1, 2.209460984245205e2, -2.759285104469687e2, 1.38357751867269e2, -3.066479806614716e1, 2.506628277459239];
  const b = [-5.447609879822406e1, 1.615858368580409e2, -1.556989798598866e2, 6.680131188771972e1, -1.328068155288572e1];
  const c = [-7.784894002430293e-3, -3.223964580411365e-1, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
  const d = [7.784695709041462e-3, 3.224671290700398e-1, 2.445134137142996, 3.754408661907416];
  const low = 0.02425;
  let x: number;
  if (p < low) {
    const q = Math.sqrt(-2 * Math.log(p));
    x = (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
  } else if (p <= 1 - low) {
    const q = p - 0.5;
    const r = q * q;
    x = ((((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q) / (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
  } else {
    const q = Math.sqrt(-2 * Math.log1p(-p));
    x = -(((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
  }
  // Halley: e = Φ(x) − p, u = e / φ(x).
  const e = x < 0 ? ndtr(x) - p : 1 - p - ndtr(-x);
  const u = e * Math.sqrt(2 * Math.PI) * Math.exp(0.5 * x * x);
  return x - u / (1 + 0.5 * x * u);
}

/**
 * A draw from the normal N(mu, sigma) truncated to [low, high], by inversion: u uniform on
 * [Φ(a), Φ(b)], x = Φ⁻¹(u). The side nearer the bulk is inverted, so a window in the right tail keeps
 * its precision.
 */
export function sampleTruncatedNormal(mu: number, sigma: number, low: number, high: number, rng: () => number): number {
  const a = (low - mu) / sigma;
  const b = (high - mu) / sigma;
  const q = rng();
  let z: number;
  if (a >= 0) {
    // Mirror into the left tail: Φ(−b) … Φ(−a).
    const lo = ndtr(-b);
    const hi = ndtr(-a);
    z = -ndtri(hi - q * (hi - lo));
  } else {
    const lo = ndtr(a);
    const hi = ndtr(b);
    z = ndtri(lo + q * (hi - lo));
  }
  if (!Number.isFinite(z)) z = q < 0.5 ? a : b;
  return Math.min(high, Math.max(low, mu + sigma * Math.min(b, Math.max(a, z))));
}

/** log Σ exp(values), safe when every value is −∞. */
export function logSumExp(values: ArrayLike<number>): number {
  let max = -Infinity;
  for (let i = 0; i < values.length; i++) if (values[i] > max) max = values[i];
  if (max === -Infinity) return -Infinity;
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += Math.exp(values[i] - max);
  return max + Math.log(sum);
}
