/** Shared fixtures for the store tests: a valid spec, its runs, temp folders, rows. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { experimentSpecSchema, iterationAccounting, type EpochMetric, type ExperimentSpec, type IterationMetric } from '../../src-main/contract';
import { openStore, type NewRun, type RunStore } from '../../src-main/store';

export function makeSpec(name = 'batch sweep'): ExperimentSpec {
  return experimentSpecSchema.parse({
    name,
    notes: 'seed article: N = 1050, B = 100',
    dataset: { id: 'spiral', size: 1050 },
    model: { template: 'mlp', hidden: [16] },
    params: { batchSize: [32, 100], epochs: 3 },
  });
}

export function makeRuns(spec: ExperimentSpec, batchSizes = [32, 100]): NewRun[] {
  return batchSizes.map((batchSize, index) => ({
    index,
    config: {
      params: { learningRate: 0.01, batchSize, epochs: 3, optimizer: 'adam', schedule: 'constant', weightDecay: 0, seed: 1 },
      model: spec.model,
      dataset: spec.dataset,
      validation: spec.validation,
      training: spec.training,
    },
    accounting: iterationAccounting(840, batchSize, 3),
  }));
}

/** A fresh folder under the OS temp dir, removed by the returned cleanup. */
export function tempDir(prefix = 'epochlab-store-'): { dir: string; cleanup: () => void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  return { dir, cleanup: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

export function iterationRows(fromStep: number, count: number, batchSize = 100, perEpoch = 11): IterationMetric[] {
  return Array.from({ length: count }, (_, i) => {
    const step = fromStep + i;
    return {
      step,
      epoch: Math.floor((step - 1) / perEpoch) + 1,
      batch: (step - 1) % perEpoch,
      batchSize,
      loss: 2 / Math.sqrt(step),
      accuracy: 1 - 1 / (step + 1),
      learningRate: 0.01,
      elapsedMs: step * 3.5,
    };
  });
}

export function epochRow(epoch: number, overrides: Partial<EpochMetric> = {}): EpochMetric {
  return {
    epoch,
    step: epoch * 11,
    trainLoss: 1 / epoch,
    trainAccuracy: 0.5 + epoch / 100,
    valLoss: 1.2 / epoch,
    valAccuracy: 0.45 + epoch / 100,
    learningRate: 0.01,
    seconds: 2,
    samplesSeen: epoch * 1050,
    elapsedMs: epoch * 2000,
    ...overrides,
  };
}

/** A throwaway in-memory store holding one experiment; returns the store and its first run's id. */
export function memoryStoreWithRun(): { store: RunStore; runId: number } {
  const store = openStore(':memory:');
  const spec = makeSpec();
  return { store, runId: store.createExperiment(spec, makeRuns(spec)).runIds[0] };
}
