/**
 * The small text syntax of hyperparameter fields, parsed into the spec's one value / list / range:
 *
 *   0.1                       one value
 *   0.1, 0.01   or  16 64 256 a list (commas or spaces; [brackets] optional)
 *   1e-4 .. 1e-1 × 4 log      a range: from .. to × steps, then `log` or `lin` (default lin);
 *                             `x` or `*` may stand for ×, `…` or `to` for ..
 *   1e-4 .. 1e-1 log          a range without steps: random search and TPE sample it continuously
 *                             (a grid needs steps; the preview says so at the field)
 *   1 .. 5                    whole-number fields only: every whole number from 1 to 5
 *   adam, sgd                 choices
 *
 * The syntax, the kind of number and the range rules (contract/param-values.ts) are checked here; limits
 * (lr > 0, batch ≤ N, …) are the schema's, explained at the field when the preview answers.
 */
import { MAX_LIST_LENGTH, isRange, rangeProblems, repeatedValuesProblem, type NumberRange } from '../contract';
import type { ParamKind } from './params';

export type ParamValue = number | string | Array<number | string> | NumberRange;

export type ParseResult = { ok: true; value: ParamValue } | { ok: false; message: string };

export interface ParamSyntaxOptions {
  kind: ParamKind;
  /** Allowed values of a choice field. */
  choices?: readonly string[];
  /** Used in messages: "batch size must be a whole number". */
  label: string;
}

const NUMBER = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:e[+-]?\d+)?$/i;
const RANGE =
  /^(?<from>\S+?)\s*(?:\.\.|…|\s+to\s+)\s*(?<to>[^\s×x*]+)(?:\s*[×x*]\s*(?<steps>\S+?))?(?:\s+(?<scale>log|lin|linear))?$/i;

function parseNumber(token: string, options: ParamSyntaxOptions): { ok: true; value: number } | { ok: false; message: string } {
  if (!NUMBER.test(token)) return { ok: false, message: `"${token}" is not a number` };
  const value = Number(token);
  if (!Number.isFinite(value)) return { ok: false, message: `"${token}" is too large` };
  if (options.kind === 'integer' && !Number.isInteger(value)) {
    return { ok: false, message: `${options.label.toLowerCase()} must be a whole number ("${token}")` };
  }
  return { ok: true, value };
}

export function parseParamText(text: string, options: ParamSyntaxOptions): ParseResult {
  let body = text.trim();
  if (body.startsWith('[') && body.endsWith(']')) body = body.slice(1, -1).trim();
  if (body === '') return { ok: false, message: 'give a value, a list (a, b) or a range (a .. b × n)' };

  if (options.kind === 'choice') {
    const tokens = body.split(/[\s,;]+/).filter(Boolean).map((t) => t.toLowerCase());
    const allowed = options.choices ?? [];
    const bad = tokens.find((t) => !allowed.includes(t));
    if (bad !== undefined) return { ok: false, message: `"${bad}" is not one of: ${allowed.join(', ')}` };
    const repeated = repeatedValuesProblem(tokens);
    if (repeated) return { ok: false, message: repeated };
    return { ok: true, value: tokens.length === 1 && !body.includes(',') ? tokens[0] : tokens };
  }

  const range = RANGE.exec(body);
  if (range?.groups) {
    const { from, to, steps, scale } = range.groups;
    const a = parseNumber(from, options);
    if (!a.ok) return a;
    const b = parseNumber(to, options);
    if (!b.ok) return b;
    const isLog = scale !== undefined && scale.toLowerCase() === 'log';
    const integer = options.kind === 'integer';
    let count: number | undefined;
    if (steps !== undefined) {
      if (!/^\d+$/.test(steps)) return { ok: false, message: `the number of steps after × must be a whole number ("${steps}")` };
      count = Number(steps);
      if (count < 1) return { ok: false, message: 'a range needs at least 1 step' };
      if (count > MAX_LIST_LENGTH) return { ok: false, message: `a range has at most ${MAX_LIST_LENGTH} steps` };
    } else if (integer && !isLog && Math.abs(b.value - a.value) + 1 <= MAX_LIST_LENGTH) {
      count = Math.abs(b.value - a.value) + 1;
    }
    const value: NumberRange = { from: a.value, to: b.value, ...(count !== undefined ? { steps: count } : {}), scale: isLog ? 'log' : 'linear' };
    const problem = rangeProblems(value, integer)[0];
    if (problem) return { ok: false, message: problem.message };
    return { ok: true, value };
  }
  if (/\.\.|…/.test(body)) return { ok: false, message: 'write a range as: from .. to × steps [log]' };

  const tokens = body.split(/[\s,;]+/).filter(Boolean);
  if (tokens.length > MAX_LIST_LENGTH) return { ok: false, message: `a list has at most ${MAX_LIST_LENGTH} values` };
  const values: number[] = [];
  for (const token of tokens) {
    const parsed = parseNumber(token, options);
    if (!parsed.ok) return parsed;
    values.push(parsed.value);
  }
  const repeated = repeatedValuesProblem(values);
  if (repeated) return { ok: false, message: repeated };
  return { ok: true, value: values.length === 1 && !body.includes(',') ? values[0] : values };
}

/** The inverse of parseParamText, for loading a spec file into the form. Unknown shapes give ''. */
export function formatParamValue(value: unknown): string {
  if (typeof value === 'number' || typeof value === 'string') return String(value);
  if (Array.isArray(value)) return value.map((v) => String(v)).join(', ');
  if (isRange(value)) {
    const { from, to, steps, scale } = value as Partial<NumberRange> & { from: unknown; to: unknown };
    return `${String(from)} .. ${String(to)}${steps !== undefined ? ` × ${String(steps)}` : ''}${scale === 'log' ? ' log' : ''}`;
  }
  return '';
}
