/** Whole decades around positive values, for log axes whose reference lines must stay in view. */
export function logExtent(values: readonly (number | null | undefined)[]): { min: number; max: number } | null {
  const positive = values.filter((v): v is number => typeof v === 'number' && Number.isFinite(v) && v > 0);
  if (!positive.length) return null;
  return { min: 10 ** Math.floor(Math.log10(Math.min(...positive))), max: 10 ** Math.ceil(Math.log10(Math.max(...positive))) };
}
