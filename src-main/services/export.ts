/** Experiment export: CSV (one row per run and epoch, params as columns) or JSON (everything but iterations). */
import { PARAM_ORDER, trialNumber, type EpochMetric, type ExperimentDetail, type ExportFile, type RunSummary } from '../contract';

export function exportJson(detail: ExperimentDetail, epochs: Map<number, EpochMetric[]>): ExportFile {
  const { runs, ...experiment } = detail;
  const body = {
    format: 'epochlab-export-v1',
    experiment,
    runs: runs.map((run) => ({ ...run, trial: trialNumber(run), epochs: epochs.get(run.id) ?? [] })),
  };
  return { filename: `${slug(detail.name)}-${detail.id}.json`, mime: 'application/json', content: `${JSON.stringify(body, null, 2)}\n` };
}

/**
 * Per-epoch columns. The learning rate the schedule reached at the end of the epoch is `epochLearningRate`,
 * so it never shares a name with the `learningRate` hyperparameter column.
 */
const EPOCH_COLUMNS: ReadonlyArray<[header: string, value: (e: EpochMetric) => unknown]> = [
  ['epoch', (e) => e.epoch],
  ['step', (e) => e.step],
  ['samplesSeen', (e) => e.samplesSeen],
  ['trainLoss', (e) => e.trainLoss],
  ['trainAccuracy', (e) => e.trainAccuracy],
  ['valLoss', (e) => e.valLoss],
  ['valAccuracy', (e) => e.valAccuracy],
  ['epochLearningRate', (e) => e.learningRate],
  ['seconds', (e) => e.seconds],
];

/** Per-run columns after the parameters. Tags are joined with spaces (a tag never holds one). */
const RUN_COLUMNS: ReadonlyArray<[header: string, value: (r: RunSummary) => unknown]> = [
  ['iterationsPerEpoch', (r) => r.accounting.iterationsPerEpoch],
  ['lastBatchSize', (r) => r.accounting.lastBatchSize],
  ['bestEpoch', (r) => r.bestEpoch],
  ['stopEpoch', (r) => r.stopEpoch],
  ['endReason', (r) => r.endReason],
  ['error', (r) => r.error],
  ['runTags', (r) => r.tags.join(' ')],
  ['runNotes', (r) => r.notes],
];

export function exportCsv(detail: ExperimentDetail, epochs: Map<number, EpochMetric[]>): ExportFile {
  const params = PARAM_ORDER.filter((p) => detail.runs.some((r) => r.params[p] !== undefined));
  const header = [
    'experimentId', 'experimentTags', 'runId', 'trial', 'status', ...params, ...RUN_COLUMNS.map(([h]) => h), ...EPOCH_COLUMNS.map(([h]) => h),
  ];
  const lines = [header.join(',')];
  const experimentTags = detail.tags.join(' ');
  for (const run of detail.runs) {
    const fixed = [detail.id, experimentTags, run.id, trialNumber(run), run.status, ...params.map((p) => run.params[p]), ...RUN_COLUMNS.map(([, v]) => v(run))];
    const rows = epochs.get(run.id) ?? [];
    // A run with no finished epoch still gets a row, so its status, reason, tags and notes are exported.
    if (rows.length === 0) lines.push([...fixed, ...EPOCH_COLUMNS.map(() => null)].map(csvCell).join(','));
    for (const e of rows) lines.push([...fixed, ...EPOCH_COLUMNS.map(([, v]) => v(e))].map(csvCell).join(','));
  }
  return { filename: `${slug(detail.name)}-${detail.id}.csv`, mime: 'text/csv', content: `${lines.join('\n')}\n` };
}

/** Quotes what needs quoting, and defuses cells a spreadsheet would run as a formula. */
export function csvCell(value: unknown): string {
  if (value === null || value === undefined) return '';
  let text = String(value);
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

function slug(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 60) || 'experiment';
}
