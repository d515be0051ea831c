/** Conversions between domain values and what SQLite keeps. */

/**
 * NaN and ±Infinity become NULL. better-sqlite3 would store NaN as NULL silently and reject nothing, so
 * doing it here makes the rule visible and treats infinities the same way (SQLite would keep those).
 */
export function finiteOrNull(value: number | null | undefined): number | null {
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}

/** For contract fields typed `number`: a NULL read back (a non-finite value was written) becomes NaN. */
export function numberOrNaN(value: number | null): number {
  return value ?? Number.NaN;
}

export function nowIso(): string {
  return new Date().toISOString();
}

/** JSON columns are written only by the store, so parsing trusts their shape. */
export function parseJson<T>(text: string): T {
  return JSON.parse(text) as T;
}

export function parseJsonOrNull<T>(text: string | null): T | null {
  return text === null ? null : parseJson<T>(text);
}

export function requireInteger(value: number, what: string, min: number): void {
  if (!Number.isInteger(value) || value < min) {
    throw new RangeError(`${what} must be a whole number ≥ ${min}, got ${value}`);
  }
}

/** A tags column: a JSON array of strings. Anything else (a hand-edited file) reads as no tags. */
export function parseTags(text: string): string[] {
  try {
    const value: unknown = JSON.parse(text);
    return Array.isArray(value) ? value.filter((t): t is string => typeof t === 'string') : [];
  } catch {
    return [];
  }
}
