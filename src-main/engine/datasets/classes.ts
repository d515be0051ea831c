import { DatasetError, MAX_CLASSES } from './types';

/** Rows per class, for class indices 0..numClasses-1 (labels outside that range are a bug upstream). */
export function countClasses(y: Int32Array, numClasses: number, rows = y.length): number[] {
  const counts = new Array<number>(numClasses).fill(0);
  for (let i = 0; i < rows; i++) counts[y[i]]++;
  return counts;
}

const NUMBER = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;

/** A decimal number as people write it in data files; rejects '', 'NaN', 'inf', '0x1f' that Number() would take. */
export function parseDecimal(text: string): number | null {
  const t = text.trim();
  return NUMBER.test(t) ? Number(t) : null;
}

/**
 * Class order for labels read as text: numeric labels sort by value ('2' before '10', '1' and '1.0' are one
 * class), any other labels sort as strings. Returns the class names and, for each raw label, its class index.
 */
export function orderLabels(raw: readonly string[]): { classNames: string[]; indexOf: Int32Array } {
  const values = raw.map(parseDecimal);
  const indexOf = new Int32Array(raw.length);
  if (values.every((v) => v !== null && Number.isFinite(v))) {
    const distinct = [...new Set(values as number[])].sort((a, b) => a - b);
    const position = new Map(distinct.map((v, i) => [v, i]));
    values.forEach((v, i) => (indexOf[i] = position.get(v as number) as number));
    return { classNames: distinct.map(String), indexOf };
  }
  const distinct = [...new Set(raw)].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const position = new Map(distinct.map((v, i) => [v, i]));
  raw.forEach((v, i) => (indexOf[i] = position.get(v) as number));
  return { classNames: distinct, indexOf };
}

/** Integer labels (IDX, NPY) → class indices by sorted distinct value; names are the values as text. */
export function integerLabelsToClasses(values: ArrayLike<number>, file: string): { y: Int32Array; classNames: string[] } {
  const distinct = new Set<number>();
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (!Number.isInteger(v) || v < 0) throw new DatasetError(`${file}: label ${i} is ${v}; labels must be non-negative integers`);
    if (!distinct.has(v)) {
      distinct.add(v);
      if (distinct.size > MAX_CLASSES) throw tooManyClasses(file);
    }
  }
  const sorted = [...distinct].sort((a, b) => a - b);
  const position = new Map(sorted.map((v, i) => [v, i]));
  const y = new Int32Array(values.length);
  for (let i = 0; i < values.length; i++) y[i] = position.get(values[i]) as number;
  return { y, classNames: sorted.map(String) };
}

export function tooManyClasses(file: string, column?: string): DatasetError {
  const where = column === undefined ? 'the labels' : `label column ${column}`;
  return new DatasetError(
    `${file}: ${where} hold more than ${MAX_CLASSES} distinct values; Epochlab trains classifiers, so labels must be classes, not a continuous target`,
  );
}
