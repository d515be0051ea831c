/** Plain-text renderings of the analysis (contract/analysis.ts): one run's measurements, and across runs. */
import { ANALYSIS_EXPLANATIONS as WHY, type ExperimentAnalysis, type RunAnalysis } from '../contract';
import { newTable, num, plain } from './format';

const percent = (x: number | null) => (x === null ? '—' : `${(100 * x).toFixed(1)} %`);

function settingsLine(a: RunAnalysis): string {
  const { noiseScale, sharpness } = a.settings;
  const parts = [
    noiseScale ? `noise scale every ${noiseScale.everySteps} steps (EMA ${noiseScale.ema})` : 'noise scale off',
    sharpness ? `sharpness on ${sharpness.subset} rows (${sharpness.iterations} power iterations, ε = ${sharpness.epsilon}, ${sharpness.ascentSteps} ascent steps)` : 'sharpness off',
  ];
  return a.runType === 'lr-range-test' ? 'LR range test' : parts.join('; ');
}

export function runAnalysisText(a: RunAnalysis): string {
  const lines = [`run ${a.runId} — ${settingsLine(a)}`];
  if (a.noiseScale.length) {
    lines.push('', 'Gradient noise scale per epoch.', WHY.bSimple);
    const t = newTable(['epoch', 'step', '|G|²', 'tr(Σ)', 'B_simple', 'measurements', 'overhead']);
    for (const r of a.noiseScale) t.push([r.epoch, r.step, num(r.gradSq), num(r.trace), num(r.bSimple, 1), r.measurements, percent(r.overhead)]);
    lines.push(t.toString());
    lines.push(a.noiseScaleOverhead === null
      ? 'cost: not known (every step was split, so no plain step was timed to compare with)'
      : `cost in this run: ${percent(a.noiseScaleOverhead)} of step time (median over epochs). ${WHY.overhead}`);
  }
  if (a.sharpness.length) {
    lines.push('', 'Sharpness at the end of training.', WHY.topEigenvalue, WHY.epsSharpness);
    const t = newTable(['checkpoint', 'epoch', 'train loss (subset)', 'top eigenvalue', 'converged', 'ε-sharpness %', 'ε', 'seconds']);
    for (const r of a.sharpness) {
      t.push([r.checkpoint, r.epoch, num(r.loss), num(r.topEigenvalue), r.converged ? 'yes' : 'no', num(r.epsSharpness), r.epsilon, num(r.seconds, 1)]);
    }
    lines.push(t.toString());
    for (const r of a.sharpness) if (r.error) lines.push(`${r.checkpoint}: could not be measured: ${plain(r.error)}`);
  }
  if (a.lrRange) {
    const r = a.lrRange;
    lines.push('', `LR range test: ${num(r.from)} → ${num(r.to)} over ${r.iterations} iterations; ran ${r.points.length}: ${r.stopReason}.`, WHY.lrRange);
    lines.push(`suggested learning rate: ${num(r.steepest)} (steepest descent), ${num(r.minimumOver10)} (minimum / 10; minimum at ${num(r.minimum)})`);
  }
  if (lines.length === 1) lines.push(a.runType === 'lr-range-test' ? 'no LR range result yet' : 'nothing measured: the spec\'s analysis section turns the noise scale and sharpness on');
  return lines.join('\n');
}

export function experimentAnalysisText(a: ExperimentAnalysis): string {
  const lines = [`experiment ${a.experimentId}, ${a.runIds.length} run(s)`];
  const c = a.criticalBatch;
  if (c) {
    lines.push('', 'Critical batch size.', c.sentence ?? '', WHY.bSimple);
    const t = newTable(['batch size', 'B / B_crit', 'B_simple (median of its runs)']);
    for (const b of c.batchSizes) t.push([b.batchSize, num(b.ratio, 2), num(b.bSimple, 1)]);
    lines.push(t.toString());
  }
  if (a.sharpness.length) {
    lines.push('', 'Sharpness vs batch size (with the generalization gap at the best epoch).', WHY.topEigenvalue);
    const t = newTable(['run', 'batch size', 'checkpoint', 'epoch', 'top eigenvalue', 'ε-sharpness %', 'gap (val − train)']);
    for (const r of a.sharpness) t.push([r.runId, r.batchSize, r.checkpoint, r.epoch, num(r.topEigenvalue), num(r.epsSharpness), num(r.gap)]);
    lines.push(t.toString());
  }
  const s = a.seedStatistics;
  if (s) {
    lines.push('', `Seed statistics (grouped by ${s.groupBy}).`, s.sentence);
    const t = newTable(['setting', 'runs', 'mean best val loss', 'std']);
    for (const g of s.groups) t.push([plain(g.label), g.values.length, num(g.mean), num(g.std)]);
    lines.push(t.toString());
    if (s.accuracy) {
      const acc = s.accuracy;
      lines.push(`best val accuracy: ${num(acc.winner.mean)} vs ${num(acc.runnerUp.mean)} (difference ${num(acc.difference)}, Welch p = ${num(acc.pValue)})`);
    }
  }
  const h = a.learningRateHint;
  if (h) {
    lines.push('', 'Learning rate vs batch size.', h.sentence, WHY.scaling);
    const t = newTable(['batch size', 'LRs tried', 'best run\'s LR', 'LR range suggestion', `scaled (${h.rule === 'linear' ? '∝ B' : '∝ √B'})`]);
    for (const r of h.rows) t.push([r.batchSize, r.tried.map((x) => num(x)).join(', ') || '—', num(r.best), num(r.rangeSuggestion), num(r.scaled)]);
    lines.push(t.toString());
  }
  if (a.lrRanges.length) {
    lines.push('', 'LR range tests.', WHY.lrRange);
    const t = newTable(['run', 'batch size', 'optimizer', 'steepest', 'minimum / 10', 'iterations run', 'why it stopped']);
    for (const r of a.lrRanges) t.push([r.runId, r.batchSize, r.optimizer, num(r.result.steepest), num(r.result.minimumOver10), r.result.points.length, r.result.stopReason]);
    lines.push(t.toString());
  }
  if (lines.length === 1) lines.push('nothing to say yet: no run has finished with a validation loss, and nothing was measured');
  return lines.join('\n');
}
