/** Plain-text renderings for the terminal: tables of runs, epochs and datasets. */
import Table from 'cli-table3';
import {
  PARAM_ORDER, formatParamScalar, paramValue, runDisplayId, shortParamLabel, varyingParams, type DatasetInfo, type SystemInfo,
  type EpochMetric, type ExperimentPreview, type ExperimentSummary, type ParamImportance, type RunDetail, type RunSummary,
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

/** Multi-line user text (notes) for the terminal: lines kept, every other control character removed. */
export function plainLines(text: string): string {
  return text.split(/\r?\n/).map(plain).join('\n');
}

/** Tags as `#tag` words, or ''. */
export function tagsText(tags: readonly string[]): string {
  return tags.map((t) => `#${plain(t)}`).join(' ');
}

/** A run's status, with the epoch it stopped after when it ended early. */
function statusText(run: RunSummary): string {
  return run.stopEpoch !== null && run.status !== 'interrupted' ? `${run.status} (epoch ${run.stopEpoch})` : run.status;
}

export function runsTable(runs: RunSummary[]): string {
  const params = varyingParams(runs);
  const tagged = runs.some((r) => r.tags.length > 0);
  const table = newTable([
    'run', 'trial', ...params.map(shortParamLabel), 'status', 'best epoch', 'best val loss', 'best val acc', 'it/epoch', 'last batch', 'iterations', 'time',
    ...(tagged ? ['tags'] : []),
  ]);
  for (const r of runs) {
    table.push([
      r.id, r.index + 1, ...params.map((p) => formatParamScalar(paramValue(r.params, p))), statusText(r), r.bestEpoch ?? '—', num(r.bestValLoss),
      num(r.bestValAccuracy), r.accounting.iterationsPerEpoch, r.accounting.lastBatchSize, `${r.stepsDone}/${r.accounting.totalIterations}`,
      duration(r.seconds), ...(tagged ? [tagsText(r.tags)] : []),
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
    `${runDisplayId(run)} — ${run.status}${run.error ? `: ${plain(run.error)}` : ''}`,
    run.endReason ? `ended: ${plain(run.endReason)}` : '',
    run.tags.length ? `tags: ${tagsText(run.tags)}` : '',
    run.notes ? `notes: ${plainLines(run.notes).replace(/\n/g, '\n       ')}` : '',
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
  const tagged = experiments.some((e) => e.tags.length > 0);
  const table = newTable(['id', 'name', 'status', 'progress', 'dataset', 'model', 'runs by status', 'best val loss', 'created', ...(tagged ? ['tags'] : [])]);
  for (const e of experiments) {
    const counts = Object.entries(e.counts).map(([s, n]) => `${s} ${n}`).join(', ');
    const progress = `${e.progress.endedTrials}/${e.progress.trials} trials, ${Math.floor(e.progress.fraction * 100)}%`;
    table.push([
      e.id, plain(e.name), e.status, progress, plain(e.datasetId), e.template, counts, `${num(e.bestValLoss)}${e.bestRunId ? ` (run ${e.bestRunId})` : ''}`,
      e.createdAt.slice(0, 19).replace('T', ' '), ...(tagged ? [tagsText(e.tags)] : []),
    ]);
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
