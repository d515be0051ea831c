import { describe, expect, it } from 'vitest';
import { createRng, deriveSeed } from '../../../src-main/engine/random';
import { samplePoint, configKey, type Dimension, type ParamPoint } from '../../../src-main/engine/search/space';
import { gamma, proposeTpe, splitTrials, type TpeTrial } from '../../../src-main/engine/search/tpe';

/** A fixed synthetic "validation loss" with the shape of a real sweep: a log-scale optimum in the learning
 * rate, a milder one in batch size, a weight decay that should be small, and one optimizer that is better. */
const DIMS: Dimension[] = [
  { name: 'learningRate', kind: 'float', low: 1e-5, high: 1, log: true },
  { name: 'batchSize', kind: 'int', low: 8, high: 512, log: true },
  { name: 'weightDecay', kind: 'float', low: 0, high: 0.1, log: false },
  { name: 'optimizer', kind: 'categorical', choices: ['sgd', 'momentum', 'adam', 'rmsprop'] },
];
function objective(p: ParamPoint): number {
  const lr = Math.log10(p.learningRate as number);
  const batch = Math.log2(p.batchSize as number);
  const opt = { sgd: 0.4, momentum: 0.2, adam: 0, rmsprop: 0.1 }[p.optimizer as string]!;
  return 0.1 + (lr + 2.7) ** 2 * 0.25 + ((batch - 5.5) ** 2) * 0.03 + (p.weightDecay as number) * 4 + opt;
}

function runTpe(seed: number, trials: number, multivariate = true): number[] {
  const history: TpeTrial[] = [];
  const taken = new Set<string>();
  for (let i = 0; i < trials; i++) {
    const point = proposeTpe(DIMS, history, {
      startupTrials: 10, candidates: 24, multivariate, direction: 'minimize', rng: createRng(deriveSeed(seed, i)),
      isTaken: (p) => taken.has(configKey(p)),
    });
    expect(point).not.toBeNull();
    taken.add(configKey(point!));
    history.push({ params: point!, state: 'complete', value: objective(point!), lastEpoch: 1 });
  }
  return history.map((t) => t.value!);
}

function runRandom(seed: number, trials: number): number[] {
  const rng = createRng(seed);
  return Array.from({ length: trials }, () => objective(samplePoint(DIMS, rng)));
}

describe('TPE', () => {
  it('γ(n) = min(ceil(0.1 n), 25)', () => {
    expect([0, 1, 10, 11, 100, 249, 250, 1000].map(gamma)).toEqual([0, 1, 1, 2, 10, 25, 25, 25]);
  });

  it('beats random search after 30 trials in at least 8 of 10 seeds on a fixed synthetic objective', () => {
    let wins = 0;
    const lines: string[] = [];
    for (let seed = 0; seed < 10; seed++) {
      const tpe = Math.min(...runTpe(seed, 30));
      const random = Math.min(...runRandom(seed + 1000, 30));
      if (tpe < random) wins++;
      lines.push(`seed ${seed}: tpe ${tpe.toFixed(4)} random ${random.toFixed(4)}`);
    }
    expect(wins, lines.join('\n')).toBeGreaterThanOrEqual(8);
  });

  it('is reproducible: the same seed and history give the same proposals', () => {
    expect(runTpe(7, 20)).toEqual(runTpe(7, 20));
    expect(runTpe(7, 20)).not.toEqual(runTpe(8, 20));
  });

  it('uses random start-up trials until enough trials have finished', () => {
    // Before 10 finished trials the proposal is the seeded random draw itself.
    const history: TpeTrial[] = [];
    const opts = (i: number) => ({ startupTrials: 10, candidates: 24, multivariate: true, direction: 'minimize' as const, rng: createRng(deriveSeed(3, i)), isTaken: () => false });
    for (let i = 0; i < 10; i++) {
      const p = proposeTpe(DIMS, history, opts(i))!;
      expect(p).toEqual(samplePoint(DIMS, createRng(deriveSeed(3, i))));
      history.push({ params: p, state: 'running', value: null, lastEpoch: 0 });
    }
    // Running trials do not count as finished: still random.
    expect(proposeTpe(DIMS, history, opts(10))).toEqual(samplePoint(DIMS, createRng(deriveSeed(3, 10))));
  });

  it('keeps proposals inside the space: integers whole, log ranges in bounds, categories from the list', () => {
    const values = runTpe(11, 40);
    expect(values.every(Number.isFinite)).toBe(true);
    const history: TpeTrial[] = [];
    for (let i = 0; i < 40; i++) {
      const p = proposeTpe(DIMS, history, { startupTrials: 5, candidates: 24, multivariate: false, direction: 'minimize', rng: createRng(i), isTaken: () => false })!;
      expect(Number.isInteger(p.batchSize)).toBe(true);
      expect(p.batchSize).toBeGreaterThanOrEqual(8);
      expect(p.batchSize).toBeLessThanOrEqual(512);
      expect(p.learningRate).toBeGreaterThanOrEqual(1e-5);
      expect(p.learningRate).toBeLessThanOrEqual(1);
      expect(['sgd', 'momentum', 'adam', 'rmsprop']).toContain(p.optimizer);
      history.push({ params: p, state: 'complete', value: objective(p), lastEpoch: 1 });
    }
  });

  it('never proposes a pending configuration again while an untried one exists', () => {
    const dims: Dimension[] = [
      { name: 'optimizer', kind: 'categorical', choices: ['sgd', 'adam'] },
      { name: 'batchSize', kind: 'categorical', choices: [16, 64] },
    ];
    const history: TpeTrial[] = [];
    const taken = new Set<string>();
    const seen: string[] = [];
    for (let i = 0; i < 5; i++) {
      const p = proposeTpe(dims, history, { startupTrials: 0, candidates: 24, multivariate: true, direction: 'minimize', rng: createRng(i), isTaken: (q) => taken.has(configKey(q)) });
      if (i === 4) {
        expect(p).toBeNull(); // all four configurations are pending
        break;
      }
      taken.add(configKey(p!));
      seen.push(configKey(p!));
      history.push({ params: p!, state: 'running', value: null, lastEpoch: 0 });
    }
    expect(new Set(seen).size).toBe(4);
  });

  it('splits complete trials by value, then pruned ones by depth, and puts running ones above', () => {
    const t = (state: TpeTrial['state'], value: number | null, lastEpoch = 5): TpeTrial => ({ params: { x: value ?? -1 }, state, value, lastEpoch });
    const trials = [t('complete', 0.5), t('pruned', 0.1, 2), t('running', null), t('complete', 0.3), t('pruned', 0.9, 4), t('complete', 0.7)];
    const { below, above } = splitTrials(trials, 4, 'minimize');
    // 3 complete (0.3, 0.5, 0.7) then the deeper pruned trial (epoch 4) — in trial order.
    expect(below.map((x) => x.value)).toEqual([0.5, 0.3, 0.9, 0.7]);
    expect(above.map((x) => x.value)).toEqual([0.1, null]);
    const max = splitTrials(trials, 1, 'maximize');
    expect(max.below.map((x) => x.value)).toEqual([0.7]);
  });

  it('moves towards the optimum of a one-dimensional log objective', () => {
    const dims: Dimension[] = [{ name: 'learningRate', kind: 'float', low: 1e-6, high: 1, log: true }];
    const history: TpeTrial[] = [];
    for (let i = 0; i < 40; i++) {
      const p = proposeTpe(dims, history, { startupTrials: 10, candidates: 24, multivariate: true, direction: 'maximize', rng: createRng(deriveSeed(5, i)), isTaken: () => false })!;
      history.push({ params: p, state: 'complete', value: -Math.abs(Math.log10(p.learningRate as number) + 3), lastEpoch: 1 });
    }
    // The last 10 proposals cluster around 1e-3 (log10 within ±1), far tighter than uniform over 6 decades.
    const late = history.slice(-10).map((h) => Math.log10(h.params.learningRate as number));
    expect(late.filter((x) => Math.abs(x + 3) < 1).length).toBeGreaterThanOrEqual(7);
  });
});
