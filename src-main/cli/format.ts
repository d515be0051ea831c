/** Plain-text renderings for the terminal: tables of runs, epochs and datasets. */
import Table from 'cli-table3';
import {
  PARAM_ORDER, type DatasetInfo, type SystemInfo, type EpochMetric, type ExperimentPreview, type ExperimentSummary, type ParamImportance,
  type ParamName, type RunDetail, type RunSummary, type TrialParams,
} from '../contract';

/** Borderless between rows, so long tables stay readable in a terminal. */
export function newTable(head: Array<string | number>): Table.Table {
  return new Table({
    head: head.map(String),
    style: { head: [], border: [] },
    chars: { mid: '', 'left-mid': '', 'mid-mid': '', 'right-mid': '' },
  });
}

/** User text (names) may hold terminal escape sequences: print it without control characters. */
export function plain(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f-\u009f]/g, ' ');
}

export function num(value: number | null | undefined, digits = 4): string {
  if (value === null || value === undefined) return '—';
  if (!Number.isFinite(value)) return String(value);
  if (Number.isInteger(value)) return String(value);
  return Math.abs(value) >= 1e-3 && Math.abs(value) < 1e5 ? value.toFixed(digits) : value.toExponential(2);
}

export function duration(seconds: number | null): string {
  if (seconds === null) return '—';
  if (seconds < 60) return `${seconds.toFixed(1)}s`;
  const m = Math.floor(seconds / 60);
  return m < 60 ? `${m}m${String(Math.round(seconds % 60)).padStart(2, '0')}s` : `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m`;
}

/** The parameters that differ between trials (the ones worth a column). */
export function varyingParams(params: TrialParams[]): ParamName[] {
  return PARAM_ORDER.filter((p) => new Set(params.map((t) => JSON.stringify(t[p]))).size > 1);
}

const LABELS: Partial<Record<ParamName, string>> = { learningRate: 'lr', batchSize: 'batch', weightDecay: 'wd', kernelSize: 'kernel', poolSize: 'pool size' };
const label = (p: ParamName) => LABELS[p] ?? p;

export function runsTable(runs: RunSummary[]): string {
  const params = varyingParams(runs.map((r) => r.params));
  const table = newTable(['run', ...params.map(label), 'status', 'best epoch', 'best val loss', 'best val acc', 'it/epoch', 'last batch', 'iterations', 'time']);
  for (const r of runs) {
    table.push([
      r.id, ...params.map((p) => String(r.params[p])), r.status, r.bestEpoch ?? '—', num(r.bestValLoss), num(r.bestValAccuracy),
      r.accounting.iterationsPerEpoch, r.accounting.lastBatchSize, `${r.stepsDone}/${r.accounting.totalIterations}`, duration(r.seconds),
    ]);
  }
  return table.toString();
}

export function previewTable(preview: ExperimentPreview): string {
  const lines = preview.proposed
    ? [
      `${preview.trialCount} trial(s) proposed by TPE while training, on ${preview.dataset.name}: N train = ${preview.nTrain}, N val = ${preview.nVal}, at most ${preview.totalIterations} iterations in all`,
      preview.batchSizeRange ? `batch sizes that can occur: any from ${preview.batchSizeRange.from} to ${preview.batchSizeRange.to} (the table shows the two ends)` : 'batch sizes that can occur:',
    ]
    : [`${preview.trialCount} trial(s) on ${preview.dataset.name}: N train = ${preview.nTrain}, N val = ${preview.nVal}, ${preview.totalIterations} iterations in all`];
  const table = newTable(['batch size', 'effective', 'iterations/epoch', 'last batch', 'total iterations']);
  for (const b of preview.batchSizes) table.push([b.batchSize, b.effectiveBatchSize, b.iterationsPerEpoch, b.lastBatchSize, b.totalIterations.join(', ')]);
  lines.push(table.toString());
  for (const w of preview.warnings) lines.push(`warning: ${w}`);
  return lines.join('\n');
}

const BAR_WIDTH = 30;

export function importanceTable(result: ParamImportance): string {
  const lines = [`importance of each hyperparameter for the best ${result.objective.monitor} (${result.objective.direction}), fANOVA over ${result.trials} completed trials:`];
  const table = newTable(['hyperparameter', 'importance', '']);
  for (const { param, importance } of result.importances) {
    table.push([param, importance.toFixed(3), '█'.repeat(Math.round(importance * BAR_WIDTH))]);
  }
  lines.push(table.toString());
  return lines.join('\n');
}

export function epochsTable(epochs: EpochMetric[], bestEpoch: number | null): string {
  const table = newTable(['epoch', 'step', 'samples', 'train loss', 'train acc', 'val loss', 'val acc', 'gap', 'lr', 'seconds']);
  for (const e of epochs) {
    const gap = e.valLoss !== null && e.trainLoss !== null ? e.valLoss - e.trainLoss : null;
    table.push([`${e.epoch}${e.epoch === bestEpoch ? ' *' : ''}`, e.step, e.samplesSeen, num(e.trainLoss), num(e.trainAccuracy), num(e.valLoss), num(e.valAccuracy), num(gap), num(e.learningRate), num(e.seconds, 2)]);
  }
  return table.toString();
}

export function runDetailText(run: RunDetail): string {
  const a = run.accounting;
  return [
    `run ${run.id} (experiment ${run.experimentId}, trial ${run.index + 1}) — ${run.status}${run.error ? `: ${run.error}` : ''}`,
    `params: ${PARAM_ORDER.filter((p) => run.params[p] !== undefined).map((p) => `${p}=${run.params[p]}`).join(' ')}`,
    `model: ${JSON.stringify(run.config.model)}`,
    `dataset: ${run.config.dataset.id}  fingerprint ${run.datasetFingerprint ?? '—'}  validation ${JSON.stringify(run.config.validation)}`,
    `backend: ${run.backend ? `${run.backend.name} ${run.backend.version} on ${run.backend.device}` : '—'}`,
    `iterations: N = ${a.nTrain}, B = ${a.batchSize}${a.effectiveBatchSize !== a.batchSize ? ` (effective ${a.effectiveBatchSize})` : ''} → ${a.iterationsPerEpoch} per epoch (last batch ${a.lastBatchSize}${a.dropLastBatch ? ', partial batch dropped' : ''}), ${a.epochs} epochs → ${a.totalIterations} total; done ${run.stepsDone}`,
    `best epoch: ${run.bestEpoch ?? '—'}  val loss ${num(run.bestValLoss)}  val acc ${num(run.bestValAccuracy)}  train loss ${num(run.bestTrainLoss)}`,
    run.divergedAtStep !== null ? `diverged at step ${run.divergedAtStep}` : '',
    `checkpoints: ${run.checkpoints.map((c) => `${c.kind} (epoch ${c.epoch}, ${c.path})`).join(', ') || '—'}`,
    '',
    epochsTable(run.epochs, run.bestEpoch),
  ].filter((l) => l !== '').join('\n');
}

export function experimentsTable(experiments: ExperimentSummary[]): string {
  const table = newTable(['id', 'name', 'status', 'dataset', 'model', 'trials', 'runs by status', 'best val loss', 'created']);
  for (const e of experiments) {
    const counts = Object.entries(e.counts).map(([s, n]) => `${s} ${n}`).join(', ');
    table.push([e.id, plain(e.name), e.status, plain(e.datasetId), e.template, e.trialCount, counts, `${num(e.bestValLoss)}${e.bestRunId ? ` (run ${e.bestRunId})` : ''}`, e.createdAt.slice(0, 19).replace('T', ' ')]);
  }
  return table.toString();
}

export function datasetsTable(datasets: DatasetInfo[]): string {
  const table = newTable(['id', 'name', 'source', 'kind', 'rows', 'input shape', 'classes']);
  for (const d of datasets) table.push([plain(d.id), plain(d.name), d.source, d.kind, d.rows, `[${d.inputShape.join(', ')}]`, d.numClasses]);
  return table.toString();
}

export function systemInfoText(info: SystemInfo): string {
  const lines = [
    `Epochlab ${info.version}`,
    `data folder: ${info.dataDir}`,
    `cores: ${info.cores}; trials trained at once by default: ${info.defaultConcurrency}, in ${info.isolation === 'process' ? 'a process each' : 'worker threads'}`,
    'backends, in the order auto picks them:',
  ];
  for (const b of info.backends) {
    lines.push(`  ${b.available ? '✓' : '✗'} ${b.name.padEnd(15)} ${b.available ? `${b.version ?? ''} on ${b.device ?? 'unknown device'}` : b.reason ?? 'not available'}`);
  }
  return lines.join('\n');
}
