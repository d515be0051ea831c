/**
 * A comparison as one self-contained HTML file: the answer sentence, the Compare charts as SVG (rendered
 * from the very options the view draws, by ECharts' server-side renderer), the best-epoch table, the run
 * table and each experiment's spec. No script, no external resource, and a CSP that forbids both, so it
 * opens offline in any browser and cannot run anything. Every piece of user text is escaped
 * (docs/reliability.md A4).
 *
 * DOM-free and Vue-free: `epochlab report` (Node) and the app's "Download report" (browser) both call it.
 */
import { FINISHED_STATUSES, type EpochMetric, type ExperimentWithSpec, type RunSummary, type SeriesPoint } from '../contract';
import { answerParts, bestEpochTable, formatMonitored } from '../charts/best-epoch';
import { escapeHtml } from '../charts/escape';
import { paramValue } from '../charts/runs';
import { formatParamScalar } from '../charts/categories';
import { makeRunSet, monitorLabel, type RunSet } from '../charts/run-set';
import { renderSvg, SVG_WIDTH } from '../charts/svg';
import { compareCharts, linesNote, type CompareData } from '../compare/charts';
import { stateToQuery, type CompareState } from '../compare/state';
import { formatCount, formatDuration, formatNumber, formatPercent } from '../lib/format';
import { paramLabel } from '../form/params';

export interface ReportInput {
  experiments: readonly ExperimentWithSpec[];
  /** The compared runs (the state's `runs`, in its order). */
  runs: readonly RunSummary[];
  epochs: Readonly<Record<number, readonly EpochMetric[]>>;
  /** Per-iteration values of `state.iterationSeries`; null leaves that chart empty. */
  iterations: Readonly<Record<number, readonly SeriesPoint[]>> | null;
  state: CompareState;
  /** ISO time the report was made. */
  generatedAt: string;
  /** "Epochlab 0.1.0". */
  generator: string;
}

/** No script, no network, no frames: only inline styles and inline SVG. */
export const REPORT_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'";

const STYLE = `
body { font: 14px/1.5 system-ui, -apple-system, 'Segoe UI', Roboto, Arial, sans-serif; color: #1f2329; margin: 0; background: #f6f7f9; }
main { max-width: ${SVG_WIDTH + 40}px; margin: 0 auto; padding: 24px 20px 64px; }
h1 { font-size: 24px; margin: 0 0 4px; word-break: break-word; }
h2 { font-size: 17px; margin: 28px 0 8px; }
section { background: #fff; border: 1px solid #e5e7eb; border-radius: 8px; padding: 14px 16px; margin-bottom: 16px; overflow-x: auto; }
.muted { color: #6b7280; font-size: 12px; }
.answer { font-size: 15px; padding: 10px 14px; background: #eef4ff; border: 1px solid #c9dafb; border-radius: 6px; }
table { border-collapse: collapse; font-size: 12px; width: 100%; }
th, td { border: 1px solid #e5e7eb; padding: 4px 8px; text-align: left; white-space: nowrap; }
th { background: #f3f4f6; }
tr.winner td { background: #f0f9f0; }
pre { background: #f3f4f6; padding: 12px; border-radius: 6px; overflow: auto; font-size: 12px; }
svg { max-width: 100%; height: auto; display: block; }
.swatch { display: inline-block; width: 9px; height: 9px; border-radius: 5px; margin-right: 6px; }
`;

const e = escapeHtml;

function table(head: readonly string[], rows: readonly (readonly string[])[], rowClass: (i: number) => string = () => ''): string {
  const th = head.map((h) => `<th>${e(h)}</th>`).join('');
  const tr = rows.map((r, i) => `<tr${rowClass(i) ? ` class="${rowClass(i)}"` : ''}>${r.map((c) => `<td>${e(c)}</td>`).join('')}</tr>`).join('\n');
  return `<table><thead><tr>${th}</tr></thead><tbody>\n${tr}\n</tbody></table>`;
}

function answerHtml(set: RunSet, data: CompareData, state: CompareState): string {
  const best = bestEpochTable(set, data.epochs, state.groupBy, state.lines);
  const parts = answerParts(best);
  const sentence = parts
    ? `<p class="answer" id="answer">${parts.map((p) => (p.strong ? `<b>${e(p.text)}</b>` : e(p.text))).join('')}</p>`
    : '<p class="muted" id="answer">No compared run has a best epoch yet.</p>';
  if (!state.panels.includes('table')) return sentence;
  const metric = monitorLabel(best.monitor);
  const rows = best.rows.map((r) => [
    `${r.group}${r.winner ? ' ★' : ''}`, String(r.runs), formatMonitored(best.monitor, r.value),
    r.meanBest === null ? '—' : `${formatMonitored(best.monitor, r.meanBest)} ± ${formatNumber(r.stdBest, 2)}`,
    String(r.epoch ?? '—'), formatCount(r.step), formatCount(r.samplesSeen), r.elapsedMs === null ? '—' : formatDuration(r.elapsedMs / 1000),
    formatNumber(r.valLoss), formatPercent(r.valAccuracy), formatNumber(r.trainLoss), r.runLabel,
  ]);
  const head = ['Group', 'Runs', `Best ${metric}`, 'Mean ± std', 'Best epoch', 'Iteration', 'Samples seen', 'Time', 'Val loss', 'Val acc', 'Train loss', 'Best run'];
  return `${sentence}\n<h2>Best epoch per group</h2>\n<p class="muted">Each run's best epoch as the engine stored it (by ${e(metric)}); groups: ${e(linesNote(state, set))}</p>\n${table(head, rows, (i) => (best.rows[i].winner ? 'winner' : ''))}`;
}

function runTable(set: RunSet, epochs: ReportInput['epochs']): string {
  const params = set.varying;
  const several = set.experimentNames.size > 0;
  const head = [...(several ? ['Experiment'] : []), 'Run', ...params.map(paramLabel), 'Status', 'Best epoch', 'Best val loss', 'Best val acc', 'Final val loss', 'Epochs', 'Stopped at', 'Iterations / epoch', 'Time'];
  const rows = set.runs.map((r) => [
    ...(several ? [set.experimentNames.get(r.experimentId) ?? ''] : []),
    `run ${r.id}`,
    ...params.map((p) => formatParamScalar(paramValue(r.params, p))),
    r.status,
    String(r.bestEpoch ?? '—'),
    formatNumber(r.bestValLoss),
    formatPercent(r.bestValAccuracy),
    formatNumber(r.finalValLoss),
    `${r.epochsDone} of ${r.accounting.epochs}`,
    r.status === 'early-stopped' ? `epoch ${epochs[r.id]?.at(-1)?.epoch ?? r.epochsDone}` : FINISHED_STATUSES.has(r.status) ? '—' : '(training)',
    formatCount(r.accounting.iterationsPerEpoch),
    formatDuration(r.seconds),
  ]);
  return table(head, rows);
}

function specsHtml(experiments: readonly ExperimentWithSpec[]): string {
  return experiments
    .map((x) => `<details${experiments.length === 1 ? ' open' : ''}><summary>Spec of experiment ${x.id}: ${e(x.name)}</summary>\n<pre>${e(JSON.stringify(x.spec, null, 2))}</pre></details>`)
    .join('\n');
}

export function reportTitle(experiments: readonly Pick<ExperimentWithSpec, 'name'>[]): string {
  return experiments.length === 1 ? `Comparison: ${experiments[0].name}` : `Comparison across ${experiments.length} experiments`;
}

export function buildReport(input: ReportInput): string {
  const owners = input.experiments.filter((x) => input.runs.some((r) => r.experimentId === x.id));
  const set = makeRunSet(input.runs, owners);
  const data: CompareData = { set, epochs: input.epochs, iterations: input.iterations };
  const title = reportTitle(owners);
  const charts = compareCharts(input.state, data).map((chart) => {
    const body = chart.option && !chart.empty ? renderSvg(chart.option, SVG_WIDTH, chart.height) : `<p class="muted">${e(chart.empty ?? 'Nothing to draw.')}</p>`;
    return `<section class="chart" data-chart="${chart.id}">\n<h2>${e(chart.title)}</h2>\n${body}\n${chart.note ? `<p class="muted">${e(chart.note)}</p>` : ''}\n</section>`;
  });
  const query = Object.entries(stateToQuery(input.state)).map(([k, v]) => `${k}=${v}`).join('&');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${REPORT_CSP}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="${e(input.generator)}">
<title>${e(title)}</title>
<style>${STYLE}</style>
</head>
<body>
<main>
<h1>${e(title)}</h1>
<p class="muted">${e(`${input.runs.length} run${input.runs.length === 1 ? '' : 's'} from ${owners.map((x) => `experiment ${x.id} “${x.name}”`).join(', ')} · made ${input.generatedAt} by ${input.generator}`)}</p>
<section>
${answerHtml(set, data, input.state)}
</section>
${charts.join('\n')}
<section>
<h2>Runs</h2>
${runTable(set, input.epochs)}
</section>
<section>
<h2>Spec</h2>
${specsHtml(owners)}
<p class="muted">Compare settings: ${e(query)}</p>
</section>
</main>
</body>
</html>
`;
}

/** experiment-3-report.html, or compare-runs-report.html across experiments. */
export function reportFilename(experiments: readonly Pick<ExperimentWithSpec, 'id'>[]): string {
  return experiments.length === 1 ? `experiment-${experiments[0].id}-report.html` : 'comparison-report.html';
}

