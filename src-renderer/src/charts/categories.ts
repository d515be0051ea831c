/** Distinct hyperparameter values in a stable, meaningful order: numbers ascending, words as first seen. */
export type ParamScalar = number | string;

export function distinctSorted(values: readonly (ParamScalar | undefined | null)[]): ParamScalar[] {
  const seen: ParamScalar[] = [];
  for (const v of values) if (v !== undefined && v !== null && !seen.includes(v)) seen.push(v);
  if (seen.every((v) => typeof v === 'number')) return (seen as number[]).sort((a, b) => a - b);
  return seen;
}

export function formatParamScalar(value: ParamScalar | undefined | null): string {
  if (value === undefined || value === null) return '—';
  if (typeof value === 'number') return Number.isInteger(value) || Math.abs(value) >= 1e-3 ? String(Number(value.toPrecision(6))) : value.toExponential();
  return value;
}
