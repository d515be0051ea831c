/**
 * The new-experiment form as plain data, and the two pure conversions around it: form → spec (what the
 * preview and createExperiment get, and what "Save spec" writes) and spec → form (what "Load spec" reads).
 * The spec is the same JSON the CLI takes, so a saved file runs with `epochlab run file.json`.
 */
import {
  ACTIVATIONS, DIRECTIONS, MONITORS, PARAM_ORDER, SPEC_DEFAULTS, experimentSpecSchema, fieldIssues, paramDefault, pruningSchema, searchSchema,
  type Activation, type Direction, type ExperimentSpecInput, type FieldIssue, type Monitor, type ParamName, type PruningSpec, type SearchSpec,
} from '../contract';
import { analysisFormToSpec, analysisSpecToForm, defaultAnalysisForm, type AnalysisForm } from './analysis-form';
import { PARAMS, paramMeta } from './params';
import { formatParamValue, parseParamText } from './param-syntax';

export interface DatasetFields {
  id: string;
  /** null: the dataset's own default. */
  size: number | null;
  noise: number | null;
  seed: number | null;
  classes: number | null;
  limit: number | null;
}

export interface ScheduleFields {
  stepEpochs: number;
  gamma: number;
  decayRate: number;
  warmupEpochs: number;
  minFactor: number;
}

export interface SpecForm {
  name: string;
  notes: string;
  dataset: DatasetFields;
  validationSplit: number;
  template: 'mlp' | 'cnn';
  mlp: { hidden: string; activation: Activation; dropout: number };
  cnn: {
    convBlocks: number;
    filterGrowth: number;
    stride: number;
    padding: 'same' | 'valid';
    batchNorm: boolean;
    activation: Activation;
    dense: string;
    dropout: number;
  };
  /** The text the user typed per hyperparameter (see param-syntax.ts). CNN-only ones may be blank. */
  params: Record<ParamName, string>;
  search: SearchFields;
  /** 'auto': the spec's default (val_loss, or train_loss without validation; losses minimised, accuracies maximised). */
  objective: { monitor: Monitor | 'auto'; direction: Direction | 'auto' };
  pruning: PruningFields;
  earlyStopping: { enabled: boolean; monitor: Monitor; patience: number; minDelta: number; restoreBest: boolean };
  training: { dropLastBatch: boolean; shuffle: boolean; checkpoints: 'best-and-last' | 'none'; schedule: ScheduleFields };
  /** Noise scale, sharpness, the LR range test run type (form/analysis-form.ts). */
  analysis: AnalysisForm;
  /** Parts of a loaded spec that the form has no field for (a validation file, plateau stopping), kept as they were. */
  extra: { validation?: unknown; plateau?: unknown };
}

export interface SearchFields {
  method: 'grid' | 'random' | 'tpe';
  trials: number;
  seed: number;
  startupTrials: number;
  candidates: number;
  multivariate: boolean;
}

export interface PruningFields {
  method: 'none' | 'median' | 'asha';
  startupTrials: number;
  warmupEpochs: number;
  intervalEpochs: number;
  minEpochs: number;
  reductionFactor: number;
  minEarlyStoppingRate: number;
}

/** The schema's defaults (contract/spec-description.ts): a blank form is what the CLI does with an empty spec. */
const D = SPEC_DEFAULTS;
export const DEFAULT_SCHEDULE: ScheduleFields = { ...D.scheduleOptions };
export const SCHEDULE_FIELDS = Object.keys(DEFAULT_SCHEDULE) as Array<keyof ScheduleFields>;
/** Random search and TPE have no default sample count in the spec (it must be chosen); the form starts here. */
const FIRST_RANDOM_TRIALS = 20;

// The contract's defaults (Optuna's), read from the schemas rather than written twice.
const TPE_DEFAULTS = searchSchema.parse({ method: 'tpe', trials: FIRST_RANDOM_TRIALS }) as Extract<SearchSpec, { method: 'tpe' }>;
const MEDIAN_DEFAULTS = pruningSchema.parse({ method: 'median' }) as Extract<PruningSpec, { method: 'median' }>;
const ASHA_DEFAULTS = pruningSchema.parse({ method: 'asha' }) as Extract<PruningSpec, { method: 'asha' }>;

export function defaultSearch(): SearchFields {
  const { trials, startupTrials, candidates, multivariate } = TPE_DEFAULTS;
  return { method: 'grid', trials, seed: 0, startupTrials, candidates, multivariate };
}

export function defaultPruning(): PruningFields {
  const { startupTrials, warmupEpochs, intervalEpochs } = MEDIAN_DEFAULTS;
  const { minEpochs, reductionFactor, minEarlyStoppingRate } = ASHA_DEFAULTS;
  return { method: 'none', startupTrials, warmupEpochs, intervalEpochs, minEpochs, reductionFactor, minEarlyStoppingRate };
}

/** Field text of every hyperparameter at its default; CNN-only ones blank (the template's default applies). */
function defaultParamText(): Record<ParamName, string> {
  const text = {} as Record<ParamName, string>;
  for (const name of PARAM_ORDER) {
    const value = paramMeta(name).cnnOnly ? undefined : paramDefault(name);
    text[name] = value === undefined ? '' : formatParamValue(value);
  }
  return text;
}

export function defaultForm(name = ''): SpecForm {
  return {
    name,
    notes: D.notes,
    dataset: { id: '', size: null, noise: null, seed: null, classes: null, limit: null },
    validationSplit: D.validation.split,
    template: 'mlp',
    mlp: { hidden: D.mlp.hidden.join(', '), activation: D.mlp.activation, dropout: D.mlp.dropout },
    cnn: {
      convBlocks: D.cnn.convBlocks, filterGrowth: D.cnn.filterGrowth, stride: D.cnn.stride, padding: D.cnn.padding, batchNorm: D.cnn.batchNorm,
      activation: D.cnn.activation, dense: D.cnn.dense.join(', '), dropout: D.cnn.dropout,
    },
    params: defaultParamText(),
    search: defaultSearch(),
    objective: { monitor: 'auto', direction: 'auto' },
    pruning: defaultPruning(),
    earlyStopping: { enabled: false, ...D.earlyStopping },
    training: { dropLastBatch: D.training.dropLastBatch, shuffle: D.training.shuffle, checkpoints: D.training.checkpoints, schedule: { ...DEFAULT_SCHEDULE } },
    analysis: defaultAnalysisForm(),
    extra: {},
  };
}

/** "64, 32" → [64, 32]; "" → [] (no hidden layer). */
export function parseUnits(text: string): { ok: true; value: number[] } | { ok: false; message: string } {
  const tokens = text.split(/[\s,;]+/).filter(Boolean);
  const value: number[] = [];
  for (const token of tokens) {
    if (!/^\d+$/.test(token) || Number(token) < 1) return { ok: false, message: `"${token}" is not a whole number of units` };
    value.push(Number(token));
  }
  return { ok: true, value };
}

export interface BuiltSpec {
  spec: ExperimentSpecInput;
  /** Problems found before asking the server: unreadable field text. Paths are spec paths. */
  issues: FieldIssue[];
}

/**
 * The form's problems before any request: unreadable field text, then everything the spec schema refuses
 * (all fields at once, with the schema's own messages). Schema issues on a field that could not be read are
 * left out, since the field's own message says more.
 */
export function localIssues(built: BuiltSpec): FieldIssue[] {
  const parsed = experimentSpecSchema.safeParse(built.spec);
  if (parsed.success) return built.issues;
  const unreadable = built.issues.map((i) => i.path);
  const schema = fieldIssues(parsed.error).filter((i) => !unreadable.some((p) => i.path === p || i.path.startsWith(`${p}.`)));
  return [...built.issues, ...schema];
}

export function formToSpec(form: SpecForm): BuiltSpec {
  const issues: FieldIssue[] = [];
  const params: Record<string, unknown> = {};
  for (const meta of PARAMS) {
    if (meta.cnnOnly && form.template !== 'cnn') continue;
    const text = form.params[meta.name] ?? '';
    // CNN fields may stay blank: the template's default is used.
    if (meta.cnnOnly && text.trim() === '') continue;
    const parsed = parseParamText(text, { kind: meta.kind, choices: meta.choices, label: meta.label });
    if (parsed.ok) params[meta.name] = parsed.value;
    else issues.push({ path: `params.${meta.name}`, message: parsed.message });
  }

  const dataset: Record<string, unknown> = { id: form.dataset.id };
  for (const key of ['size', 'noise', 'seed', 'classes', 'limit'] as const) {
    const value = form.dataset[key];
    if (value !== null && value !== undefined) dataset[key] = value;
  }

  let model: Record<string, unknown>;
  if (form.template === 'mlp') {
    const hidden = parseUnits(form.mlp.hidden);
    if (!hidden.ok) issues.push({ path: 'model.hidden', message: hidden.message });
    model = { template: 'mlp', hidden: hidden.ok ? hidden.value : [], activation: form.mlp.activation, dropout: form.mlp.dropout };
  } else {
    const dense = parseUnits(form.cnn.dense);
    if (!dense.ok) issues.push({ path: 'model.dense', message: dense.message });
    const { dense: _dense, ...rest } = form.cnn;
    model = { template: 'cnn', ...rest, dense: dense.ok ? dense.value : [] };
  }

  const training: Record<string, unknown> = {
    dropLastBatch: form.training.dropLastBatch,
    shuffle: form.training.shuffle,
    checkpoints: form.training.checkpoints,
    scheduleOptions: { ...form.training.schedule },
  };
  if (form.earlyStopping.enabled) {
    const { enabled: _enabled, ...earlyStopping } = form.earlyStopping;
    training.earlyStopping = earlyStopping;
  }
  if (form.extra.plateau !== undefined) training.plateau = form.extra.plateau;

  const analysis = analysisFormToSpec(form.analysis);
  const objective: Record<string, unknown> = {};
  if (form.objective.monitor !== 'auto') objective.monitor = form.objective.monitor;
  if (form.objective.direction !== 'auto') objective.direction = form.objective.direction;

  const spec = {
    name: form.name,
    notes: form.notes,
    dataset,
    validation: form.extra.validation ?? { split: form.validationSplit, seed: 0 },
    model,
    search: searchSpec(form.search),
    ...(Object.keys(objective).length ? { objective } : {}),
    ...(form.pruning.method !== 'none' ? { pruning: pruningSpec(form.pruning) } : {}),
    params,
    training,
    ...(analysis ? { analysis } : {}),
  } as ExperimentSpecInput;
  return { spec, issues };
}

function searchSpec(s: SearchFields): ExperimentSpecInput['search'] {
  if (s.method === 'grid') return { method: 'grid' };
  if (s.method === 'random') return { method: 'random', trials: s.trials, seed: s.seed };
  return { method: 'tpe', trials: s.trials, seed: s.seed, startupTrials: s.startupTrials, candidates: s.candidates, multivariate: s.multivariate };
}

function pruningSpec(p: PruningFields): ExperimentSpecInput['pruning'] {
  if (p.method === 'median') return { method: 'median', startupTrials: p.startupTrials, warmupEpochs: p.warmupEpochs, intervalEpochs: p.intervalEpochs };
  if (p.method === 'asha') return { method: 'asha', minEpochs: p.minEpochs, reductionFactor: p.reductionFactor, minEarlyStoppingRate: p.minEarlyStoppingRate };
  return { method: 'none' };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
const num = (value: unknown, fallback: number): number => (typeof value === 'number' && Number.isFinite(value) ? value : fallback);
const numOrNull = (value: unknown): number | null => (typeof value === 'number' && Number.isFinite(value) ? value : null);
const pick = <T extends string>(value: unknown, allowed: readonly T[], fallback: T): T =>
  typeof value === 'string' && (allowed as readonly string[]).includes(value) ? (value as T) : fallback;
const units = (value: unknown, fallback: string): string =>
  Array.isArray(value) ? value.map((v) => String(v)).join(', ') : fallback;

/**
 * Reads a spec file (already JSON-parsed) into the form. Tolerant: what cannot be shown is reported in
 * `warnings` and left at the form's default; the server's preview then judges the result.
 */
export function specToForm(raw: unknown): { form: SpecForm; warnings: string[] } {
  const form = defaultForm();
  const warnings: string[] = [];
  if (!isRecord(raw)) return { form, warnings: ['the file is not a JSON object with an experiment spec'] };
  const known = new Set(['name', 'notes', 'dataset', 'validation', 'model', 'search', 'objective', 'pruning', 'params', 'training', 'analysis']);
  for (const key of Object.keys(raw)) if (!known.has(key)) warnings.push(`ignored unknown key "${key}"`);

  if (typeof raw.name === 'string') form.name = raw.name;
  form.analysis = analysisSpecToForm(raw.analysis);
  if (typeof raw.notes === 'string') form.notes = raw.notes;

  if (isRecord(raw.dataset)) {
    const d = raw.dataset;
    form.dataset = {
      id: typeof d.id === 'string' ? d.id : '',
      size: numOrNull(d.size), noise: numOrNull(d.noise), seed: numOrNull(d.seed), classes: numOrNull(d.classes), limit: numOrNull(d.limit),
    };
  }

  if (isRecord(raw.validation)) {
    if ('dataset' in raw.validation) form.extra.validation = raw.validation;
    else form.validationSplit = num(raw.validation.split, form.validationSplit);
  }

  if (isRecord(raw.model)) {
    const m = raw.model;
    if (m.template === 'cnn') {
      form.template = 'cnn';
      const c = form.cnn;
      form.cnn = {
        convBlocks: num(m.convBlocks, c.convBlocks),
        filterGrowth: num(m.filterGrowth, c.filterGrowth),
        stride: num(m.stride, c.stride),
        padding: pick(m.padding, ['same', 'valid'] as const, c.padding),
        batchNorm: typeof m.batchNorm === 'boolean' ? m.batchNorm : c.batchNorm,
        activation: pick(m.activation, ACTIVATIONS, c.activation),
        dense: units(m.dense, c.dense),
        dropout: num(m.dropout, c.dropout),
      };
    } else if (m.template === 'mlp') {
      form.mlp = {
        hidden: units(m.hidden, form.mlp.hidden),
        activation: pick(m.activation, ACTIVATIONS, form.mlp.activation),
        dropout: num(m.dropout, form.mlp.dropout),
      };
    } else {
      warnings.push('model.template must be "mlp" or "cnn"; using mlp');
    }
  }

  if (isRecord(raw.search)) {
    const s = raw.search;
    const d = form.search;
    if (s.method === 'random' || s.method === 'tpe') {
      form.search = {
        method: s.method, trials: num(s.trials, d.trials), seed: num(s.seed, 0), startupTrials: num(s.startupTrials, d.startupTrials),
        candidates: num(s.candidates, d.candidates), multivariate: typeof s.multivariate === 'boolean' ? s.multivariate : d.multivariate,
      };
    } else if (s.method !== 'grid' && s.method !== undefined) {
      warnings.push('search.method must be "grid", "random" or "tpe"; using grid');
    }
  }

  if (isRecord(raw.objective)) {
    form.objective = {
      monitor: pick(raw.objective.monitor, MONITORS, 'auto' as Monitor | 'auto') as Monitor | 'auto',
      direction: pick(raw.objective.direction, DIRECTIONS, 'auto' as Direction | 'auto') as Direction | 'auto',
    };
  }

  if (isRecord(raw.pruning)) {
    const p = raw.pruning;
    const d = form.pruning;
    form.pruning = {
      method: pick(p.method, ['none', 'median', 'asha'] as const, 'none'),
      startupTrials: num(p.startupTrials, d.startupTrials), warmupEpochs: num(p.warmupEpochs, d.warmupEpochs), intervalEpochs: num(p.intervalEpochs, d.intervalEpochs),
      minEpochs: num(p.minEpochs, d.minEpochs), reductionFactor: num(p.reductionFactor, d.reductionFactor), minEarlyStoppingRate: num(p.minEarlyStoppingRate, d.minEarlyStoppingRate),
    };
  }

  {
    // A file without params means every param at the spec's default, as the CLI reads it.
    const p = isRecord(raw.params) ? raw.params : {};
    for (const key of Object.keys(p)) if (!(PARAM_ORDER as readonly string[]).includes(key)) warnings.push(`ignored unknown parameter "${key}"`);
    for (const name of PARAM_ORDER) {
      if (name in p) form.params[name] = formatParamValue(p[name]);
      // Absent params take the spec's defaults, which the CLI would apply too.
      else if (!paramMeta(name).cnnOnly) form.params[name] = defaultParamText()[name];
    }
  }

  if (isRecord(raw.training)) {
    const t = raw.training;
    form.training.dropLastBatch = t.dropLastBatch === true;
    form.training.shuffle = t.shuffle !== false;
    form.training.checkpoints = t.checkpoints === 'none' ? 'none' : 'best-and-last';
    if (isRecord(t.scheduleOptions)) {
      const s = t.scheduleOptions;
      const d = DEFAULT_SCHEDULE;
      form.training.schedule = {
        stepEpochs: num(s.stepEpochs, d.stepEpochs), gamma: num(s.gamma, d.gamma), decayRate: num(s.decayRate, d.decayRate),
        warmupEpochs: num(s.warmupEpochs, d.warmupEpochs), minFactor: num(s.minFactor, d.minFactor),
      };
    }
    if (isRecord(t.earlyStopping)) {
      const e = t.earlyStopping;
      const d = D.earlyStopping;
      form.earlyStopping = {
        enabled: true,
        monitor: pick(e.monitor, MONITORS, d.monitor),
        patience: num(e.patience, d.patience),
        minDelta: num(e.minDelta, d.minDelta),
        restoreBest: typeof e.restoreBest === 'boolean' ? e.restoreBest : d.restoreBest,
      };
    }
    if (t.plateau !== undefined) form.extra.plateau = t.plateau;
  }
  return { form, warnings };
}

/**
 * Every place in the form that shows issues, by spec path. Only paths the form displays are listed: an
 * issue on anything else (model.padding, search.method, …) falls back to its nearest listed parent, or to
 * the general list above the Run button, so no message is ever swallowed.
 */
export const FIELD_PATHS: readonly string[] = [
  'name', 'notes',
  'dataset.id', 'dataset.size', 'dataset.noise', 'dataset.classes', 'dataset.limit', 'dataset',
  'validation.split', 'validation',
  'model.template', 'model.hidden', 'model.dropout', 'model.convBlocks', 'model.filterGrowth', 'model.stride', 'model.dense', 'model',
  ...PARAM_ORDER.map((name) => `params.${name}`), 'params',
  'search.trials', 'search.seed', 'search.startupTrials', 'search.candidates', 'search',
  'objective.monitor', 'objective.direction', 'objective',
  'pruning.startupTrials', 'pruning.warmupEpochs', 'pruning.intervalEpochs', 'pruning.minEpochs', 'pruning.reductionFactor', 'pruning.minEarlyStoppingRate', 'pruning',
  'training.earlyStopping.monitor', 'training.earlyStopping.patience', 'training.earlyStopping.minDelta', 'training.earlyStopping',
  ...SCHEDULE_FIELDS.map((key) => `training.scheduleOptions.${key}`),
  'training',
  'analysis.runType', 'analysis.noiseScale', 'analysis.sharpness', 'analysis.lrRange', 'analysis',
];

/**
 * Groups issues by the form field they belong to. API issue paths look like `spec.params.batchSize.2` or
 * `params.learningRate.from` (depending on which check found them); each goes to the most specific known
 * field that is a prefix of it. What matches no field lands under '' (shown above the Run button).
 */
export function issuesByField(issues: readonly FieldIssue[], fields: readonly string[] = FIELD_PATHS): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const issue of issues) {
    const path = issue.path.replace(/^spec(\.|$)/, '');
    let best = '';
    for (const field of fields) {
      if ((path === field || path.startsWith(`${field}.`)) && field.length > best.length) best = field;
    }
    const list = (out[best] ??= []);
    if (!list.includes(issue.message)) list.push(issue.message);
  }
  return out;
}
