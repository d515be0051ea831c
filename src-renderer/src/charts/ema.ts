/**
 * Exponential moving average for noisy per-iteration curves, debiased like TensorBoard's smoothing so the
 * first points are not dragged towards 0: s_t = w·s_{t−1} + (1−w)·v_t, shown as s_t / (1 − w^n) where n
 * counts the finite values so far. Missing or non-finite values stay missing and do not move the average.
 */
export function emaSmooth(values: readonly (number | null)[], weight: number): (number | null)[] {
  const w = Math.min(Math.max(weight, 0), 0.999);
  if (w === 0) return values.map((v) => (v !== null && Number.isFinite(v) ? v : null));
  let last = 0;
  let n = 0;
  return values.map((v) => {
    if (v === null || !Number.isFinite(v)) return null;
    last = last * w + (1 - w) * v;
    n += 1;
    return last / (1 - w ** n);
  });
}
