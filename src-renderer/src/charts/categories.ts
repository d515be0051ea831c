/** Distinct hyperparameter values in a stable, meaningful order: numbers ascending, words as first seen. */
import type { ParamScalar } from '../contract';

// Value formatting lives in contract/param-labels.ts, shared with the CLI and tables.
export { formatParamScalar, type ParamScalar } from '../contract';

export function distinctSorted(values: readonly (ParamScalar | undefined | null)[]): ParamScalar[] {
  const seen: ParamScalar[] = [];
  for (const v of values) if (v !== undefined && v !== null && !seen.includes(v)) seen.push(v);
  if (seen.every((v) => typeof v === 'number')) return (seen as number[]).sort((a, b) => a - b);
  return seen;
}
