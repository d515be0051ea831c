/**
 * The run table's filter language, e.g. `bs=32 lr<0.01 tag:baseline -diverged "too fast"`:
 * - `NAME OP VALUE` with OP one of = != < <= > >=; NAME a hyperparameter (spec name or short label: `batchSize`,
 *   `bs`, `lr`) or a result (`bestValLoss`, `bestValAccuracy`, `bestEpoch`, `gap`, `finalValLoss`, `epochs`,
 *   `seconds`, `run`, `trial`);
 * - `tag:x` (a tag), `status:x` (a status);
 * - anything else is free text, matched in the run's label, status, tags, notes and end reason;
 * - a leading `-` negates a term; terms are ANDed.
 * A filter that cannot be read is reported with the term at fault and filters nothing.
 */
import { PARAM_LABELS, PARAM_ORDER, RUN_STATUSES, paramByName, type ParamName } from '../contract';
import type { RunRow } from './run-table';

type Op = '=' | '!=' | '<' | '<=' | '>' | '>=';
const OPS: readonly Op[] = ['<=', '>=', '!=', '=', '<', '>'];

/** Results a filter can compare, by the names a person would type (case-insensitive). */
const RESULT_FIELDS: Record<string, (row: RunRow) => number | null> = {
  bestvalloss: (r) => r.bestValLoss,
  bestvalaccuracy: (r) => r.bestValAccuracy,
  bestvalacc: (r) => r.bestValAccuracy,
  bestepoch: (r) => r.bestEpoch,
  gap: (r) => r.gap,
  finalvalloss: (r) => r.finalValLoss,
  finalvalaccuracy: (r) => r.finalValAccuracy,
  epochsdone: (r) => r.epochsDone,
  seconds: (r) => r.seconds,
  run: (r) => r.id,
  trial: (r) => r.trial,
};

export type RunPredicate = (row: RunRow) => boolean;
export type ParsedFilter = { ok: true; test: RunPredicate; terms: number } | { ok: false; message: string };

/** `bs = 32` and `tag: x` read as `bs=32` and `tag:x` (outside quotes). */
function normalize(text: string): string {
  return text
    .split('"')
    .map((part, i) => (i % 2 === 1 ? part : part.replace(/\s*(<=|>=|!=|==|=|<|>)\s*/g, '$1').replace(/\b(tag|status):\s+/gi, '$1:')))
    .join('"');
}

interface Token {
  text: string;
  /** Had quotes: always free text, whatever it looks like. */
  quoted: boolean;
}

/** Splits on spaces outside double quotes; `"two words"` is one term without its quotes. */
function tokenize(input: string): { ok: true; tokens: Token[] } | { ok: false; message: string } {
  const text = normalize(input);
  const tokens: Token[] = [];
  let current = '';
  let inQuotes = false;
  let quoted = false;
  let any = false;
  for (const ch of text) {
    if (ch === '"') {
      inQuotes = !inQuotes;
      quoted = true;
      any = true;
    } else if (/\s/.test(ch) && !inQuotes) {
      if (any) tokens.push({ text: current, quoted });
      current = '';
      any = false;
      quoted = false;
    } else {
      current += ch;
      any = true;
    }
  }
  if (inQuotes) return { ok: false, message: 'a quote is not closed' };
  if (any) tokens.push({ text: current, quoted });
  return { ok: true, tokens };
}

function compareNumbers(a: number, op: Op, b: number): boolean {
  // Values typed as 0.1 and stored as 0.1 are equal; 1e-12 of relative slack absorbs float noise.
  const equal = a === b || Math.abs(a - b) <= 1e-12 * Math.max(Math.abs(a), Math.abs(b));
  switch (op) {
    case '=': return equal;
    case '!=': return !equal;
    case '<': return a < b && !equal;
    case '<=': return a < b || equal;
    case '>': return a > b && !equal;
    case '>=': return a > b || equal;
  }
}

function knownNames(): string {
  return [...PARAM_ORDER.map((p) => PARAM_LABELS[p].short), 'bestValLoss', 'bestValAccuracy', 'bestEpoch', 'gap', 'run', 'trial'].join(', ');
}

function comparison(term: string, name: string, op: Op, raw: string): { ok: true; test: RunPredicate } | { ok: false; message: string } {
  const value = raw.trim();
  if (value === '') return { ok: false, message: `${term}: give a value after ${op}` };
  const param = paramByName(name);
  const result = RESULT_FIELDS[name.toLowerCase()];
  if (!param && !result) return { ok: false, message: `${term}: no field “${name}” (try ${knownNames()})` };
  const number = Number(value);
  if (param) {
    const isChoice = param === 'optimizer' || param === 'schedule' || param === 'pooling';
    if (isChoice) {
      if (op !== '=' && op !== '!=') return { ok: false, message: `${term}: ${PARAM_LABELS[param].label.toLowerCase()} is a choice; use = or !=` };
      const wanted = value.toLowerCase();
      return { ok: true, test: (row) => (String(row.params[param] ?? '').toLowerCase() === wanted) === (op === '=') };
    }
    if (!Number.isFinite(number)) return { ok: false, message: `${term}: “${value}” is not a number` };
    return { ok: true, test: (row) => paramTest(row, param, op, number) };
  }
  if (!Number.isFinite(number)) return { ok: false, message: `${term}: “${value}” is not a number` };
  return {
    ok: true,
    test: (row) => {
      const v = result!(row);
      return v !== null && Number.isFinite(v) && compareNumbers(v, op, number);
    },
  };
}

function paramTest(row: RunRow, param: ParamName, op: Op, number: number): boolean {
  const v = row.params[param];
  return typeof v === 'number' && compareNumbers(v, op, number);
}

function parseTerm(token: string): { ok: true; test: RunPredicate } | { ok: false; message: string } {
  const negated = token.length > 1 && token.startsWith('-') && !/^-\d/.test(token);
  const term = negated ? token.slice(1) : token;
  const parsed = parsePositive(term, token);
  if (!parsed.ok || !negated) return parsed;
  return { ok: true, test: (row) => !parsed.test(row) };
}

function parsePositive(term: string, token: string): { ok: true; test: RunPredicate } | { ok: false; message: string } {
  const colon = /^(tag|status):(.*)$/i.exec(term);
  if (colon) {
    const kind = colon[1].toLowerCase();
    const value = colon[2].trim().toLowerCase();
    if (!value) return { ok: false, message: `${token}: give a ${kind} after the colon` };
    if (kind === 'tag') return { ok: true, test: (row) => row.tags.includes(value) };
    if (!(RUN_STATUSES as readonly string[]).includes(value)) return { ok: false, message: `${token}: no status “${value}” (one of ${RUN_STATUSES.join(', ')})` };
    return { ok: true, test: (row) => row.status === value };
  }
  const match = /^([A-Za-z][\w ]*?)\s*(<=|>=|!=|==|=|<|>)\s*(.*)$/.exec(term);
  if (match) {
    const op = (match[2] === '==' ? '=' : match[2]) as Op;
    if (!OPS.includes(op)) return { ok: false, message: `${token}: unknown comparison ${match[2]}` };
    return comparison(token, match[1].trim(), op, match[3]);
  }
  if (/^[<>=!]/.test(term)) return { ok: false, message: `${token}: name a field before ${term[0]} (e.g. bs${term})` };
  const needle = term.toLowerCase();
  return { ok: true, test: (row) => row.searchText.includes(needle) };
}

export function parseRunFilter(text: string): ParsedFilter {
  const tokens = tokenize(text);
  if (!tokens.ok) return tokens;
  const tests: RunPredicate[] = [];
  for (const token of tokens.tokens) {
    const needle = token.text.toLowerCase();
    const term = token.quoted ? { ok: true as const, test: (row: RunRow) => row.searchText.includes(needle) } : parseTerm(token.text);
    if (!term.ok) return term;
    tests.push(term.test);
  }
  return { ok: true, terms: tests.length, test: (row) => tests.every((t) => t(row)) };
}
