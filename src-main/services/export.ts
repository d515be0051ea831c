/** Experiment export: CSV (one row per run and epoch, params as columns) or JSON (everything but iterations). */
import { PARAM_ORDER, type EpochMetric, type ExperimentDetail, type ExportFile } from '../contract';

export function exportJson(detail: ExperimentDetail, epochs: Map<number, EpochMetric[]>): ExportFile {
  const { runs, ...experiment } = detail;
  const body = { format: 'epochlab-export-v1', experiment, runs: runs.map((run) => ({ ...run, epochs: epochs.get(run.id) ?? [] })) };
  return { filename: `${slug(detail.name)}-${detail.id}.json`, mime: 'application/json', content: `${JSON.stringify(body, null, 2)}\n` };
}

const EPOCH_COLUMNS = ['epoch', 'step', 'samplesSeen', 'trainLoss', 'trainAccuracy', 'valLoss', 'valAccuracy', 'learningRate', 'seconds'] as const;

export function exportCsv(detail: ExperimentDetail, epochs: Map<number, EpochMetric[]>): ExportFile {
  const params = PARAM_ORDER.filter((p) => detail.runs.some((r) => r.params[p] !== undefined));
  const header = ['experimentId', 'runId', 'trial', 'status', ...params, 'iterationsPerEpoch', 'lastBatchSize', 'bestEpoch', ...EPOCH_COLUMNS];
  const lines = [header.join(',')];
  for (const run of detail.runs) {
    const fixed = [detail.id, run.id, run.index, run.status, ...params.map((p) => run.params[p]), run.accounting.iterationsPerEpoch, run.accounting.lastBatchSize, run.bestEpoch];
    for (const e of epochs.get(run.id) ?? []) lines.push([...fixed, ...EPOCH_COLUMNS.map((c) => e[c])].map(csvCell).join(','));
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
