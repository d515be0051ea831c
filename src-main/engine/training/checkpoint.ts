/**
 * Checkpoints: a model's weights as one binary file (float32, concatenated) plus a JSON manifest of names
 * and shapes. tfjs can only save to files through tfjs-node, which is optional, so we write our own.
 * Writes go to a temporary name first and are renamed, so a crash never leaves a half checkpoint.
 */
import * as tf from '@tensorflow/tfjs';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

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

/** Loads weights saved by `saveWeights` into a model of the same architecture. */
export function loadWeights(model: tf.LayersModel, absDir: string, name: string): WeightManifest {
  const manifest = JSON.parse(readFileSync(join(absDir, `${name}.json`), 'utf8')) as WeightManifest;
  const bytes = readFileSync(join(absDir, `${name}.bin`));
  const data = new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4);
  if (manifest.weights.length !== model.weights.length) {
    throw new Error(`checkpoint has ${manifest.weights.length} weights, the model ${model.weights.length}`);
  }
  const tensors = manifest.weights.map((w) => tf.tensor(data.subarray(w.offset, w.offset + w.length), w.shape));
  model.setWeights(tensors);
  tensors.forEach((t) => t.dispose());
  return manifest;
}
