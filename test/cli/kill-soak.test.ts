/**
 * kill -9 of the real `epochlab` command at random moments (docs/reliability.md D1, E1, E3), round after
 * round on one data folder: start-up, migration, training, metric flushes, checkpoint and resume-point
 * writes, the final flush. Each round runs `epochlab resume` on an experiment with runs left, or `epochlab
 * run` on a new one, and SIGKILLs it after a random delay. After each kill the database checks ok and
 * holds only whole data: ceil(N/B) iteration rows per stored epoch, steps 1…n with no hole or duplicate;
 * training processes of a killed command (every third round uses --isolation process) do not outlive it.
 * At the end `resume` finishes every experiment: no run is left `running`, and every run that completed
 * holds exactly its total iterations, none twice.
 *
 * EPOCHLAB_SOAK_ROUNDS sets the rounds: the default, 6 (two of them with --isolation process, two killed during
 * start-up), keeps `npm test` short on two cores, where a round takes ~10 s; the 30 and more are one
 * variable away. EPOCHLAB_SOAK_SEED replays a sequence of delays.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRng } from '../../src-main/engine/random';
import { CLI_SCRIPT, moonsSpec, tempDataDir } from '../services/harness';

const ROUNDS = Number(process.env.EPOCHLAB_SOAK_ROUNDS ?? 6);
if (!Number.isInteger(ROUNDS) || ROUNDS < 1) throw new Error('EPOCHLAB_SOAK_ROUNDS must be a whole number of rounds, 1 or more');
const SEED = Number(process.env.EPOCHLAB_SOAK_SEED ?? Date.now() % 1_000_000);
/** How long after its moment (start, or first rows) a command may live before its kill. */
const MAX_DELAY_MS = 1500;
const FINISHED = new Set(['completed', 'early-stopped', 'diverged', 'failed']);

let work: ReturnType<typeof tempDataDir>;
let dataDir: string;
/** The killed commands' training processes keep their cancel cells here: a process with it in its arguments is theirs. */
let tmp: string;
let spec: string;

beforeAll(() => {
  work = tempDataDir();
  dataDir = join(work.dir, 'data');
  tmp = join(work.dir, 'tmp');
  mkdirSync(tmp);
  spec = join(work.dir, 'spec.json');
  // Two trials, 8 epochs of 40 batches each, with resume points: a couple of rounds of training apiece.
  writeFileSync(spec, JSON.stringify(moonsSpec({ batchSize: 8, epochs: 8, seed: [1, 2] }, { dataset: { id: 'moons', size: 400, noise: 0.2, seed: 1 } })));
});
afterAll(() => work.cleanup());

function epochlab(args: string[]) {
  return spawn(process.execPath, [CLI_SCRIPT, '--data-dir', dataDir, ...args], { stdio: 'ignore', env: { ...process.env, TMPDIR: tmp } });
}

/** Experiments with runs left to train (what `resume` picks up), oldest first. */
function unfinishedExperiments(): number[] {
  const db = new Database(join(dataDir, 'epochlab.sqlite'), { readonly: true, fileMustExist: true });
  try {
    const rows = db.prepare('SELECT DISTINCT experiment_id FROM runs WHERE status NOT IN (?, ?, ?, ?) ORDER BY experiment_id').pluck().all(...FINISHED) as number[];
    return rows;
  } finally {
    db.close();
  }
}

function hasDatabase(): boolean {
  return existsSync(join(dataDir, 'epochlab.sqlite'));
}

/** What every kill must leave: a sound file and whole data only. Opening read-write recovers the WAL, as a restart does. */
function checkWhole(round: number): { runs: number; rows: number } {
  const db = new Database(join(dataDir, 'epochlab.sqlite'), { fileMustExist: true });
  try {
    expect(db.pragma('integrity_check', { simple: true }), `round ${round}`).toBe('ok');
    const runs = db.prepare('SELECT id, accounting FROM runs').all() as Array<{ id: number; accounting: string }>;
    let rows = 0;
    for (const run of runs) {
      const { iterationsPerEpoch } = JSON.parse(run.accounting) as { iterationsPerEpoch: number };
      const epochs = db.prepare('SELECT epoch FROM epoch_metrics WHERE run_id = ? ORDER BY epoch').pluck().all(run.id) as number[];
      expect(epochs, `round ${round}, run ${run.id}: epochs`).toEqual(epochs.map((_, i) => i + 1));
      const perEpoch = db.prepare('SELECT epoch, COUNT(*) AS n FROM iteration_metrics WHERE run_id = ? GROUP BY epoch ORDER BY epoch').all(run.id) as Array<{ epoch: number; n: number }>;
      for (const { epoch, n } of perEpoch) {
        if (epoch <= epochs.length) expect(n, `round ${round}, run ${run.id}, epoch ${epoch}`).toBe(iterationsPerEpoch);
        else expect(epoch, `round ${round}, run ${run.id}: rows past the next epoch`).toBe(epochs.length + 1);
      }
      const { count, max } = db.prepare('SELECT COUNT(*) AS count, COALESCE(MAX(step), 0) AS max FROM iteration_metrics WHERE run_id = ?').get(run.id) as { count: number; max: number };
      expect(count, `round ${round}, run ${run.id}: steps 1…n`).toBe(max);
      rows += count;
    }
    return { runs: runs.length, rows };
  } finally {
    db.close();
  }
}

/** Resolves once the database holds more iteration rows than `before` (training has started), or the command is gone. */
async function waitForRows(before: number, gone: () => boolean): Promise<void> {
  const deadline = Date.now() + 120_000;
  while (!gone() && Date.now() < deadline) {
    if (hasDatabase()) {
      const db = new Database(join(dataDir, 'epochlab.sqlite'), { readonly: true, fileMustExist: true });
      try {
        if ((db.prepare('SELECT COUNT(*) FROM iteration_metrics').pluck().get() as number) > before) return;
      } catch {
        // Not created yet (the schema is being written): look again.
      } finally {
        db.close();
      }
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Pids of processes whose arguments name this test's temporary folder: training processes of killed commands. */
function leftoverTrainers(): number[] {
  const ps = spawnSync('ps', ['-eo', 'pid=,args='], { encoding: 'utf8' });
  return ps.stdout
    .split('\n')
    .filter((line) => line.includes(tmp) && line.includes('--epochlab-cancel-file'))
    .map((line) => Number.parseInt(line.trim(), 10));
}

async function waitForNoTrainers(timeoutMs: number): Promise<number[]> {
  const deadline = Date.now() + timeoutMs;
  let left = leftoverTrainers();
  while (left.length && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 100));
    left = leftoverTrainers();
  }
  return left;
}

describe(`kill -9 of the real CLI, ${ROUNDS} rounds (seed ${SEED})`, () => {
  it('leaves a sound database with whole rows every time, no orphan trainer, and resume finishes without duplicates', async () => {
    const rng = createRng(SEED);
    let killedTraining = 0;
    for (let round = 1; round <= ROUNDS; round++) {
      const pending = hasDatabase() ? unfinishedExperiments() : [];
      const isolation = round % 3 === 0 ? 'process' : 'thread';
      const args = pending.length
        ? ['resume', String(pending[0]), '--backend', 'wasm', '--concurrency', '2', '--isolation', isolation]
        : ['run', spec, '--backend', 'wasm', '--concurrency', '2', '--isolation', isolation];
      // One round in four kills at any moment from the first instruction (start-up, migration, lock, dataset);
      // the others once training has written rows, at any moment after that (flushes, epochs, checkpoints).
      const early = round % 4 === 1;
      const delay = Math.floor(rng() * MAX_DELAY_MS);
      const before = hasDatabase() ? checkWhole(round).rows : 0;
      const child = epochlab(args);
      let done = false;
      const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
        child.once('exit', (code, signal) => {
          done = true;
          resolve({ code, signal });
        }),
      );
      if (!early) await waitForRows(before, () => done);
      const timer = setTimeout(() => child.kill('SIGKILL'), delay);
      const end = await exited;
      clearTimeout(timer);
      // A command that finished before its kill is fine too; one that failed is not.
      if (end.signal !== 'SIGKILL') expect(end.code, `round ${round}: ${args.join(' ')}`).toBe(0);
      const after = hasDatabase() ? checkWhole(round).rows : 0;
      if (after > before) killedTraining++;
      // Generous: a bound on liveness under a loaded machine, not a speed.
      expect(await waitForNoTrainers(30_000), `round ${round}: training processes outliving their command`).toEqual([]);
    }
    // Most kills must have landed while rows were being written, or the rounds proved little.
    expect(killedTraining).toBeGreaterThanOrEqual(ROUNDS / 2);

    // Restart and finish everything.
    for (const experimentId of unfinishedExperiments()) {
      const finish = spawnSync(process.execPath, [CLI_SCRIPT, '--data-dir', dataDir, 'resume', String(experimentId), '--backend', 'wasm', '--concurrency', '2'], { encoding: 'utf8', timeout: 120_000 });
      expect(finish.status, finish.stderr).toBe(0);
    }
    checkWhole(ROUNDS + 1);
    const db = new Database(join(dataDir, 'epochlab.sqlite'), { readonly: true });
    try {
      const runs = db.prepare('SELECT id, status, accounting FROM runs').all() as Array<{ id: number; status: string; accounting: string }>;
      expect(runs.filter((r) => !FINISHED.has(r.status))).toEqual([]);
      // Nothing a kill does may make a run fail: it is interrupted and resumed.
      expect(runs.filter((r) => r.status === 'failed')).toEqual([]);
      for (const run of runs.filter((r) => r.status === 'completed')) {
        const { totalIterations } = JSON.parse(run.accounting) as { totalIterations: number };
        expect(db.prepare('SELECT COUNT(*) FROM iteration_metrics WHERE run_id = ?').pluck().get(run.id), `run ${run.id}`).toBe(totalIterations);
      }
      console.log(`kill soak: ${ROUNDS} rounds (seed ${SEED}), ${killedTraining} killed while rows were written; ${runs.length} runs finished`);
    } finally {
      db.close();
    }
  }, 120_000 + ROUNDS * 30_000);
});
