/**
 * The packaged-app smoke test (docs/reliability.md A5), as a function of what it checks so it runs the same
 * in a test, in `npm start` and in an installer built by the release workflow: a fresh data folder, one
 * tiny trial trained in a worker on the default backend, the run read back (also after reopening the
 * store), the app's page shown against those services, and the binary's fuses. It reports one object;
 * src-main/app/smoke.ts prints it as one JSON line and exits 0 when it is ok, 1 otherwise.
 */
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BackendInfo, type EpochlabEvent, type EpochlabServices, type ExperimentSpecInput, type RunDetail } from '../contract';
import { inDataDir } from './data-dir';
import { fuseProblems, type FuseState } from './fuses';

export const SMOKE_EXPERIMENT_NAME = 'Epochlab smoke test';
export const SMOKE_EPOCHS = 2;
/** Generous: the first trial of a fresh install also loads its backend (wasm compiles on first use). */
export const SMOKE_TIMEOUT_MS = 180_000;

/** One small trial: 200 two-moons points, an MLP with 8 hidden units, two epochs of batch 32. */
export function smokeSpec(): ExperimentSpecInput {
  return {
    name: SMOKE_EXPERIMENT_NAME,
    dataset: { id: 'moons', size: 200, noise: 0.2, seed: 1 },
    validation: { split: 0.2, seed: 0 },
    model: { template: 'mlp', hidden: [8] },
    params: { batchSize: 32, epochs: SMOKE_EPOCHS, learningRate: 0.05, optimizer: 'adam', seed: 1 },
  };
}

export type FuseCheck = { packaged: false } | { packaged: true; binary: string; fuses: Record<string, FuseState> };

export interface WindowCheck {
  ok: boolean;
  detail: string;
}

export interface SmokeTestDeps {
  about: { version: string; electron: string | null; platform: NodeJS.Platform; arch: string };
  /** The services as the app creates them (its own native bindings, worker and default backend). */
  openServices(dataDir: string): Promise<EpochlabServices>;
  readFuses(): Promise<FuseCheck>;
  /** Shows the app's page against these services and says whether it rendered `expectText`. */
  checkWindow?(services: EpochlabServices, expectText: string): Promise<WindowCheck>;
  tempDir?: string;
  timeoutMs?: number;
}

export interface SmokeReport {
  ok: boolean;
  /** `<stage>: <what went wrong>` when not ok. */
  failure: string | null;
  version: string;
  electron: string | null;
  platform: string;
  arch: string;
  backend: BackendInfo | null;
  /** Each backend in the order `auto` tries them: `name` when it loads, `name: reason` when not. */
  backends: string[];
  run: { status: string; epochs: number; steps: number; totalSteps: number; bestValLoss: number | null; checkpoints: number } | null;
  fuses: 'not packaged' | Record<string, FuseState> | null;
  window: string | null;
  seconds: number;
}

class SmokeFailure extends Error {}

function check(condition: boolean, message: string): asserts condition {
  if (!condition) throw new SmokeFailure(message);
}

/** Resolves with the experiment's final status once it stops running (subscribe before creating it). */
function experimentEnd(services: EpochlabServices): { forExperiment(id: number): Promise<string>; stop(): void } {
  const ended = new Map<number, string>();
  const waiting = new Map<number, (status: string) => void>();
  const unsubscribe = services.subscribe((event: EpochlabEvent) => {
    if (event.type !== 'experiment-status' || event.status === 'running') return;
    ended.set(event.experimentId, event.status);
    waiting.get(event.experimentId)?.(event.status);
  });
  return {
    forExperiment: (id) => new Promise((resolve) => {
      const known = ended.get(id);
      if (known) resolve(known);
      else waiting.set(id, resolve);
    }),
    stop: unsubscribe,
  };
}

function checkCheckpointFiles(dataDir: string, run: RunDetail): void {
  for (const checkpoint of run.checkpoints) {
    const weights = `${inDataDir(dataDir, checkpoint.path)}.bin`;
    check(existsSync(`${inDataDir(dataDir, checkpoint.path)}.json`) && existsSync(weights), `the ${checkpoint.kind} checkpoint is not on disk at ${weights}`);
    check(statSync(weights).size === checkpoint.bytes, `the ${checkpoint.kind} checkpoint has ${statSync(weights).size} bytes, ${checkpoint.bytes} recorded`);
  }
}

async function closeQuietly(services: EpochlabServices): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([services.close().catch(() => undefined), new Promise((resolve) => { timer = setTimeout(resolve, 10_000); })]);
  clearTimeout(timer);
}

export async function runSmokeTest(deps: SmokeTestDeps): Promise<SmokeReport> {
  const started = Date.now();
  const timeoutMs = deps.timeoutMs ?? SMOKE_TIMEOUT_MS;
  const report: SmokeReport = {
    ok: false, failure: null, ...deps.about, backend: null, backends: [], run: null, fuses: null, window: null, seconds: 0,
  };
  let stage = 'creating a data folder';
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new SmokeFailure(`timed out after ${timeoutMs / 1000} s`)), timeoutMs);
  });
  timedOut.catch(() => undefined); // reported through `within`; never an unhandled rejection
  const within = <T>(work: Promise<T>): Promise<T> => Promise.race([work, timedOut]);
  let services: EpochlabServices | null = null;
  let dataDir: string | null = null;
  try {
    dataDir = mkdtempSync(join(deps.tempDir ?? tmpdir(), 'epochlab-smoke-'));

    stage = 'opening the data folder';
    services = await within(deps.openServices(dataDir));

    stage = 'training one trial';
    const end = experimentEnd(services);
    const experiment = await within(services.api.createExperiment({ spec: smokeSpec() }));
    const status = await within(end.forExperiment(experiment.id));
    end.stop();
    const [summary] = (await services.api.getExperiment({ experimentId: experiment.id })).runs;
    check(summary !== undefined, 'the experiment has no run');
    const run = await services.api.getRun({ runId: summary.id });
    report.backend = run.backend;
    report.run = {
      status: run.status, epochs: run.epochs.length, steps: run.stepsDone, totalSteps: run.accounting.totalIterations,
      bestValLoss: run.bestValLoss, checkpoints: run.checkpoints.length,
    };
    check(run.status === 'completed', `the run ended ${run.status}${run.error ? `: ${run.error}` : ''} (experiment ${status})`);

    stage = 'checking the stored run';
    check(run.epochs.length === SMOKE_EPOCHS, `${run.epochs.length} epochs stored, ${SMOKE_EPOCHS} trained`);
    check(run.stepsDone === run.accounting.totalIterations, `${run.stepsDone} of ${run.accounting.totalIterations} iterations stored`);
    check(run.epochs.every((e) => Number.isFinite(e.valLoss)), 'an epoch has no finite validation loss');
    check(run.backend !== null, 'the run has no backend recorded');
    check(run.checkpoints.length > 0, 'no checkpoint was recorded');
    checkCheckpointFiles(dataDir, run);
    const info = await within(services.api.getSystemInfo({}));
    report.backends = info.backends.map((b) => (b.available ? b.name : `${b.name}: ${b.reason ?? 'not available'}`));

    if (deps.checkWindow) {
      stage = 'showing the window';
      const shown = await within(deps.checkWindow(services, SMOKE_EXPERIMENT_NAME));
      report.window = shown.detail;
      check(shown.ok, shown.detail);
    } else {
      report.window = 'not checked';
    }

    stage = 'reopening the data folder';
    await within(services.close());
    services = await within(deps.openServices(dataDir));
    const reread = await services.api.getRun({ runId: run.id });
    check(reread.status === 'completed' && reread.epochs.length === SMOKE_EPOCHS, `after reopening, the run is ${reread.status} with ${reread.epochs.length} epochs`);
    await within(services.close());
    services = null;

    stage = 'reading the fuses';
    const fuses = await within(deps.readFuses());
    report.fuses = fuses.packaged ? fuses.fuses : 'not packaged';
    if (fuses.packaged) {
      const problems = fuseProblems(fuses.fuses);
      check(problems.length === 0, `${fuses.binary}: ${problems.join('; ')}`);
    }
    report.ok = true;
  } catch (error) {
    report.failure = `${stage}: ${error instanceof Error ? error.message : String(error)}`;
  } finally {
    clearTimeout(timer);
    if (services) await closeQuietly(services);
    // Windows may hold a just-closed file for a moment: retry, and never let cleanup decide the result.
    if (dataDir) {
      try {
        rmSync(dataDir, { recursive: true, force: true, maxRetries: 5, retryDelay: 200 });
      } catch {
        /* a temporary folder left behind */
      }
    }
    report.seconds = Math.round((Date.now() - started) / 100) / 10;
  }
  return report;
}
