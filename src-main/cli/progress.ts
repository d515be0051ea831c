/**
 * Live progress of `epochlab run`: an overall bar (iterations across all trials, with ETA) and one bar per
 * training trial on a terminal; one line per finished trial otherwise (CI logs, pipes).
 */
import { MultiBar, Presets, type SingleBar } from 'cli-progress';
import type { EpochlabEvent, RunSummary } from '../contract';
import { num, plain } from './format';

export interface ProgressView {
  onEvent(event: EpochlabEvent): void;
  /** A run the study proposed after the start (TPE): it joins the bars and the totals. */
  addRun(run: RunSummary): void;
  /** Whether the view knows this run yet. */
  has(runId: number): boolean;
  stop(): void;
}

/** Why a run ended, after its status: the error of a failure, or the rule or cancellation that ended it. */
function outcome(event: Extract<EpochlabEvent, { type: 'run-status' }>): string {
  const why = event.error ?? event.endReason;
  return why ? ` — ${plain(why)}` : '';
}

/** `planned`: runs the study will have (more than `runs` while TPE still proposes). */
export function createProgress(runs: RunSummary[], stream: NodeJS.WriteStream, describe: (run: RunSummary) => string, planned = runs.length): ProgressView {
  const byId = new Map(runs.map((r) => [r.id, r]));
  // "run 3 lr=0.1", or just "run 3" when nothing varies (a single trial).
  const name = (runId: number) => {
    const run = byId.get(runId);
    const text = run ? describe(run) : '';
    return text ? `run ${runId} ${text}` : `run ${runId}`;
  };
  // Runs not proposed yet are counted at the mean size of the known ones.
  const estimatedTotal = () => {
    const known = [...byId.values()].reduce((n, r) => n + r.accounting.totalIterations, 0);
    return byId.size ? Math.round(known + (Math.max(planned, byId.size) - byId.size) * (known / byId.size)) : 0;
  };
  let total = estimatedTotal();
  const count = () => Math.max(planned, byId.size);
  const done = new Map<number, number>();
  const finished = new Set<number>();
  const overallDone = () => [...done.values()].reduce((a, b) => a + b, 0);

  if (!stream.isTTY) {
    return {
      onEvent(event) {
        if (event.type !== 'run-status' || event.status === 'running' || finished.has(event.runId)) return;
        finished.add(event.runId);
        stream.write(`[${finished.size}/${count()}] ${name(event.runId)}: ${event.status}${outcome(event)}\n`);
      },
      addRun(run) {
        byId.set(run.id, run);
      },
      has: (runId) => byId.has(runId),
      stop() {},
    };
  }

  const multi = new MultiBar(
    { clearOnComplete: false, hideCursor: true, format: ' {label} |{bar}| {percentage}% {value}/{total} it | {info}', etaBuffer: 50, fps: 5, stream },
    Presets.shades_classic,
  );
  const overall = multi.create(total, 0, { label: 'all trials'.padEnd(28), info: `0/${count()} done | ETA —` });
  const bars = new Map<number, SingleBar>();
  const started = Date.now();
  const refreshOverall = () => {
    const value = overallDone();
    const elapsed = (Date.now() - started) / 1000;
    const eta = value > 0 ? ((total - value) * elapsed) / value : null;
    overall.update(value, { info: `${finished.size}/${count()} done | ETA ${eta === null ? '—' : `${Math.round(eta)}s`}` });
  };
  return {
    onEvent(event) {
      if (event.type === 'run-progress') {
        const run = byId.get(event.runId);
        if (!run) return;
        let bar = bars.get(event.runId);
        if (!bar) {
          bar = multi.create(event.totalSteps, 0, { label: name(run.id).slice(0, 28).padEnd(28), info: '' });
          bars.set(event.runId, bar);
        }
        done.set(event.runId, event.step);
        bar.update(event.step, { info: `epoch ${event.epoch} loss ${num(event.loss)} ${Math.round(event.samplesPerSecond)} samples/s` });
        refreshOverall();
      } else if (event.type === 'run-status' && event.status !== 'running') {
        finished.add(event.runId);
        const bar = bars.get(event.runId);
        if (bar) {
          bar.update({ info: event.status });
          multi.remove(bar);
          bars.delete(event.runId);
        }
        const run = byId.get(event.runId);
        if (run) done.set(event.runId, run.accounting.totalIterations);
        multi.log(`${name(event.runId)}: ${event.status}${outcome(event)}\n`);
        refreshOverall();
      }
    },
    addRun(run) {
      byId.set(run.id, run);
      total = estimatedTotal();
      overall.setTotal(total);
    },
    has: (runId) => byId.has(runId),
    stop() {
      refreshOverall();
      multi.stop();
    },
  };
}
