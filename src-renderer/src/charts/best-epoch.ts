/**
 * The best-epoch table under the Compare charts, and the sentence on top of it. It answers the question the
 * view exists for: which group reached the best value of the monitored metric, at which epoch, after how
 * many iterations and samples. Every best epoch here is the one the engine stored for its run
 * (`RunSummary.bestEpoch`); nothing is re-judged. Runs are compared at their best epoch, not their last.
 */
import { higherIsBetter, type EpochMetric, type Monitor, type RunSummary } from '../contract';
import { meanStd } from './aggregate';
import { legendGroups, type GroupBy, type GroupLines } from './groups';
import { monitorLabel, rankingRule, runSetLabel, storedBestValue, type RunSet } from './run-set';
import { formatCount, formatDuration, formatNumber } from '../lib/format';

export interface BestEpochRow {
  key: string;
  group: string;
  color: string;
  runs: number;
  /** The group's best run (by its stored best value) and what it had reached at its stored best epoch. */
  runId: number | null;
  runLabel: string;
  value: number | null;
  valLoss: number | null;
  valAccuracy: number | null;
  trainLoss: number | null;
  epoch: number | null;
  /** Known once the run's epoch rows are loaded. */
  step: number | null;
  samplesSeen: number | null;
  elapsedMs: number | null;
  /** Mean ± std of the runs' stored best values and best epochs (more than one run with a value). */
  meanBest: number | null;
  stdBest: number | null;
  meanEpoch: number | null;
  /** Runs of the group that stopped early. */
  earlyStopped: number;
  winner: boolean;
}

export interface BestEpochTable {
  monitor: Monitor;
  rows: BestEpochRow[];
}

type Epochs = Readonly<Record<number, readonly EpochMetric[]>>;

export function bestEpochTable(set: RunSet, epochs: Epochs, groupBy: GroupBy, show: GroupLines = 'each'): BestEpochTable {
  const { monitor } = rankingRule(set);
  const higher = higherIsBetter(monitor);
  const better = (a: number, b: number) => (higher ? a > b : a < b);
  const rows = legendGroups(set, groupBy, show, epochs).map((group): BestEpochRow => {
    const scored = group.runs.map((run) => ({ run, value: storedBestValue(run, monitor, epochs[run.id]) }));
    let top: { run: RunSummary; value: number } | null = null;
    for (const s of scored) if (s.value !== null && (top === null || better(s.value, top.value))) top = { run: s.run, value: s.value };
    const at = top && top.run.bestEpoch !== null ? (epochs[top.run.id] ?? []).find((m) => m.epoch === top!.run.bestEpoch) ?? null : null;
    const values = meanStd(scored.map((s) => s.value));
    const bestEpochs = meanStd(group.runs.filter((r) => storedBestValue(r, monitor, epochs[r.id]) !== null).map((r) => r.bestEpoch));
    return {
      key: group.key,
      group: group.name,
      color: group.color,
      runs: group.runs.length,
      runId: top?.run.id ?? null,
      runLabel: top ? runSetLabel(set, top.run) : '',
      value: top?.value ?? null,
      valLoss: top?.run.bestValLoss ?? null,
      valAccuracy: top?.run.bestValAccuracy ?? null,
      trainLoss: top?.run.bestTrainLoss ?? null,
      epoch: top?.run.bestEpoch ?? null,
      step: at?.step ?? null,
      samplesSeen: at?.samplesSeen ?? null,
      elapsedMs: at?.elapsedMs ?? null,
      meanBest: values && values.n > 1 ? values.mean : null,
      stdBest: values && values.n > 1 ? values.std : null,
      meanEpoch: bestEpochs && bestEpochs.n > 1 ? bestEpochs.mean : null,
      earlyStopped: group.runs.filter((r) => r.status === 'early-stopped').length,
      winner: false,
    };
  });
  let winner: BestEpochRow | null = null;
  for (const row of rows) if (row.value !== null && (winner === null || better(row.value, winner.value!))) winner = row;
  if (winner) winner.winner = true;
  return { monitor, rows };
}

/** "Lowest validation loss", "Highest validation accuracy"… */
export function answerLead(monitor: Monitor): string {
  return `${higherIsBetter(monitor) ? 'Highest' : 'Lowest'} ${monitorLabel(monitor)}`;
}

export function formatMonitored(monitor: Monitor, value: number | null): string {
  return monitor.endsWith('accuracy') && value !== null ? `${(value * 100).toFixed(2)} %` : formatNumber(value);
}

export interface SentencePart {
  text: string;
  strong?: boolean;
}

/** The answer in words, as the Compare view and the report print it: plain text parts, some stressed (callers escape). */
export function answerParts(table: BestEpochTable): SentencePart[] | null {
  const w = table.rows.find((r) => r.winner);
  if (!w) return null;
  const parts: SentencePart[] = [
    { text: `${answerLead(table.monitor)}: ` },
    { text: w.group, strong: true },
    { text: ' — ' },
    { text: formatMonitored(table.monitor, w.value), strong: true },
    { text: ' at epoch ' },
    { text: String(w.epoch ?? '—'), strong: true },
  ];
  if (w.step !== null) {
    parts.push({ text: ', after ' }, { text: formatCount(w.step), strong: true }, { text: ' iterations and ' }, { text: formatCount(w.samplesSeen), strong: true }, { text: ' samples seen' });
  }
  if (w.elapsedMs !== null) parts.push({ text: ` (${formatDuration(w.elapsedMs / 1000)} of training)` });
  parts.push({ text: '.' });
  if (w.runs > 1) parts.push({ text: ` Best run of the group: ${w.runLabel}.` });
  return parts;
}

export function answerSentence(table: BestEpochTable): string | null {
  return answerParts(table)?.map((p) => p.text).join('') ?? null;
}
