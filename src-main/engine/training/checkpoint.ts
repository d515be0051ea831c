/**
 * Checkpoints: a model's weights as one binary file (float32, concatenated) plus a JSON manifest of names
 * and shapes. tfjs can only save to files through tfjs-node, which is optional, so we write our own.
 * Writes go to a temporary name first and are renamed, data before manifest, so a crash never leaves a half
 * checkpoint or a manifest beside data it does not describe. File names come from checkpoint-layout.ts.
 */
import * as tf from '@tensorflow/tfjs';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { removeResumePoints, resumeEpochsIn, resumeFiles, tempFileOf, weightsFiles, type FilePair, type WeightsKind } from './checkpoint-layout';
import { RESUME_FORMAT, RESUME_POINTS_KEPT, newestResumePoint, sha256Of, type ResumeManifest, type TensorEntry } from './resume-file';

export interface WeightManifest {
  format: 'epochlab-weights-v1';
  epoch: number;
  weights: Array<{ name: string; shape: number[]; offset: number; length: number }>;
}

/** Writes the `kind` weights checkpoint; returns the bytes written. */
export async function saveWeights(model: tf.LayersModel, absDir: string, kind: WeightsKind, epoch: number): Promise<number> {
  const weights = model.getWeights();
  const arrays = await Promise.all(weights.map((w) => w.data() as Promise<Float32Array>));
  const total = arrays.reduce((n, a) => n + a.length, 0);
  const data = new Float32Array(total);
  const manifest: WeightManifest = { format: 'epochlab-weights-v1', epoch, weights: [] };
  let offset = 0;
  weights.forEach((w, i) => {
    data.set(arrays[i], offset);
    manifest.weights.push({ name: model.weights[i].name, shape: w.shape, offset, length: arrays[i].length });
    offset += arrays[i].length;
  });
  writePair(absDir, weightsFiles(absDir, kind), Buffer.from(data.buffer, data.byteOffset, data.byteLength), manifest);
  return data.byteLength;
}

/** Data first, manifest last, each through a temporary name: a manifest on disk always describes its data. */
function writePair(absDir: string, files: FilePair, data: Buffer, manifest: object): void {
  mkdirSync(absDir, { recursive: true });
  writeFileSync(tempFileOf(files.bin), data);
  renameSync(tempFileOf(files.bin), files.bin);
  writeFileSync(tempFileOf(files.json), JSON.stringify(manifest));
  renameSync(tempFileOf(files.json), files.json);
}

/**
 * The weights of a checkpoint as tensors (for restore-best after a resume); null when it does not exist or
 * was written at another epoch than `epoch` (a best checkpoint newer than the resume point it goes with).
 */
export function readWeightTensors(absDir: string, kind: WeightsKind, epoch: number | null): tf.Tensor[] | null {
  const files = weightsFiles(absDir, kind);
  if (epoch === null || !existsSync(files.json)) return null;
  const manifest = JSON.parse(readFileSync(files.json, 'utf8')) as WeightManifest;
  if (manifest.epoch !== epoch) return null;
  const bytes = readFileSync(files.bin);
  const data = new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4);
  return manifest.weights.map((w) => tf.tensor(data.slice(w.offset, w.offset + w.length), w.shape));
}

type ResumeCounters = Pick<ResumeManifest, 'epoch' | 'step' | 'samplesSeen' | 'elapsedMs' | 'judge'>;

/**
 * Writes the resume point after an epoch. Returns false (and writes nothing) for an optimizer whose state
 * tfjs cannot export (Adamax): such a run starts again from scratch if it is interrupted.
 */
export async function saveResumePoint(model: tf.LayersModel, optimizer: tf.Optimizer, absDir: string, counters: ResumeCounters): Promise<boolean> {
  let optimizerWeights: Awaited<ReturnType<tf.Optimizer['getWeights']>>;
  try {
    optimizerWeights = await optimizer.getWeights();
  } catch {
    return false;
  }
  const variableIndex = new Map(variableNames(model).map((name, i) => [name, i]));
  const entries: Array<{ name: string; tensor: tf.Tensor }> = [
    ...model.getWeights().map((tensor, i) => ({ name: `w${i}`, tensor })),
    ...optimizerWeights.map(({ name, tensor }) => ({ name: portableName(name, variableIndex), tensor })),
  ];
  const arrays = await Promise.all(entries.map((e) => e.tensor.data()));
  // getWeights() makes a fresh scalar for the iteration count (the moments are the optimizer's own
  // variables): left alone, one tensor leaked per epoch (docs/reliability.md F7).
  tf.dispose(optimizerWeights.filter((w) => !(w.tensor instanceof tf.Variable)).map((w) => w.tensor));
  const data = new Float32Array(arrays.reduce((n, a) => n + a.length, 0));
  const table: TensorEntry[] = [];
  let offset = 0;
  entries.forEach((e, i) => {
    data.set(arrays[i], offset);
    table.push({ name: e.name, shape: e.tensor.shape, dtype: e.tensor.dtype === 'int32' ? 'int32' : 'float32', offset, length: arrays[i].length });
    offset += arrays[i].length;
  });
  const nModel = model.getWeights().length;
  const bytes = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  const manifest: ResumeManifest = {
    format: RESUME_FORMAT, ...counters, model: table.slice(0, nModel), optimizer: table.slice(nModel),
    data: { bytes: bytes.byteLength, sha256: sha256Of(bytes) },
  };
  writePair(absDir, resumeFiles(absDir, counters.epoch), bytes, manifest);
  // The newest points stay; older ones (and anything half-written) go.
  const kept = new Set(resumeEpochsIn(absDir).slice(0, RESUME_POINTS_KEPT));
  removeResumePoints(absDir, (epoch) => kept.has(epoch));
  return true;
}

/**
 * Restores weights and optimizer state from the newest resume point (the one the services checked against
 * the database and kept); returns its counters. Throws with the reason when the point is missing, does not
 * match its content hash, or does not fit this model.
 */
export async function loadResumePoint(model: tf.LayersModel, optimizer: tf.Optimizer, absDir: string): Promise<ResumeManifest> {
  const found = newestResumePoint(absDir);
  if ('problem' in found) throw new Error(found.problem);
  const { manifest, data: bytes } = found;
  const data = new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4);
  const tensorOf = (e: TensorEntry) => tf.tensor(data.slice(e.offset, e.offset + e.length), e.shape, e.dtype);
  if (manifest.model.length !== model.getWeights().length) throw new Error('the resume point does not match this model');
  const weights = manifest.model.map(tensorOf);
  model.setWeights(weights);
  tf.dispose(weights);
  const names = variableNames(model);
  const state = manifest.optimizer.map((e) => ({ name: localName(e.name, names), tensor: tensorOf(e) }));
  await optimizer.setWeights(state);
  tf.dispose(state.map((s) => s.tensor));
  return manifest;
}

/** The registered names of the trainable variables, which is how optimizers key their state. */
function variableNames(model: tf.LayersModel): string[] {
  return model.trainableWeights.map((w) => (w.read() as tf.Variable).name);
}

/** `dense_Dense12/kernel/m` → `#0/m`: variable names carry a per-process counter, indices do not. */
function portableName(name: string, variableIndex: Map<string, number>): string {
  for (const [variable, index] of variableIndex) {
    if (name === variable || name.startsWith(`${variable}/`)) return `#${index}${name.slice(variable.length)}`;
  }
  return name;
}

function localName(name: string, variables: string[]): string {
  const match = /^#(\d+)(.*)$/.exec(name);
  return match ? `${variables[Number(match[1])]}${match[2]}` : name;
}
