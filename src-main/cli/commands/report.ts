/**
 * `epochlab report EXPERIMENT [--runs …] [--out FILE]`: the Compare view as one offline HTML file, built by
 * the renderer's own report module (src-renderer/src/report, DOM-free) from the same chart options the app
 * draws. Compare settings come as flags or, all at once, as the app's address query (`--state`).
 */
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { buildReport } from '../../../src-renderer/src/report/build-report';
import { defaultSelection, parseState, QUERY_KEYS } from '../../../src-renderer/src/compare/state';
import { iterationBudget } from '../../../src-renderer/src/charts/compare';
import { CliError } from '../errors';
import { idArg, withServices, type CommandContext } from '../shared';

/** Flags that set one Compare setting each, by the URL key they stand for. */
const FLAGS = [
  ['runs', QUERY_KEYS.runs, 'run ids, from any experiments (default: the experiment\'s runs that trained)'],
  ['group', QUERY_KEYS.groupBy, 'run, config (mean over seeds, the default) or a hyperparameter'],
  ['lines', QUERY_KEYS.lines, 'grouping by a hyperparameter: each configuration, or the group\'s best'],
  ['split', QUERY_KEYS.splitBy, 'one panel per value of this hyperparameter'],
  ['metric', QUERY_KEYS.metric, 'loss, accuracy or learningRate'],
  ['x', QUERY_KEYS.xAxis, 'x axis: epoch, iteration, samples or time'],
  ['log-y', QUERY_KEYS.logY, 'log y axes: 1 or 0'],
  ['smoothing', QUERY_KEYS.smoothing, 'EMA weight 0–0.99 for the epoch charts'],
  ['mid-epoch', QUERY_KEYS.midEpoch, 'training curves drawn at the middle of their epoch: 1 (default) or 0'],
  ['panels', QUERY_KEYS.panels, 'curves,table,iterations,gap,heatmap,parallel,analysis'],
] as const;

interface ReportOptions {
  out?: string;
  state?: string;
  [flag: string]: string | undefined;
}

const camel = (flag: string) => flag.replace(/-(\w)/g, (_, c: string) => c.toUpperCase());

/** The Compare state from `--state` and the flags (flags win); exit 2 naming each bad value. */
export function reportState(opts: ReportOptions) {
  const query: Record<string, string> = {};
  if (opts.state !== undefined) for (const [k, v] of new URLSearchParams(opts.state.replace(/^.*\?/, ''))) query[k] = v;
  const flagOf: Record<string, string> = {};
  for (const [flag, key] of FLAGS) {
    flagOf[key] = `--${flag}`;
    const value = opts[camel(flag)];
    if (value !== undefined) query[key] = value;
  }
  const parsed = parseState(query);
  if (parsed.issues.length) {
    throw new CliError(`invalid compare settings:\n${parsed.issues.map((i) => `  ${flagOf[i.key] ?? i.key}: ${i.message}`).join('\n')}`, 2);
  }
  return parsed;
}

export function registerReport({ program, globals }: CommandContext): void {
  const command = program
    .command('report')
    .description('write a comparison as one self-contained, offline HTML file: answer, charts (SVG), run table, spec')
    .argument('<experiment>', 'experiment id', idArg('experiment'))
    .option('--out <file>', 'write to this file instead of standard output')
    .option('--state <query>', 'every Compare setting at once, as in the app\'s address (e.g. "group=batchSize&x=samples")');
  for (const [flag, , help] of FLAGS) command.option(`--${flag} <value>`, help);
  command.action(async (experimentId: number, opts: ReportOptions) => {
    const { state, given } = reportState(opts);
    await withServices(globals(), { trains: false }, async (services) => {
      const detail = await services.api.getExperiment({ experimentId });
      if (!given.has('runs')) state.runs = defaultSelection(detail.runs);
      if (state.runs.length === 0) throw new CliError(`experiment ${experimentId} has no run with data yet; name runs with --runs`, 2);
      const found = await services.api.getRuns({ runIds: state.runs });
      if (found.missing.length) throw new CliError(`--runs: there is no run ${found.missing.join(', ')}`, 2);
      const experiments = [detail, ...found.experiments.filter((x) => x.id !== detail.id)];
      const ids = found.runs.map((r) => r.id);
      const epochs = await services.api.getEpochMetrics({ runIds: ids });
      const iterations = state.panels.includes('iterations')
        ? await services.api.getIterationSeries({ runIds: ids, series: state.iterationSeries, maxPoints: iterationBudget(ids.length) })
        : null;
      const info = await services.api.getSystemInfo({});
      const html = buildReport({
        experiments,
        runs: found.runs,
        epochs,
        iterations,
        state,
        generatedAt: new Date().toISOString(),
        generator: `Epochlab ${info.version}`,
      });
      if (!opts.out) {
        process.stdout.write(html);
        return;
      }
      const path = resolve(opts.out);
      try {
        writeFileSync(path, html);
      } catch (error) {
        throw new CliError(`cannot write ${path}: ${(error as Error).message}`, 2);
      }
      process.stderr.write(`wrote ${path}: ${found.runs.length} runs, ${html.length.toLocaleString('en-US')} bytes\n`);
    });
  });
}
