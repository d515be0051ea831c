/**
 * Training throughput (issue 4): samples/s of the reference MLP and CNN at B = 32/128/512 on every
 * tfjs backend that loads here, and the PyTorch peer with the same models, data, optimizer and thread
 * count. wasm runs three ways, to show what each part contributes: with our kernels and FusedAdam (the
 * embedded backend as Epochlab runs it), with our kernels and tf.train.adam, and stock.
 *
 * One run = one epoch over 8192 random samples in full batches, cut short after --run-seconds (at
 * least one step); a warm-up run, then --runs runs (3 when single steps are slow). Adam(1e-3),
 * softmax cross-entropy, tf.layers models, optimizer.minimize in tf.tidy, loss read every step — the
 * shape of Epochlab's own training loop. tfjs runs on one thread (one trial per core).
 *
 * Args: --backends wasm-fused,wasm,wasm-stock,cpu,tensorflow,tensorflow-gpu  --models mlp,cnn  --batches 32,128,512
 *       --runs 5  --run-seconds 3  --peer-threads 2  --no-peer
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type * as TF from '@tensorflow/tfjs';
import type { BackendName } from '../../src-main/contract/records';
import { FusedAdam, getTf, initBackend, probeBackends } from '../../src-main/engine/backends/select';
import { registerWasmTrainingKernels, unregisterWasmTrainingKernels } from '../../src-main/engine/backends/wasm-kernels/register';
import { currentLoad, machineInfo, type MachineInfo } from '../lib/machine';
import { benchDir } from '../lib/paths';
import type { BenchOptions, Section, SectionResult } from '../lib/section';
import { compact, formatSummary, summarize, type Summary } from '../lib/stats';

type ModelName = 'mlp' | 'cnn';
/** A backend, plus the variants of wasm that show what each part of ours contributes. */
type Engine = BackendName | 'wasm-fused' | 'wasm-stock';

const SAMPLES = 8192;
/** Training FLOPs per sample (≈ 3 × forward), as issue 4 counts them: for an effective GFLOP/s. */
const MFLOP_PER_SAMPLE: Record<ModelName, number> = { mlp: 0.61, cnn: 1.29 };
/** The embedded backend as Epochlab runs it, and the bar it has to clear at B = 128 (issue 4). */
const EMBEDDED: Engine = 'wasm-fused';
const TARGET_RATIO = 0.3;
const TARGET_BATCH = 128;

export interface Cell {
  model: ModelName;
  batch: number;
  samplesPerSecond?: Summary;
  samplesPerCpuSecond?: Summary;
  stepsPerRun?: number[];
  stepsPerEpoch: number;
  error?: string;
  load?: number;
}

export interface EngineResult {
  engine: Engine | 'pytorch';
  label: string;
  version?: string;
  device?: string;
  skipped?: string;
  cells: Cell[];
}

const tf = getTf();

function buildModel(name: ModelName): TF.LayersModel {
  const init = (seed: number) => tf.initializers.glorotUniform({ seed });
  if (name === 'mlp') {
    return tf.sequential({
      layers: [
        tf.layers.dense({ inputShape: [784], units: 128, activation: 'relu', kernelInitializer: init(1) }),
        tf.layers.dense({ units: 10, kernelInitializer: init(2) }),
      ],
    });
  }
  return tf.sequential({
    layers: [
      tf.layers.conv2d({ inputShape: [28, 28, 1], filters: 8, kernelSize: 3, activation: 'relu', kernelInitializer: init(1) }),
      tf.layers.maxPooling2d({ poolSize: 2 }),
      tf.layers.conv2d({ filters: 16, kernelSize: 3, activation: 'relu', kernelInitializer: init(2) }),
      tf.layers.maxPooling2d({ poolSize: 2 }),
      tf.layers.flatten(),
      tf.layers.dense({ units: 64, activation: 'relu', kernelInitializer: init(3) }),
      tf.layers.dense({ units: 10, kernelInitializer: init(4) }),
    ],
  });
}

interface Run {
  samples: number;
  wall: number;
  cpu: number;
  steps: number;
}

function measureCell(model: ModelName, batch: number, runs: number, runSeconds: number, fusedAdam: boolean): Cell {
  const stepsPerEpoch = Math.floor(SAMPLES / batch);
  const before = tf.memory().numTensors;
  const x = tf.randomNormal(model === 'mlp' ? [SAMPLES, 784] : [SAMPLES, 28, 28, 1], 0, 1, 'float32', 7);
  const y = tf.tidy(() => tf.oneHot(tf.randomUniform([SAMPLES], 0, 10, 'int32', 8), 10));
  const net = buildModel(model);
  const opt = fusedAdam ? new FusedAdam(1e-3, 0.9, 0.999, 1e-7) : tf.train.adam(1e-3, 0.9, 0.999, 1e-7);
  const epoch = (limit: number): Run => {
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    let steps = 0;
    for (let s = 0; s < stepsPerEpoch; s++) {
      tf.tidy(() => {
        const xb = x.slice(s * batch, batch);
        const yb = y.slice(s * batch, batch);
        const loss = opt.minimize(() => tf.losses.softmaxCrossEntropy(yb, net.apply(xb, { training: true }) as TF.Tensor) as TF.Scalar, true);
        loss?.dataSync(); // per-iteration metrics read the loss every step
      });
      steps++;
      if (performance.now() - t0 > limit * 1000) break;
    }
    const c = process.cpuUsage(c0);
    return { samples: steps * batch, wall: (performance.now() - t0) / 1000, cpu: (c.user + c.system) / 1e6, steps };
  };
  let failed = false;
  try {
    const warm = epoch(runSeconds);
    const n = warm.wall > 2 * runSeconds ? 3 : runs;
    const measured = Array.from({ length: n }, () => epoch(runSeconds));
    return {
      model, batch, stepsPerEpoch,
      samplesPerSecond: summarize(measured.map((r) => r.samples / r.wall)),
      samplesPerCpuSecond: summarize(measured.map((r) => r.samples / r.cpu)),
      stepsPerRun: measured.map((r) => r.steps),
      load: currentLoad(),
    };
  } catch (err) {
    failed = true; // a step that throws leaves its tidy scope's tensors: not the leak we look for
    throw err;
  } finally {
    net.dispose();
    opt.dispose();
    tf.dispose([x, y]);
    const leaked = tf.memory().numTensors - before;
    // Adam keeps two scalars after dispose() in tfjs 4.22; more than a handful is a leak in the loop.
    if (leaked > 4 && !failed) throw new Error(`${leaked} tensors leaked by the ${model} B=${batch} loop`);
  }
}

async function measureEngine(engine: Engine, models: ModelName[], batches: number[], runs: number, runSeconds: number, log: (l: string) => void): Promise<EngineResult> {
  const backend: BackendName = engine === 'wasm-stock' || engine === 'wasm-fused' ? 'wasm' : engine;
  const info = await initBackend(backend);
  if (engine === 'wasm-stock') unregisterWasmTrainingKernels();
  const label =
    engine === 'wasm-fused' ? 'tfjs wasm + Epochlab kernels + FusedAdam'
    : engine === 'wasm' ? 'tfjs wasm + Epochlab kernels, tf.train.adam'
    : engine === 'wasm-stock' ? 'tfjs wasm, stock kernels'
    : engine === 'cpu' ? 'tfjs cpu'
    : engine === 'tensorflow' ? 'tfjs-node (TensorFlow CPU)'
    : 'tfjs-node-gpu';
  const result: EngineResult = { engine, label, version: info.version, device: info.device, cells: [] };
  try {
    for (const model of models) {
      for (const batch of batches) {
        try {
          const cell = measureCell(model, batch, runs, runSeconds, engine === 'wasm-fused');
          result.cells.push(cell);
          log(`  ${label} ${model} B=${batch}: ${formatSummary(cell.samplesPerSecond as Summary)} samples/s (load ${cell.load})`);
        } catch (err) {
          const message = (err instanceof Error ? err.message : String(err)).split('\n')[0];
          result.cells.push({ model, batch, stepsPerEpoch: Math.floor(SAMPLES / batch), error: message });
          log(`  ${label} ${model} B=${batch}: fails: ${message}`);
        }
      }
    }
  } finally {
    if (engine === 'wasm-stock') registerWasmTrainingKernels();
  }
  return result;
}

/** Environment that makes Debian's PyTorch use OpenBLAS and keep its memory (issue 4). */
export function peerEnv(threads: number): { env: NodeJS.ProcessEnv; notes: string[] } {
  const multiarch = process.arch === 'arm64' ? 'aarch64-linux-gnu' : 'x86_64-linux-gnu';
  const blasDir = [`/usr/lib/${multiarch}/openblas-pthread`, `/usr/lib/${multiarch}/openblas-openmp`].find((d) => existsSync(d));
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    OPENBLAS_NUM_THREADS: '1', // torch's own threads do the parallel work; nested BLAS threads only fight them
    OMP_NUM_THREADS: String(threads),
    // glibc returns freed memory to the OS eagerly and mmaps every large tensor anew: each step pays
    // page faults. 32 MiB is the largest mmap threshold glibc accepts on 64-bit.
    MALLOC_MMAP_THRESHOLD_: String(32 * 2 ** 20),
    MALLOC_TRIM_THRESHOLD_: String(2 ** 30),
    MALLOC_TOP_PAD_: String(256 * 2 ** 20),
  };
  const notes: string[] = [];
  if (blasDir) {
    env.LD_LIBRARY_PATH = [blasDir, process.env.LD_LIBRARY_PATH].filter(Boolean).join(':');
  } else {
    notes.push('OpenBLAS not found (apt-get install -y libopenblas0-pthread): PyTorch falls back to the reference BLAS and is much slower');
  }
  return { env, notes };
}

interface PeerOutput {
  error?: string;
  torch?: string;
  threads?: number;
  blas?: string[];
  env?: Record<string, string | null>;
  results?: Array<{ model: ModelName; batch: number; stepsPerEpoch: number; samplesPerSecond: number[]; samplesPerCpuSecond: number[]; steps: number[] }>;
}

function runPeer(models: ModelName[], batches: number[], runs: number, runSeconds: number, threads: number, log: (l: string) => void): EngineResult & { peer?: PeerOutput } {
  const python = '/usr/bin/python3';
  const install = 'apt-get install -y python3-torch libopenblas0-pthread';
  const base = { engine: 'pytorch' as const, label: `PyTorch CPU (${threads} threads)`, cells: [] };
  if (!existsSync(python)) return { ...base, skipped: `PyTorch peer skipped: ${python} not found (Debian/Ubuntu: ${install})` };
  const { env, notes } = peerEnv(threads);
  const script = join(benchDir(), 'peer_pytorch.py');
  const args = [script, '--models', models.join(','), '--batches', batches.join(','), '--runs', String(runs), '--run-seconds', String(runSeconds), '--threads', String(threads), '--samples', String(SAMPLES)];
  log(`  PyTorch peer: ${python} ${args.slice(1).join(' ')}`);
  log(`    LD_LIBRARY_PATH=${env.LD_LIBRARY_PATH ?? ''} OPENBLAS_NUM_THREADS=${env.OPENBLAS_NUM_THREADS} OMP_NUM_THREADS=${env.OMP_NUM_THREADS} MALLOC_MMAP_THRESHOLD_=${env.MALLOC_MMAP_THRESHOLD_} MALLOC_TRIM_THRESHOLD_=${env.MALLOC_TRIM_THRESHOLD_} MALLOC_TOP_PAD_=${env.MALLOC_TOP_PAD_}`);
  for (const n of notes) log(`    ${n}`);
  const out = spawnSync(python, args, { env, encoding: 'utf8', timeout: 30 * 60_000, stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 16 * 2 ** 20 });
  if (out.error) return { ...base, skipped: `PyTorch peer failed to start: ${out.error.message}` };
  let parsed: PeerOutput;
  try {
    parsed = JSON.parse(out.stdout.trim().split('\n').pop() ?? '') as PeerOutput;
  } catch {
    return { ...base, skipped: `PyTorch peer gave no result (exit ${out.status}): ${out.stdout.slice(-300)}` };
  }
  if (parsed.error) return { ...base, skipped: `PyTorch peer skipped: ${parsed.error} (${install})` };
  const libs = parsed.blas ?? [];
  const blas = libs.some((p) => /openblas/i.test(p)) ? 'OpenBLAS' : libs.map((p) => p.split('/').pop()).join(', ') || 'no BLAS mapped';
  log(`    torch ${parsed.torch}, ${parsed.threads} threads, BLAS: ${(parsed.blas ?? []).join(', ') || 'none mapped'}`);
  return {
    ...base,
    label: `PyTorch ${parsed.torch} CPU (${parsed.threads} threads, ${blas})`,
    version: parsed.torch,
    device: `CPU, ${parsed.threads} threads`,
    peer: parsed,
    cells: (parsed.results ?? []).map((r) => ({
      model: r.model, batch: r.batch, stepsPerEpoch: r.stepsPerEpoch,
      samplesPerSecond: summarize(r.samplesPerSecond), samplesPerCpuSecond: summarize(r.samplesPerCpuSecond), stepsPerRun: r.steps,
    })),
  };
}

function cellOf(r: EngineResult, model: ModelName, batch: number): Cell | undefined {
  return r.cells.find((c) => c.model === model && c.batch === batch);
}

function markdown(results: EngineResult[], models: ModelName[], batches: number[], machine: MachineInfo, runs: number, runSeconds: number): string {
  const header = models.flatMap((m) => batches.map((b) => `${m.toUpperCase()} B=${b}`));
  const lines = [
    '## Training throughput',
    '',
    `Samples/s, median (min–max) of ${runs} runs after a warm-up. One run = one epoch of ${SAMPLES} random samples in full batches, cut after ${runSeconds} s. ` +
      'Reference MLP 784-128-10 and CNN conv3×3×8-maxpool-conv3×3×16-maxpool-dense64-dense10 (valid convolutions), Adam, loss read every step. ' +
      'tfjs runs on one thread (a trial per core); PyTorch on the thread count shown.',
    '',
    `Machine: ${machine.cpu}, ${machine.cores} cores, Node ${machine.node}; 1-min load ${machine.loadStart} at start, ${machine.loadEnd} at end — ` +
      'above the core count the figures are noisy (shared machine); samples per CPU-second are in the JSON.',
    '',
    `| engine | ${header.join(' | ')} |`,
    `|---|${header.map(() => '---').join('|')}|`,
  ];
  for (const r of results) {
    if (r.skipped) {
      lines.push(`| ${r.label} | ${r.skipped} |${header.slice(1).map(() => ' |').join('')}`);
      continue;
    }
    const cells = models.flatMap((m) => batches.map((b) => {
      const c = cellOf(r, m, b);
      if (!c) return '–';
      return c.error ? `fails: ${c.error.slice(0, 90)}` : formatSummary(c.samplesPerSecond as Summary);
    }));
    lines.push(`| ${r.label} | ${cells.join(' | ')} |`);
  }
  const embedded = results.find((r) => r.engine === EMBEDDED);
  const peer = results.find((r) => r.engine === 'pytorch' && !r.skipped);
  lines.push('');
  if (embedded && peer) {
    const verdicts = models.map((m) => {
      const e = cellOf(embedded, m, TARGET_BATCH)?.samplesPerSecond?.median ?? NaN;
      const p = cellOf(peer, m, TARGET_BATCH)?.samplesPerSecond?.median ?? NaN;
      const ratio = e / p;
      const gflops = (e * MFLOP_PER_SAMPLE[m]) / 1000;
      return `${m.toUpperCase()} ${compact(e)} / ${compact(p)} = **${ratio.toFixed(2)}×** ${ratio >= TARGET_RATIO ? '✓' : '✗'} (${gflops.toFixed(1)} GFLOP/s effective)`;
    });
    lines.push(`Target (issue 4): ${embedded.label} at B = ${TARGET_BATCH} ≥ ${TARGET_RATIO}× PyTorch per trial — ${verdicts.join('; ')}.`);
  } else if (embedded) {
    lines.push(`Target (issue 4): ${embedded.label} at B = ${TARGET_BATCH} ≥ ${TARGET_RATIO}× PyTorch — not checked, the PyTorch peer did not run.`);
  }
  return lines.join('\n');
}

export const trainingSection: Section = {
  id: 'training',
  title: 'Training throughput: reference MLP and CNN on every backend, and the PyTorch peer',
  async run({ quick, args, log }: BenchOptions): Promise<SectionResult> {
    const machine = machineInfo();
    const models = (args.models ?? 'mlp,cnn').split(',') as ModelName[];
    const batches = (args.batches ?? '32,128,512').split(',').map(Number);
    const runs = Math.max(quick ? 2 : 3, Number(args.runs ?? (quick ? 2 : 5)));
    const runSeconds = Number(args['run-seconds'] ?? (quick ? 0.5 : 3));
    const threads = Number(args['peer-threads'] ?? 2);
    const probes = await probeBackends();
    for (const p of probes) log(`  ${p.name}: ${p.available ? `available ${p.version ?? ''} ${p.device ?? ''}` : `unavailable — ${p.reason}`}`);
    const available = probes.filter((p) => p.available).map((p) => p.name as Engine);
    const order: Engine[] = ['tensorflow-gpu', 'tensorflow', 'wasm-fused', 'wasm', 'wasm-stock', 'cpu'];
    const wanted = args.backends ? (args.backends.split(',') as Engine[]) : order;
    const engines = order.filter((e) => wanted.includes(e) && available.includes(e.startsWith('wasm') ? 'wasm' : e));

    const results: Array<EngineResult & { peer?: PeerOutput }> = [];
    for (const engine of engines) results.push(await measureEngine(engine, models, batches, runs, runSeconds, log));
    if (args['no-peer'] !== 'true') {
      const peer = runPeer(models, batches, runs, runSeconds, threads, log);
      if (peer.skipped) log(`  ${peer.skipped}`);
      results.push(peer);
    }
    machine.loadEnd = currentLoad();
    return {
      json: { section: 'training', date: new Date().toISOString(), machine, protocol: { samples: SAMPLES, runs, runSeconds, peerThreads: threads, mflopPerSample: MFLOP_PER_SAMPLE }, probes, results },
      markdown: markdown(results, models, batches, machine, runs, runSeconds),
    };
  },
};
