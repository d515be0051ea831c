/**
 * Kill -9 tests (docs/reliability.md D1, D6, E1): a real child process using the store is SIGKILLed at random
 * moments; the database must check ok, keep every acknowledged row, hold no half batch, and reopen cleanly.
 * EPOCHLAB_KILL_ROUNDS raises the round count (D1 asks for ≥ 200; the default keeps the suite fast).
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { SCHEMA_VERSION, openStore } from '../../src-main/store';
import { makeRuns, makeSpec, tempDir } from './helpers';

const here = path.dirname(fileURLToPath(import.meta.url));
const nodeModules = path.resolve(here, '../../node_modules');
const ROUNDS = Number(process.env.EPOCHLAB_KILL_ROUNDS ?? 20);
const BATCH = 100;

let work: { dir: string; cleanup: () => void };
let child: string;
const live = new Set<ReturnType<typeof spawn>>();

beforeAll(async () => {
  work = tempDir('epochlab-crash-');
  child = path.join(work.dir, 'crash-child.cjs');
  // CommonJS so that NODE_PATH can point the external better-sqlite3 at this project's node_modules.
  await build({
    entryPoints: [path.join(here, 'fixtures/crash-child.ts')],
    bundle: true, platform: 'node', format: 'cjs', target: 'node20', outfile: child,
    external: ['better-sqlite3'], logLevel: 'error',
  });
});
afterAll(() => {
  // A failed or timed-out test may leave its child writing into the folder about to be removed.
  for (const proc of live) proc.kill('SIGKILL');
  work.cleanup();
});

interface ChildRun {
  lines: string[];
  signal: NodeJS.Signals | null;
  code: number | null;
}

/**
 * Runs the child; when `killWhen` matches a printed line (or at once when it is 'start'), waits `delayMs`
 * and SIGKILLs it. Resolves once the child is gone.
 */
function runChild(args: string[], killWhen: 'start' | RegExp | null, delayMs: number): Promise<ChildRun> {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, [child, ...args], { env: { ...process.env, NODE_PATH: nodeModules }, stdio: ['ignore', 'pipe', 'pipe'] });
    live.add(proc);
    const lines: string[] = [];
    let pending = '';
    let stderr = '';
    let armed = false;
    const arm = () => {
      if (armed) return;
      armed = true;
      setTimeout(() => proc.kill('SIGKILL'), delayMs);
    };
    if (killWhen === 'start') arm();
    proc.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      pending += chunk;
      const parts = pending.split('\n');
      pending = parts.pop() ?? '';
      for (const line of parts) {
        lines.push(line);
        if (killWhen instanceof RegExp && killWhen.test(line)) arm();
      }
    });
    proc.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    proc.on('error', reject);
    proc.on('close', (code, signal) => {
      live.delete(proc);
      if (code !== null && code !== 0) reject(new Error(`child exited with ${code}: ${stderr}`));
      else resolve({ lines, signal, code });
    });
  });
}

function lastAck(lines: string[]): number {
  let acked = 0;
  for (const line of lines) {
    const match = /^ack (\d+)$/.exec(line);
    if (match) acked = Number(match[1]);
  }
  return acked;
}

function inspect(file: string, runId: number): { integrity: string; count: number; maxStep: number } {
  const db = new Database(file);
  try {
    const integrity = String(db.pragma('integrity_check', { simple: true }));
    const { count, maxStep } = db
      .prepare('SELECT COUNT(*) AS count, COALESCE(MAX(step), 0) AS maxStep FROM iteration_metrics WHERE run_id = ?')
      .get(runId) as { count: number; maxStep: number };
    return { integrity, count, maxStep };
  } finally {
    db.close();
  }
}

function createRun(file: string): number {
  const store = openStore(file);
  const spec = makeSpec();
  const { runIds } = store.createExperiment(spec, makeRuns(spec, [32]));
  store.close();
  return runIds[0];
}

describe('kill -9', () => {
  test('a run left running by a killed process is interrupted at the next start', async () => {
    const file = path.join(work.dir, 'die-running.sqlite');
    const runId = createRun(file);
    const result = await runChild(['die-running', file, String(runId)], null, 0);
    expect(result.signal).toBe('SIGKILL');
    expect(result.lines).toContain('running');

    expect(inspect(file, runId)).toEqual({ integrity: 'ok', count: 50, maxStep: 50 });
    const store = openStore(file);
    expect(store.getRun(runId)?.summary.status).toBe('running');
    expect(store.interruptStaleRuns()).toBe(1);
    const summary = store.getRun(runId)?.summary;
    expect(summary).toMatchObject({ status: 'interrupted', error: null, endReason: 'the process stopped while this run was training', stepsDone: 50 });
    expect(summary?.endedAt).not.toBeNull();
    store.close();
  });

  test(`${ROUNDS} rounds of kills while metric batches are written: ok, nothing acknowledged lost, no half batch`, async () => {
    const file = path.join(work.dir, 'kill-rounds.sqlite');
    const runId = createRun(file);
    let persisted = 0;
    let killedWhileWriting = 0;
    for (let round = 0; round < ROUNDS; round++) {
      // Most kills land in the write loop; every fourth may land in start-up, the open or the re-send.
      const early = round % 4 === 0;
      const delay = Math.floor(Math.random() * (early ? 300 : 40));
      const result = await runChild(['write', file, String(runId), String(persisted + 1), String(BATCH)], early ? 'start' : /^ready$/, delay);
      expect(result.signal).toBe('SIGKILL');
      expect(result.lines.every((line) => /^(ready|ack \d+)$/.test(line))).toBe(true);
      const acked = lastAck(result.lines);
      if (acked > 0) killedWhileWriting++;

      const state = inspect(file, runId);
      expect(state.integrity).toBe('ok');
      expect(state.count).toBeGreaterThanOrEqual(acked);
      expect(state.count).toBeGreaterThanOrEqual(persisted);
      // Contiguous steps and whole batches only: no duplicate, no hole, no half-written batch.
      expect(state.maxStep).toBe(state.count);
      expect(state.count % BATCH).toBe(0);
      persisted = state.count;
    }
    // Most rounds must have died mid-write, or the test proved nothing about batches.
    expect(killedWhileWriting).toBeGreaterThanOrEqual(ROUNDS / 2);
    console.log(`kill rounds: ${ROUNDS}, killed while writing: ${killedWhileWriting}, rows persisted: ${persisted}`);

    const store = openStore(file);
    expect(store.interruptStaleRuns()).toBeLessThanOrEqual(1);
    expect(store.getIterations(runId)).toHaveLength(persisted);
    expect(store.getRun(runId)?.summary.stepsDone).toBe(persisted);
    store.close();
  }, 30_000 + ROUNDS * 2_000);

  test('a kill during a migration leaves the database at its old version with its data', async () => {
    const file = path.join(work.dir, 'migration.sqlite');
    const runId = createRun(file);
    const result = await runChild(['slow-migration', file], /^migrating$/, 80);
    expect(result.signal).toBe('SIGKILL');
    expect(result.lines).toContain('migrating');

    const db = new Database(file);
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    expect(db.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
    expect(db.prepare("SELECT COUNT(*) FROM sqlite_master WHERE name = 'slow'").pluck().get()).toBe(0);
    db.close();
    const store = openStore(file);
    expect(store.getRun(runId)?.summary.status).toBe('queued');
    store.close();
  });
});
