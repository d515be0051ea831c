/**
 * Training throughput (issues 4 and 12): samples/s of the reference MLP and CNN at B = 32/128/512 on every
 * tfjs backend that loads here, against the PyTorch peer with the same models, data, optimizer and a
 * thread count of its own. wasm runs several ways, to show what each part contributes: Epochlab's own
 * training step (fused layer and loss ops, batches gathered into the heap, FusedAdam), the same with the
 * relaxed-SIMD kernel build where this runtime has relaxed SIMD, the issue-4 step (our kernels under
 * tfjs' unfused ops), the step with tf.train.adam, and stock tfjs-backend-wasm.
 *
 * The wasm engines and the PyTorch peer run alternately on each cell (model × batch): a warm-up each,
 * then run 1 of every engine and of the peer, run 2 of every engine …, so that a change in the load of
 * a shared machine hits every side alike. cpu and the native backends run after, cell by cell.
 * One run = one epoch over 8192 random samples in full batches, cut short after --run-seconds (at least
 * one step); 3 runs when single steps are slow. Loss read every step, as Epochlab's loop does.
 *
 * Targets (issue 12), from the medians of the same run: at B = 128 the embedded backend ≥ 0.5× PyTorch
 * for the MLP and ≥ 0.75× for the CNN; at B = 32 the ratio is at least half of the B = 128 ratio.
 *
 * Args: --backends wasm-fused,wasm-relaxed,wasm-unfused,wasm,wasm-stock,cpu,tensorflow,tensorflow-gpu
 *       --models mlp,cnn  --batches 32,128,512  --runs 5  --run-seconds 3  --peer-threads 2  --no-peer
 */
import type * as TF from '@tensorflow/tfjs';
import type { BackendName } from '../../src-main/contract/records';
import { FusedAdam, getTf, initBackend, probeBackends } from '../../src-main/engine/backends/select';
import { enableRelaxedSimd, kernelBuild, relaxedSimdSupported, useKernelBuild } from '../../src-main/engine/backends/wasm-kernels/simd';
import { registerWasmTrainingKernels, unregisterWasmTrainingKernels } from '../../src-main/engine/backends/wasm-kernels/register';
import { trainStep, type TrainingData } from '../../src-main/engine/training/train';
import { currentLoad, machineInfo, type MachineInfo } from '../lib/machine';
import { PeerServer, blasName, describeEnv, peerEnv, peerMissing, type PeerDescription } from '../lib/pytorch';
import type { BenchOptions, Section, SectionResult } from '../lib/section';
import { compact, formatSummary, summarize, type Summary } from '../lib/stats';

type ModelName = 'mlp' | 'cnn';
/** A backend, plus the variants of wasm that show what each part of ours contributes. */
type Engine = BackendName | 'wasm-fused' | 'wasm-relaxed' | 'wasm-unfused' | 'wasm-stock';

const SAMPLES = 8192;
/** Training FLOPs per sample (≈ 3 × forward), as issue 4 counts them: for an effective GFLOP/s. */
const MFLOP_PER_SAMPLE: Record<ModelName, number> = { mlp: 0.61, cnn: 1.29 };
/** The embedded backend as Epochlab runs it, and the bars it has to clear (issue 12). */
const EMBEDDED: Engine = 'wasm-fused';
const TARGET_BATCH = 128;
const TARGETS: Record<ModelName, number> = { mlp: 0.5, cnn: 0.75 };
const SMALL_BATCH = 32;
const SMALL_BATCH_SHARE = 0.5;

const LABELS: Record<Engine, string> = {
  'wasm-fused': 'Epochlab step: tfjs wasm + Epochlab kernels, fused layers and loss, FusedAdam',
  'wasm-relaxed': 'the same, relaxed-SIMD kernel build (fused multiply-add)',
  'wasm-unfused': 'issue-4 step: tfjs wasm + Epochlab kernels under tfjs ops (model.apply, tf.losses), FusedAdam',
  wasm: 'Epochlab step with tf.train.adam',
  'wasm-stock': 'tfjs wasm, stock kernels',
  cpu: 'tfjs cpu',
  tensorflow: 'tfjs-node (TensorFlow CPU)',
  'tensorflow-gpu': 'tfjs-node-gpu',
};

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

interface Run {
  samples: number;
  wall: number;
  cpu: number;
  steps: number;
}

const tf = getTf();

function buildModel(name: ModelName): TF.Sequential {
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

/** Random samples and labels for a model, the same for every engine. */
function dataFor(model: ModelName): TrainingData {
  const inputShape = model === 'mlp' ? [784] : [28, 28, 1];
  const x = tf.tidy(() => tf.randomNormal([SAMPLES * 784], 0, 1, 'float32', 7).dataSync() as Float32Array);
  const y = tf.tidy(() => tf.randomUniform([SAMPLES], 0, 10, 'int32', 8).dataSync() as Int32Array);
  return { train: { x, y }, val: null, inputShape, numClasses: 10 };
}

/** One engine on one cell: a model, an optimizer and a way to run one epoch. */
interface EngineCell {
  engine: Engine;
  run(limitSeconds: number): Run;
  dispose(): void;
}

function prepare(engine: Engine, model: ModelName, batch: number, data: TrainingData): EngineCell {
  const net = buildModel(model);
  const opt = engine === 'wasm' ? tf.train.adam(1e-3, 0.9, 0.999, 1e-7) : new FusedAdam(1e-3, 0.9, 0.999, 1e-7);
  const stepsPerEpoch = Math.floor(SAMPLES / batch);
  // The issue-4 step (what tfjs' ops do with our kernels underneath), as Epochlab's loop ran it before
  // the fused ops: one tensor per batch from a laid-out copy, tf.layers' apply, tfjs' loss and accuracy.
  const unfused = (s: number) =>
    tf.tidy(() => {
      const f = data.inputShape.reduce((a, b) => a * b, 1);
      const xb = tf.tensor(data.train.x.subarray(s * batch * f, (s + 1) * batch * f), [batch, ...data.inputShape]);
      const yb = tf.tensor1d(data.train.y.subarray(s * batch, (s + 1) * batch), 'int32');
      let stats: TF.Tensor | null = null;
      opt.minimize(() => {
        const logits = net.apply(xb, { training: true }) as TF.Tensor2D;
        const loss = tf.losses.softmaxCrossEntropy(tf.oneHot(yb, 10), logits) as TF.Scalar;
        stats = tf.keep(tf.stack([loss, tf.sum(tf.cast(tf.equal(tf.argMax(logits, 1), yb), 'float32'))]));
        return loss;
      }, false);
      return stats as unknown as TF.Tensor;
    });
  const step = (s: number) => (engine === 'wasm-unfused' ? unfused(s) : trainStep(net, opt, [], 0, data, null, s * batch, batch));
  return {
    engine,
    run(limit: number): Run {
      const t0 = performance.now();
      const c0 = process.cpuUsage();
      let steps = 0;
      for (let s = 0; s < stepsPerEpoch; s++) {
        const stats = step(s);
        stats.dataSync(); // per-iteration metrics read the loss every step
        stats.dispose();
        steps++;
        if (performance.now() - t0 > limit * 1000) break;
      }
      const c = process.cpuUsage(c0);
      return { samples: steps * batch, wall: (performance.now() - t0) / 1000, cpu: (c.user + c.system) / 1e6, steps };
    },
    dispose() {
      net.dispose();
      opt.dispose();
    },
  };
}

/** Puts the kernels an engine runs with in place: ours or stock, the SIMD or the relaxed-SIMD build. */
function enter(engine: Engine): void {
  if (engine === 'wasm-stock') unregisterWasmTrainingKernels();
  else registerWasmTrainingKernels();
  useKernelBuild(engine === 'wasm-relaxed' ? 'relaxed' : 'simd');
}

function cellOf(r: EngineResult, model: ModelName, batch: number): Cell | undefined {
  return r.cells.find((c) => c.model === model && c.batch === batch);
}

function summarizeRuns(model: ModelName, batch: number, runs: Run[]): Cell {
  return {
    model, batch, stepsPerEpoch: Math.floor(SAMPLES / batch),
    samplesPerSecond: summarize(runs.map((r) => r.samples / r.wall)),
    samplesPerCpuSecond: summarize(runs.filter((r) => r.cpu > 0).map((r) => r.samples / r.cpu)),
    stepsPerRun: runs.map((r) => r.steps),
    load: currentLoad(),
  };
}

function failure(err: unknown): string {
  return (err instanceof Error ? err.message : String(err)).split('\n')[0];
}

interface Plan {
  models: ModelName[];
  batches: number[];
  runs: number;
  runSeconds: number;
  log: (l: string) => void;
}

/**
 * The wasm engines and the peer, alternating run by run on each cell. Leak check: every engine leaves
 * at most a handful of tensors (Adam keeps two scalars after dispose() in tfjs 4.22).
 */
async function measureAlternating(engines: Engine[], peer: PeerServer | null, plan: Plan, results: Map<Engine | 'pytorch', EngineResult>): Promise<void> {
  for (const model of plan.models) {
    const data = dataFor(model);
    for (const batch of plan.batches) {
      const live: EngineCell[] = [];
      const runs = new Map<Engine | 'pytorch', Run[]>();
      let n = plan.runs;
      // Every engine's model lives until the cell is done: the leak check spans them all.
      const before = tf.memory().numTensors;
      for (const engine of engines) {
        enter(engine);
        try {
          const cell = prepare(engine, model, batch, data);
          const warm = cell.run(plan.runSeconds);
          if (warm.wall > 2 * plan.runSeconds) n = Math.min(n, 3);
          live.push(cell);
          runs.set(engine, []);
        } catch (err) {
          results.get(engine)!.cells.push({ model, batch, stepsPerEpoch: Math.floor(SAMPLES / batch), error: failure(err) });
          plan.log(`  ${LABELS[engine]} ${model} B=${batch}: fails: ${failure(err)}`);
        }
      }
      let peerError: string | null = null;
      if (peer) {
        try {
          await peer.request({ cmd: 'setup', model, batch, seconds: plan.runSeconds });
          runs.set('pytorch', []);
        } catch (err) {
          peerError = failure(err);
        }
      }
      for (let r = 0; r < n; r++) {
        for (const cell of live) {
          enter(cell.engine);
          runs.get(cell.engine)!.push(cell.run(plan.runSeconds));
        }
        if (runs.has('pytorch')) runs.get('pytorch')!.push(await peer!.request<Run>({ cmd: 'run', seconds: plan.runSeconds }));
      }
      for (const cell of live) {
        enter(cell.engine);
        cell.dispose();
      }
      const leaked = tf.memory().numTensors - before;
      if (leaked > 4 * live.length) throw new Error(`${leaked} tensors leaked by the ${live.map((c) => c.engine).join(', ')} ${model} B=${batch} loops`);
      for (const [engine, list] of runs) {
        const cell = summarizeRuns(model, batch, list);
        results.get(engine)!.cells.push(cell);
        plan.log(`  ${engine === 'pytorch' ? 'PyTorch' : LABELS[engine]} ${model} B=${batch}: ${formatSummary(cell.samplesPerSecond!)} samples/s (load ${cell.load})`);
      }
      if (peerError) results.get('pytorch')!.cells.push({ model, batch, stepsPerEpoch: Math.floor(SAMPLES / batch), error: peerError });
    }
  }
  enter('wasm-fused');
}

/** An engine on a backend of its own (cpu, native), cell by cell. */
function measureAlone(engine: Engine, plan: Plan, result: EngineResult): void {
  for (const model of plan.models) {
    const data = dataFor(model);
    for (const batch of plan.batches) {
      const before = tf.memory().numTensors;
      try {
        const cell = prepare(engine, model, batch, data);
        try {
          const warm = cell.run(plan.runSeconds);
          const n = warm.wall > 2 * plan.runSeconds ? 3 : plan.runs;
          result.cells.push(summarizeRuns(model, batch, Array.from({ length: n }, () => cell.run(plan.runSeconds))));
          plan.log(`  ${result.label} ${model} B=${batch}: ${formatSummary(result.cells.at(-1)!.samplesPerSecond!)} samples/s`);
        } finally {
          cell.dispose();
        }
        const leaked = tf.memory().numTensors - before;
        if (leaked > 4) throw new Error(`${leaked} tensors leaked by the ${engine} ${model} B=${batch} loop`);
      } catch (err) {
        result.cells.push({ model, batch, stepsPerEpoch: Math.floor(SAMPLES / batch), error: failure(err) });
        plan.log(`  ${result.label} ${model} B=${batch}: fails: ${failure(err)}`);
      }
    }
  }
}

function ratioAt(embedded: EngineResult, peer: EngineResult, model: ModelName, batch: number): number {
  return (cellOf(embedded, model, batch)?.samplesPerSecond?.median ?? NaN) / (cellOf(peer, model, batch)?.samplesPerSecond?.median ?? NaN);
}

function markdown(results: EngineResult[], plan: Plan, machine: MachineInfo, peerThreads: number): string {
  const { models, batches, runs, runSeconds } = plan;
  const header = models.flatMap((m) => batches.map((b) => `${m.toUpperCase()} B=${b}`));
  const lines = [
    '## Training throughput',
    '',
    `Samples/s, median (min–max) of ${runs} runs after a warm-up (3 when a step is slow). One run = one epoch of ${SAMPLES} random samples in full batches, cut after ${runSeconds} s. ` +
      'Reference MLP 784-128-10 and CNN conv3×3×8-maxpool-conv3×3×16-maxpool-dense64-dense10 (valid convolutions), Adam, loss read every step. ' +
      `tfjs runs on one thread (a trial per core); PyTorch on ${peerThreads}. The wasm rows and PyTorch ran alternately, run by run, on each cell.`,
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
  if (!embedded || !peer) {
    lines.push(`Targets (issue 12): not checked — ${embedded ? 'the PyTorch peer did not run' : 'the embedded backend did not run'}.`);
    return lines.join('\n');
  }
  const verdicts = models.map((m) => {
    const e = cellOf(embedded, m, TARGET_BATCH)?.samplesPerSecond?.median ?? NaN;
    const p = cellOf(peer, m, TARGET_BATCH)?.samplesPerSecond?.median ?? NaN;
    const ratio = e / p;
    const gflops = (e * MFLOP_PER_SAMPLE[m]) / 1000;
    return `${m.toUpperCase()} ${compact(e)} / ${compact(p)} = **${ratio.toFixed(2)}×** (target ≥ ${TARGETS[m]}) ${ratio >= TARGETS[m] ? '✓' : '✗'} (${gflops.toFixed(1)} GFLOP/s effective)`;
  });
  lines.push(`Per trial at B = ${TARGET_BATCH}, ${embedded.label} against PyTorch — ${verdicts.join('; ')}.`);
  if (batches.includes(SMALL_BATCH)) {
    const small = models.map((m) => {
      const r32 = ratioAt(embedded, peer, m, SMALL_BATCH);
      const r128 = ratioAt(embedded, peer, m, TARGET_BATCH);
      const share = r32 / r128;
      return `${m.toUpperCase()} ${r32.toFixed(2)}× = ${share.toFixed(2)} of the B = ${TARGET_BATCH} ratio ${share >= SMALL_BATCH_SHARE ? '✓' : '✗'}`;
    });
    lines.push(`At B = ${SMALL_BATCH} (target: at least ${SMALL_BATCH_SHARE} of the B = ${TARGET_BATCH} ratio): ${small.join('; ')}.`);
  }
  const relaxed = results.find((r) => r.engine === 'wasm-relaxed' && !r.skipped);
  if (relaxed) {
    const gains = models.flatMap((m) => batches.map((b) => {
      const g = (cellOf(relaxed, m, b)?.samplesPerSecond?.median ?? NaN) / (cellOf(embedded, m, b)?.samplesPerSecond?.median ?? NaN);
      return `${m.toUpperCase()} B=${b} ${g.toFixed(2)}×`;
    }));
    lines.push(`Relaxed-SIMD build against the SIMD build, same run: ${gains.join(', ')}.`);
  }
  return lines.join('\n');
}

export const trainingSection: Section = {
  id: 'training',
  title: 'Training throughput: reference MLP and CNN on every backend, and the PyTorch peer',
  async run({ quick, args, log }: BenchOptions): Promise<SectionResult> {
    const machine = machineInfo();
    const plan: Plan = {
      models: (args.models ?? 'mlp,cnn').split(',') as ModelName[],
      batches: (args.batches ?? '32,128,512').split(',').map(Number),
      runs: Math.max(3, Number(args.runs ?? (quick ? 3 : 5))),
      runSeconds: Number(args['run-seconds'] ?? (quick ? 0.5 : 3)),
      log,
    };
    const peerThreads = Number(args['peer-threads'] ?? 2);
    const probes = await probeBackends();
    for (const p of probes) log(`  ${p.name}: ${p.available ? `available ${p.version ?? ''} ${p.device ?? ''}` : `unavailable — ${p.reason}`}`);
    const available = probes.filter((p) => p.available).map((p) => p.name as string);
    const order: Engine[] = ['tensorflow-gpu', 'tensorflow', 'wasm-fused', 'wasm-relaxed', 'wasm-unfused', 'wasm', 'wasm-stock', 'cpu'];
    const wanted = args.backends ? (args.backends.split(',') as Engine[]) : order;
    const engines = order.filter((e) => wanted.includes(e) && available.includes(e.startsWith('wasm') ? 'wasm' : e));

    const results = new Map<Engine | 'pytorch', EngineResult>();
    const wasmEngines = engines.filter((e) => e.startsWith('wasm'));
    let wasmInfo: { version: string; device: string } | null = null;
    if (wasmEngines.length) {
      const info = await initBackend('wasm');
      wasmInfo = { version: info.version, device: info.device };
      enableRelaxedSimd();
      if (wasmEngines.includes('wasm-relaxed') && !relaxedSimdSupported()) {
        results.set('wasm-relaxed', { engine: 'wasm-relaxed', label: LABELS['wasm-relaxed'], skipped: 'not run: this runtime has no WebAssembly relaxed SIMD (Node 20 needs --experimental-wasm-relaxed-simd)', cells: [] });
      }
    }
    for (const e of wasmEngines) if (!results.has(e)) results.set(e, { engine: e, label: LABELS[e], version: wasmInfo!.version, device: e === 'wasm-relaxed' ? `${wasmInfo!.device}, relaxed SIMD` : wasmInfo!.device, cells: [] });

    let peer: PeerServer | null = null;
    let peerResult: EngineResult = { engine: 'pytorch', label: `PyTorch CPU (${peerThreads} threads)`, cells: [] };
    const missing = args['no-peer'] === 'true' ? 'skipped (--no-peer)' : peerMissing();
    if (missing) peerResult.skipped = `PyTorch peer skipped: ${missing}`;
    else {
      const { env, notes } = peerEnv(peerThreads);
      log(`  PyTorch peer: ${describeEnv(env)}`);
      for (const n of notes) log(`    ${n}`);
      try {
        const started = await PeerServer.start('peer_pytorch.py', ['--threads', String(peerThreads), '--samples', String(SAMPLES)], env);
        peer = started.peer;
        const d: PeerDescription = started.description;
        log(`    torch ${d.torch}, ${d.threads} threads, BLAS: ${d.blas.join(', ') || 'none mapped'}`);
        peerResult = { engine: 'pytorch', label: `PyTorch ${d.torch} CPU (${d.threads} thread${d.threads === 1 ? '' : 's'}, ${blasName(d)})`, version: d.torch, device: `CPU, ${d.threads} threads`, cells: [] };
      } catch (err) {
        peerResult.skipped = `PyTorch peer failed to start: ${failure(err)}`;
      }
    }
    results.set('pytorch', peerResult);
    try {
      const alternating = wasmEngines.filter((e) => !results.get(e)?.skipped);
      if (alternating.length || peer) await measureAlternating(alternating, peer, plan, results);
    } finally {
      peer?.close();
    }
    for (const engine of engines.filter((e) => !e.startsWith('wasm'))) {
      const info = await initBackend(engine as BackendName);
      const result: EngineResult = { engine, label: LABELS[engine], version: info.version, device: info.device, cells: [] };
      measureAlone(engine, plan, result);
      results.set(engine, result);
    }
    if (wasmEngines.length) await initBackend('wasm');
    machine.loadEnd = currentLoad();
    const ordered = [...order.filter((e) => results.has(e)).map((e) => results.get(e)!), results.get('pytorch')!];
    return {
      json: {
        section: 'training', date: new Date().toISOString(), machine,
        protocol: { samples: SAMPLES, runs: plan.runs, runSeconds: plan.runSeconds, peerThreads, mflopPerSample: MFLOP_PER_SAMPLE, alternating: true },
        kernelBuild: kernelBuild(), probes, results: ordered,
      },
      markdown: markdown(ordered, plan, machine, peerThreads),
    };
  },
};
