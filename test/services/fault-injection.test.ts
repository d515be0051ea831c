/**
 * Injected SQLite failures (docs/reliability.md D3, D4): a small real run is recorded once (worker messages
 * of two trials), then replayed through the real services, runner and store once per statement the store
 * executes, with a real SqliteError thrown at statement N — for every N, and for IOERR and BUSY (once, as
 * transient errors come) and FULL and CORRUPT (from N on, as a full disk or a damaged file stays). Each
 * time: the failure is surfaced (an API call or the start rejects, or a run's end reason names it),
 * nothing is left `running` after a restart, the file checks ok, and stored rows are whole (ceil(N/B)
 * iteration rows per stored epoch, steps contiguous, no duplicates).
 */
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseApiInput, type EpochlabEvent, type ExperimentSpecInput, type FromWorker, type TrainJob, type TrialEnd } from '../../src-main/contract';
import type { TrialRunner, WorkerMessageHandler } from '../../src-main/engine/pool/trial-runner';
import { TrainingPool } from '../../src-main/engine/pool/pool';
import { databasePath } from '../../src-main/services/data-dir';
import { openStore } from '../../src-main/store';
import { moonsSpec, openServices, tempDataDir, WORKER_SCRIPT } from './harness';

interface Recorded {
  messages: FromWorker[];
  end: TrialEnd;
}

/** Two trials of 2 epochs of 3 batches each, with checkpoints: every kind of write the runner makes. */
const SPEC: ExperimentSpecInput = moonsSpec({ batchSize: [64, 100], epochs: 2 }, { dataset: { id: 'moons', size: 300, noise: 0.2, seed: 1 } });

/** Passes trials to a real pool and keeps what they sent, by run id. */
class RecordingRunner implements TrialRunner {
  readonly recorded = new Map<number, Recorded>();
  constructor(private readonly inner: TrialRunner) {}
  get concurrency() {
    return this.inner.concurrency;
  }
  async submit(job: TrainJob, onMessage: WorkerMessageHandler): Promise<TrialEnd> {
    const messages: FromWorker[] = [];
    const end = await this.inner.submit(job, (m) => {
      messages.push(m);
      onMessage(m);
    });
    this.recorded.set(job.runId, { messages, end });
    return end;
  }
  cancel = (runId: number) => this.inner.cancel(runId);
  runningRunIds = () => this.inner.runningRunIds();
  queuedRunIds = () => this.inner.queuedRunIds();
  close = (graceMs?: number) => this.inner.close(graceMs);
}

/** Plays recorded trials back, one at a time, as a pool would deliver them (asynchronously, cancellable). */
class ReplayRunner implements TrialRunner {
  readonly concurrency = 1;
  private readonly cancelled = new Set<number>();
  private readonly running = new Set<number>();
  private chain: Promise<unknown> = Promise.resolve();
  constructor(private readonly recorded: Map<number, Recorded>) {}
  submit(job: TrainJob, onMessage: WorkerMessageHandler): Promise<TrialEnd> {
    const turn = this.chain.then(() => this.play(job.runId, onMessage));
    this.chain = turn;
    return turn;
  }
  private async play(runId: number, onMessage: WorkerMessageHandler): Promise<TrialEnd> {
    const script = this.recorded.get(runId)!;
    this.running.add(runId);
    try {
      for (const message of script.messages) {
        await new Promise((r) => setImmediate(r));
        if (this.cancelled.has(runId)) return { status: 'cancelled', reason: 'cancelled by the user', bestEpoch: null };
        try {
          onMessage(message);
        } catch {
          // As the pool does: a failing listener reports through its own state.
        }
      }
      return script.end;
    } finally {
      this.running.delete(runId);
    }
  }
  cancel(runId: number): boolean {
    this.cancelled.add(runId);
    return true;
  }
  runningRunIds = () => [...this.running];
  queuedRunIds = () => [];
  close = async () => undefined;
}

/** Throws a real SqliteError from the Nth statement execution on (once, or for good). */
class StatementFaults {
  private readonly proto: Record<string, (...args: unknown[]) => unknown>;
  private readonly originals = new Map<string, (...args: unknown[]) => unknown>();
  private readonly state = { calls: 0, fired: 0, failAt: Infinity, persistent: false, code: '' };

  constructor() {
    const db = new Database(':memory:');
    this.proto = Object.getPrototypeOf(db.prepare('SELECT 1')) as Record<string, (...args: unknown[]) => unknown>;
    db.close();
    const state = this.state;
    for (const method of ['run', 'get', 'all', 'iterate']) {
      const original = this.proto[method];
      this.originals.set(method, original);
      this.proto[method] = function (this: { source: string }, ...args: unknown[]) {
        state.calls++;
        // A rollback is never refused: SQLite can always undo (a full disk included).
        const isRollback = this.source.startsWith('ROLLBACK');
        if (!isRollback && (state.calls === state.failAt || (state.persistent && state.calls > state.failAt))) {
          state.fired++;
          throw new Database.SqliteError(`injected ${state.code} at statement ${state.calls}`, state.code);
        }
        return original.apply(this, args);
      };
    }
  }

  get calls(): number {
    return this.state.calls;
  }

  get fired(): number {
    return this.state.fired;
  }

  arm(failAt: number, code: string, persistent: boolean): void {
    Object.assign(this.state, { calls: 0, fired: 0, failAt, code, persistent });
  }

  disarm(): void {
    Object.assign(this.state, { failAt: Infinity, persistent: false });
  }

  restore(): void {
    for (const [method, original] of this.originals) this.proto[method] = original;
  }
}

let recorded: Map<number, Recorded>;
let totalCalls = 0;
let faults: StatementFaults;

beforeAll(async () => {
  const data = tempDataDir();
  const recorder = new RecordingRunner(new TrainingPool({ workerScript: WORKER_SCRIPT, concurrency: 1 }));
  try {
    const services = await openServices(data.dir, { trialRunner: recorder });
    await services.api.createExperiment(parseApiInput('createExperiment', { spec: SPEC }));
    await services.runner.idle();
    await services.close();
    recorded = recorder.recorded;
  } finally {
    data.cleanup();
  }
  faults = new StatementFaults();
  // A clean replay: how many statements a whole run costs (start, train both trials, close).
  faults.arm(Infinity, 'none', false);
  const clean = await scenario();
  expect(clean.surfaced).toEqual([]);
  expect(clean.statuses).toEqual(['completed', 'completed']);
  totalCalls = clean.calls;
}, 120_000);
afterAll(() => faults?.restore());

interface Outcome {
  calls: number;
  fired: number;
  /** Where the failure showed: rejected start or API call, or run end reasons naming it. */
  surfaced: string[];
  statuses: string[];
}

async function scenario(arm?: () => void): Promise<Outcome> {
  const data = tempDataDir();
  const surfaced: string[] = [];
  const events: EpochlabEvent[] = [];
  try {
    arm?.();
    let services: Awaited<ReturnType<typeof openServices>> | null = null;
    try {
      services = await openServices(data.dir, { trialRunner: new ReplayRunner(recorded), log: (line) => surfaced.push(`logged: ${line}`) });
      services.subscribe((e) => events.push(e));
      await services.api.createExperiment(parseApiInput('createExperiment', { spec: SPEC }));
    } catch (error) {
      surfaced.push(`rejected: ${(error as Error).message}`);
    }
    if (services) {
      await services.runner.idle();
      try {
        await services.close();
      } catch (error) {
        surfaced.push(`close rejected: ${(error as Error).message}`);
      }
    }
    const { calls, fired } = faults;
    faults.disarm();
    for (const e of events) if (e.type === 'run-status' && e.error && /injected/.test(e.error)) surfaced.push(`run ${e.runId}: ${e.error}`);

    // A restart, as the next `epochlab` or app start does it (createServices: open, then interrupt stale runs).
    const again = openStore(databasePath(data.dir));
    const statuses: string[] = [];
    try {
      again.interruptStaleRuns();
      for (const experiment of again.listExperiments()) {
        for (const run of again.listRuns(experiment.id)) {
          statuses.push(run.status);
          expect(run.status, `run ${run.id}`).not.toBe('running');
          if (run.status === 'failed') expect(run.error).toMatch(/SQLITE_|injected/);
        }
      }
    } finally {
      again.close();
    }

    const db = new Database(databasePath(data.dir), { readonly: true });
    try {
      expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
      const runs = db.prepare('SELECT id, accounting FROM runs').all() as Array<{ id: number; accounting: string }>;
      for (const run of runs) {
        const perEpoch = (JSON.parse(run.accounting) as { iterationsPerEpoch: number }).iterationsPerEpoch;
        const epochs = db.prepare('SELECT epoch FROM epoch_metrics WHERE run_id = ? ORDER BY epoch').pluck().all(run.id) as number[];
        expect(epochs).toEqual(epochs.map((_, i) => i + 1));
        for (const epoch of epochs) {
          expect(db.prepare('SELECT COUNT(*) FROM iteration_metrics WHERE run_id = ? AND epoch = ?').pluck().get(run.id, epoch)).toBe(perEpoch);
        }
        const steps = db.prepare('SELECT step FROM iteration_metrics WHERE run_id = ? ORDER BY step').pluck().all(run.id) as number[];
        expect(steps).toEqual(steps.map((_, i) => i + 1));
      }
    } finally {
      db.close();
    }
    return { calls, fired, surfaced, statuses };
  } finally {
    faults.disarm();
    data.cleanup();
  }
}

describe.each([
  ['SQLITE_IOERR', false],
  ['SQLITE_BUSY', false],
  ['SQLITE_FULL', true],
  ['SQLITE_CORRUPT', true],
])('%s injected at every statement of a small run', (code, persistent) => {
  it('is surfaced, rolled back, and leaves nothing running and whole rows only', async () => {
    expect(totalCalls).toBeGreaterThan(50);
    const silent: number[] = [];
    for (let n = 1; n <= totalCalls; n++) {
      const outcome = await scenario(() => faults.arm(n, code, persistent));
      if (outcome.fired > 0 && outcome.surfaced.length === 0) silent.push(n);
    }
    expect(silent, `statements whose ${code} nobody heard of`).toEqual([]);
  }, 600_000);
});
