import { describe, expect, it } from 'vitest';
import { pruningSchema, type PruningSpec } from '../../../src-main/contract';
import { percentile, rungEpoch, shouldPrune, type EpochValues, type PruneQuery } from '../../../src-main/engine/search/pruners';

const median = (extra: object = {}) => pruningSchema.parse({ method: 'median', ...extra });
const asha = (extra: object = {}) => pruningSchema.parse({ method: 'asha', ...extra });
const curve = (values: Array<number | null>): EpochValues => new Map(values.map((v, i) => [i + 1, v]));
const complete = (values: Array<number | null>) => ({ values: curve(values), complete: true });

function query(values: Array<number | null>, others: PruneQuery['others'], extra: Partial<PruneQuery> = {}): PruneQuery {
  return { epoch: values.length, finalEpoch: 10, values: curve(values), others, direction: 'minimize', monitor: 'val_loss', ...extra };
}

describe('median pruner', () => {
  const five = [0.5, 0.4, 0.45, 0.55, 0.6].map((v) => complete([v, v - 0.1, v - 0.2]));

  it('has Optuna\'s defaults: 5 start-up trials, no warm-up, every epoch', () => {
    expect(median()).toEqual({ method: 'median', startupTrials: 5, warmupEpochs: 0, intervalEpochs: 1 });
    expect(asha()).toEqual({ method: 'asha', minEpochs: 1, reductionFactor: 3, minEarlyStoppingRate: 0 });
  });

  it('prunes when the best value so far is worse than the median of completed trials at that epoch', () => {
    const decision = shouldPrune(median(), query([0.9], five));
    expect(decision?.reason).toMatch(/pruned at epoch 1 \(median rule\): best val_loss so far 0\.9000 is worse than the median 0\.5000 of 5 completed trials at epoch 1/);
    expect(shouldPrune(median(), query([0.49], five))).toBeNull();
    // Compared with its best so far, not its latest value: a bad epoch 2 after a good epoch 1 survives.
    expect(shouldPrune(median(), query([0.3, 0.9], five))).toBeNull();
  });

  it('waits for the start-up trials to complete; running or pruned trials do not count', () => {
    const four = five.slice(0, 4);
    expect(shouldPrune(median(), query([0.9], four))).toBeNull();
    expect(shouldPrune(median(), query([0.9], [...four, { values: curve([0.1]), complete: false }]))).toBeNull();
    expect(shouldPrune(median({ startupTrials: 4 }), query([0.9], four))).not.toBeNull();
  });

  it('never prunes during the warm-up, and checks every intervalEpochs after it', () => {
    for (let epoch = 1; epoch <= 3; epoch++) {
      expect(shouldPrune(median({ warmupEpochs: 3 }), query(Array(epoch).fill(9), [...five.map(() => complete(Array(10).fill(0.1)))]))).toBeNull();
    }
    const others = five.map(() => complete(Array(10).fill(0.1)));
    expect(shouldPrune(median({ warmupEpochs: 3 }), query(Array(4).fill(9), others))).not.toBeNull();
    const at = (epoch: number) => shouldPrune(median({ warmupEpochs: 1, intervalEpochs: 3 }), query(Array(epoch).fill(9), others)) !== null;
    expect([2, 3, 4, 5, 6, 7, 8].map(at)).toEqual([true, false, false, true, false, false, true]);
  });

  it('never prunes at the last epoch, and maximises accuracies', () => {
    expect(shouldPrune(median(), query([0.9], five, { finalEpoch: 1 }))).toBeNull();
    const acc = [0.8, 0.85, 0.9, 0.7, 0.75].map((v) => complete([v]));
    expect(shouldPrune(median(), query([0.6], acc, { direction: 'maximize', monitor: 'val_accuracy' }))?.reason).toMatch(/val_accuracy/);
    expect(shouldPrune(median(), query([0.81], acc, { direction: 'maximize' }))).toBeNull();
  });

  it('prunes a trial whose monitor never had a finite value; ignores others without a value at that epoch', () => {
    expect(shouldPrune(median(), query([null], five))?.reason).toMatch(/no finite value/);
    const short = [1, 2, 3, 4, 5].map(() => complete([0.1]));
    expect(shouldPrune(median(), query([0.9, 0.9], short))).toBeNull();
  });

  it('computes percentiles as numpy does', () => {
    expect(percentile([1, 2, 3, 4], 50)).toBe(2.5);
    expect(percentile([3, 1, 2], 50)).toBe(2);
    expect(percentile([5], 50)).toBe(5);
  });
});

describe('ASHA pruner', () => {
  it('places rungs at minEpochs × factor^(rate + k)', () => {
    expect([0, 1, 2, 3].map((k) => rungEpoch(asha() as Extract<PruningSpec, { method: 'asha' }>, k))).toEqual([1, 3, 9, 27]);
    expect([0, 1].map((k) => rungEpoch(asha({ minEpochs: 2, minEarlyStoppingRate: 1 }) as Extract<PruningSpec, { method: 'asha' }>, k))).toEqual([6, 18]);
  });

  it('keeps the top 1/factor of the trials that reached a rung, judged on the value at that epoch', () => {
    const others = [0.2, 0.3, 0.4, 0.5, 0.6].map((v) => ({ values: curve([v, v, v]), complete: false }));
    // 6 competitors at rung 0 → the best 2 continue.
    expect(shouldPrune(asha(), query([0.25], others))).toBeNull();
    expect(shouldPrune(asha(), query([0.35], others))?.reason).toMatch(/ASHA rung 0\): val_loss 0\.3500 is not among the best 2 of the 6 trials that reached epoch 1/);
    // Between rungs nothing is decided.
    expect(shouldPrune(asha(), query([0.25, 9], others))).toBeNull();
    // At rung 1 (epoch 3) the value at epoch 3 counts.
    expect(shouldPrune(asha(), query([0.1, 0.1, 0.9], others))).not.toBeNull();
  });

  it('lets the first trial at a rung through, and never prunes before minEpochs', () => {
    expect(shouldPrune(asha(), query([5], []))).toBeNull();
    const others = [0.1, 0.1, 0.1].map((v) => ({ values: curve([v, v, v, v]), complete: true }));
    for (let e = 1; e < 4; e++) expect(shouldPrune(asha({ minEpochs: 4 }), query(Array(e).fill(9), others))).toBeNull();
    expect(shouldPrune(asha({ minEpochs: 4 }), query(Array(4).fill(9), others))).not.toBeNull();
  });
});

/**
 * A grid of 8 learning rates × 3 seeds, 20 epochs, trained two at a time, where half the learning rates
 * are hopeless (their loss stays near ln 2). Each trial's curve is fixed; the simulation advances both
 * workers epoch by epoch and asks the pruner after every epoch, as the services do.
 */
function simulate(pruning: PruningSpec, concurrency = 2) {
  const epochs = 20;
  const rates = [0.1, 1e-6, 0.05, 3e-6, 0.03, 1e-5, 0.01, 3e-5];
  const trials = rates.flatMap((lr) => [1, 2, 3].map((seed) => ({ lr, seed })));
  const curveOf = ({ lr, seed }: { lr: number; seed: number }) => {
    const hopeless = lr < 1e-3;
    const floor = hopeless ? 0.69 : 0.08 + Math.abs(Math.log10(lr) + 1.5) * 0.05;
    const speed = hopeless ? 0.001 : 0.25;
    return Array.from({ length: epochs }, (_, e) => floor + (0.7 - floor) * Math.exp(-speed * (e + 1)) + 0.005 * Math.sin(seed * 7 + e));
  };
  const values = trials.map(() => new Map<number, number | null>());
  const status: Array<'queued' | 'running' | 'complete' | 'pruned'> = trials.map(() => 'queued');
  let next = 0;
  const running: number[] = [];
  while (next < trials.length || running.length) {
    while (running.length < concurrency && next < trials.length) {
      status[next] = 'running';
      running.push(next++);
    }
    for (const t of [...running]) {
      const epoch = values[t].size + 1;
      values[t].set(epoch, curveOf(trials[t])[epoch - 1]);
      const others = trials.flatMap((_, i) => (i === t || status[i] === 'queued' ? [] : [{ values: values[i], complete: status[i] === 'complete' }]));
      const decision = shouldPrune(pruning, { epoch, finalEpoch: epochs, values: values[t], others, direction: 'minimize', monitor: 'val_loss' });
      if (decision || epoch === epochs) {
        status[t] = decision ? 'pruned' : 'complete';
        running.splice(running.indexOf(t), 1);
      }
    }
  }
  const trained = values.reduce((n, v) => n + v.size, 0);
  const final = values.map((v) => Math.min(...[...v.values()].map((x) => x ?? Infinity)));
  const best = final.indexOf(Math.min(...final));
  return { trained, full: trials.length * epochs, status, best, trials, values };
}

describe('pruning a grid where half the learning rates are hopeless', () => {
  const savings = (r: ReturnType<typeof simulate>) => 1 - r.trained / r.full;
  const warmupOf = (p: PruningSpec) => (p.method === 'median' ? p.warmupEpochs : p.method === 'asha' ? p.minEpochs - 1 : 0);
  const noneBefore = (r: ReturnType<typeof simulate>, warmup: number) =>
    r.status.every((s, i) => s !== 'pruned' || r.values[i].size > warmup);

  it('trains everything without pruning', () => {
    const without = simulate({ method: 'none' });
    expect(without.trained).toBe(without.full);
  });

  for (const pruning of [median(), median({ warmupEpochs: 2 })]) {
    it(`the median rule ${JSON.stringify(pruning)} saves at least 40 % of the epochs and keeps the best trial`, () => {
      const r = simulate(pruning);
      expect(savings(r)).toBeGreaterThanOrEqual(0.4);
      // The best trial of the full grid is trained to the end.
      const best = simulate({ method: 'none' }).best;
      expect(r.status[best]).toBe('complete');
      expect(r.values[best].size).toBe(20);
      expect(noneBefore(r, warmupOf(pruning))).toBe(true);
    });
  }

  it('ASHA saves more, and its best trial is as good as the grid\'s best up to seed noise', () => {
    // ASHA keeps a third at each rung, judged on the value at the rung: seeds of the best configuration
    // compete within noise, so the single best seed may go; the best configuration does not.
    const r = simulate(asha());
    const full = simulate({ method: 'none' });
    expect(savings(r)).toBeGreaterThan(savings(simulate(median())));
    const bestOf = (x: ReturnType<typeof simulate>) =>
      Math.min(...x.values.filter((_, i) => x.status[i] === 'complete').map((v) => Math.min(...[...v.values()].map((y) => y ?? Infinity))));
    expect(bestOf(r)).toBeLessThanOrEqual(bestOf(full) * 1.02);
    expect(r.trials[r.values.findIndex((v, i) => r.status[i] === 'complete' && bestOf(r) === Math.min(...[...v.values()].map((y) => y ?? Infinity)))].lr).toBe(0.03);
    expect(noneBefore(r, 0)).toBe(true);
    expect(noneBefore(simulate(asha({ minEpochs: 3 })), 2)).toBe(true);
  });
});
