/**
 * Iteration accounting, computed once here and used everywhere (preview, training loop, tables, UI).
 *
 * One epoch walks the N training samples in batches of B. The number of parameter updates per epoch is
 * ceil(N / B); the last batch holds the remainder (N mod B) unless N divides evenly. When the last
 * partial batch is dropped, an epoch has floor(N / B) updates of exactly B samples each.
 * (Some articles write "iterations = epochs × batch size": that is wrong, and nothing here uses it.)
 */
export interface IterationAccounting {
  /** Training samples N. */
  nTrain: number;
  /** Requested batch size B. */
  batchSize: number;
  /** Batch size actually used: min(B, N). Differs from B only when B > N (full-batch training). */
  effectiveBatchSize: number;
  iterationsPerEpoch: number;
  /** Samples in the last batch of an epoch (equal to the effective batch size when N divides evenly). */
  lastBatchSize: number;
  /** Samples one epoch actually trains on: N, or fewer when the last partial batch is dropped. */
  samplesPerEpoch: number;
  epochs: number;
  totalIterations: number;
  dropLastBatch: boolean;
}

export function iterationAccounting(
  nTrain: number,
  batchSize: number,
  epochs: number,
  dropLastBatch = false,
): IterationAccounting {
  if (!Number.isInteger(nTrain) || nTrain < 1) throw new RangeError(`nTrain must be a positive integer, got ${nTrain}`);
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new RangeError(`batchSize must be a positive integer, got ${batchSize}`);
  if (!Number.isInteger(epochs) || epochs < 1) throw new RangeError(`epochs must be a positive integer, got ${epochs}`);
  const effectiveBatchSize = Math.min(batchSize, nTrain);
  const full = Math.floor(nTrain / effectiveBatchSize);
  const remainder = nTrain - full * effectiveBatchSize;
  const keepPartial = remainder > 0 && !dropLastBatch;
  const iterationsPerEpoch = full + (keepPartial ? 1 : 0);
  const lastBatchSize = keepPartial ? remainder : effectiveBatchSize;
  const samplesPerEpoch = full * effectiveBatchSize + (keepPartial ? remainder : 0);
  return {
    nTrain,
    batchSize,
    effectiveBatchSize,
    iterationsPerEpoch,
    lastBatchSize,
    samplesPerEpoch,
    epochs,
    totalIterations: iterationsPerEpoch * epochs,
    dropLastBatch,
  };
}

/** Size of batch `index` (0-based) within an epoch, consistent with `iterationAccounting`. */
export function batchSizeAt(acc: IterationAccounting, index: number): number {
  return index === acc.iterationsPerEpoch - 1 ? acc.lastBatchSize : acc.effectiveBatchSize;
}

/**
 * Validation rows per class for a stratified split: round(count × fraction) of each class, but never
 * all of a class's rows when the class has more than one row (so every class keeps training data).
 */
export function stratifiedValidationCounts(classCounts: readonly number[], fraction: number): number[] {
  return classCounts.map((count) => {
    if (fraction <= 0 || count === 0) return 0;
    const wanted = Math.round(count * fraction);
    return count > 1 ? Math.min(wanted, count - 1) : 0;
  });
}

export function splitSizes(classCounts: readonly number[], fraction: number): { nTrain: number; nVal: number } {
  const total = classCounts.reduce((a, b) => a + b, 0);
  const nVal = stratifiedValidationCounts(classCounts, fraction).reduce((a, b) => a + b, 0);
  return { nTrain: total - nVal, nVal };
}
