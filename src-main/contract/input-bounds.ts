/**
 * A cheap look at the shape of an untrusted API input before the schema parses it. Schema validation costs
 * time in proportion to what it is given, and some of it worse than that (an object with 10^5 unknown keys
 * takes zod most of a second; a 500 000-deep array overflows its stack), so whatever a caller sends is first
 * walked once, iteratively, against limits no real input comes near: the largest real input is a spec with
 * a few lists of at most 1000 values. Every method's input passes here first (docs/reliability.md B2).
 */
import type { FieldIssue } from './api';
import { MAX_LIST_LENGTH } from './spec';

export interface InputBounds {
  /** Nesting of objects and arrays; a spec is about 5 deep. */
  maxDepth: number;
  /** Values of any kind, counted over the whole input. */
  maxNodes: number;
  /** Keys of one object; the widest schema object has about 15. */
  maxKeys: number;
  /** Characters of one string; the longest real field is a 10 000-character note. */
  maxStringLength: number;
  /** Values of one list; no schema list takes more than MAX_LIST_LENGTH. */
  maxListLength: number;
}

export const INPUT_BOUNDS: InputBounds = { maxDepth: 32, maxNodes: 20_000, maxKeys: 200, maxStringLength: 100_000, maxListLength: MAX_LIST_LENGTH };

interface Visit {
  value: unknown;
  key: string;
  parent: Visit | null;
  depth: number;
}

/** Keys of the schema are short words; a longer key is refused before it is copied into any message. */
const MAX_KEY_LENGTH = 200;

/** The first place where `raw` goes past a bound, with the path to it; null when it stays inside all of them. */
export function inputBoundsIssue(raw: unknown, bounds: InputBounds = INPUT_BOUNDS): FieldIssue | null {
  const stack: Visit[] = [{ value: raw, key: '', parent: null, depth: 0 }];
  let nodes = 0;
  while (stack.length) {
    const visit = stack.pop()!;
    const { value, depth } = visit;
    if (++nodes > bounds.maxNodes) return issueAt(null, `the input holds more than ${bounds.maxNodes} values`);
    if (typeof value === 'string') {
      if (value.length > bounds.maxStringLength) return issueAt(visit, `text longer than ${bounds.maxStringLength} characters`);
      continue;
    }
    if (typeof value !== 'object' || value === null) continue;
    if (depth >= bounds.maxDepth) return issueAt(visit, `nested more than ${bounds.maxDepth} levels deep`);
    if (Array.isArray(value)) {
      if (value.length > bounds.maxListLength) return issueAt(visit, `a list of ${value.length} values; at most ${bounds.maxListLength}`);
      if (nodes + stack.length + value.length > bounds.maxNodes) return issueAt(visit, `the input holds more than ${bounds.maxNodes} values`);
      for (let i = value.length - 1; i >= 0; i--) stack.push({ value: value[i] as unknown, key: String(i), parent: visit, depth: depth + 1 });
      continue;
    }
    const keys = Object.keys(value);
    if (keys.length > bounds.maxKeys) return issueAt(visit, `${keys.length} keys; at most ${bounds.maxKeys}`);
    for (let i = keys.length - 1; i >= 0; i--) {
      const key = keys[i];
      if (key.length > MAX_KEY_LENGTH) return issueAt(visit, `a key longer than ${MAX_KEY_LENGTH} characters`);
      stack.push({ value: (value as Record<string, unknown>)[key], key, parent: visit, depth: depth + 1 });
    }
  }
  return null;
}

function issueAt(visit: Visit | null, message: string): FieldIssue {
  const keys: string[] = [];
  for (let v = visit; v?.parent; v = v.parent) keys.push(v.key);
  return { path: keys.reverse().join('.') || '(root)', message };
}

/**
 * What is wrong with the shape of JSON text, found by one scan before it is parsed (null: nothing). Parsing
 * is where a hostile HTTP body costs most — JSON.parse takes a third of a second on a megabyte of `[[[[…`,
 * and listing the keys of an object with 10^5 of them a tenth — so depth and the number of values (commas
 * and containers, a slight overcount) are bounded here first, with the same limits as inputBoundsIssue.
 */
export function jsonTextIssue(text: string, bounds: InputBounds = INPUT_BOUNDS): string | null {
  let depth = 0;
  let values = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) {
      if (++depth > bounds.maxDepth) return `nested more than ${bounds.maxDepth} levels deep`;
      values++;
    } else if (c === 0x5d || c === 0x7d) depth--;
    else if (c === 0x2c) values++;
    if (values > bounds.maxNodes) return `holds more than ${bounds.maxNodes} values`;
  }
  return null;
}
