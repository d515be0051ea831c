/**
 * Checkpoints: a model's weights as one binary file (float32, concatenated) plus a JSON manifest of names
 * and shapes. tfjs can only save to files through tfjs-node, which is optional, so we write our own.
 * Writes go to a temporary name first and are renamed, so a crash never leaves a half checkpoint.
 */
import * as tf from '@tensorflow/tfjs';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { RESUME_FORMAT, readResumeManifest, resumePaths, type ResumeManifest, type TensorEntry } from './resume-file';

export interface WeightManifest {
  format: 'epochlab-weights-v1';
  epoch: number;
  weights: Array<{ name: string; shape: number[]; offset: number; length: number }>;
}

/** Writes `<dir>/<name>.bin` and `<dir>/<name>.json`; returns the bytes written. */
export async function saveWeights(model: tf.LayersModel, absDir: string, name: string, epoch: number): Promise<number> {
  mkdirSync(absDir, { recursive: true });
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
  const bin = join(absDir, `${name}.bin`);
  const json = join(absDir, `${name}.json`);
  writeFileSync(`${bin}.tmp`, Buffer.from(data.buffer, data.byteOffset, data.byteLength));
  writeFileSync(`${json}.tmp`, JSON.stringify(manifest));
  renameSync(`${bin}.tmp`, bin);
  renameSync(`${json}.tmp`, json);
  return data.byteLength;
}

/** The weights of a checkpoint as tensors (for restore-best after a resume); null when it does not exist. */
export function readWeightTensors(absDir: string, name: string): tf.Tensor[] | null {
  if (!existsSync(join(absDir, `${name}.json`))) return null;
  const manifest = JSON.parse(readFileSync(join(absDir, `${name}.json`), 'utf8')) as WeightManifest;
  const bytes = readFileSync(join(absDir, `${name}.bin`));
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
  const data = new Float32Array(arrays.reduce((n, a) => n + a.length, 0));
  const table: TensorEntry[] = [];
  let offset = 0;
  entries.forEach((e, i) => {
    data.set(arrays[i], offset);
    table.push({ name: e.name, shape: e.tensor.shape, dtype: e.tensor.dtype === 'int32' ? 'int32' : 'float32', offset, length: arrays[i].length });
    offset += arrays[i].length;
  });
  const nModel = model.getWeights().length;
  const manifest: ResumeManifest = { format: RESUME_FORMAT, ...counters, model: table.slice(0, nModel), optimizer: table.slice(nModel) };
  mkdirSync(absDir, { recursive: true });
  const { json, bin } = resumePaths(absDir);
  // The binary first, then the manifest that points into it: a reader never sees a manifest without its data.
  writeFileSync(`${bin}.tmp`, Buffer.from(data.buffer, data.byteOffset, data.byteLength));
  renameSync(`${bin}.tmp`, bin);
  writeFileSync(`${json}.tmp`, JSON.stringify(manifest));
  renameSync(`${json}.tmp`, json);
  return true;
}

/** Restores weights and optimizer state from the resume point; returns its counters, or null if there is none. */
export async function loadResumePoint(model: tf.LayersModel, optimizer: tf.Optimizer, absDir: string): Promise<ResumeManifest | null> {
  const manifest = readResumeManifest(absDir);
  if (!manifest) return null;
  const bytes = readFileSync(resumePaths(absDir).bin);
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
