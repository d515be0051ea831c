/**
 * The `epochlab` command. A thin front door: it reads files and flags, calls the same services as the
 * desktop app, and prints. Exit codes: 0 ok, 2 invalid input, 1 failure.
 */
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import {
  ApiError, BACKEND_NAMES, FINISHED_STATUSES, parseApiInput, type BackendChoice, type ExperimentSpec, type RunSummary,
} from '../contract';
import { createServices, type Services } from '../services';
import { resolveDataDir } from '../services/data-dir';
import { datasetsTable, experimentsTable, plain, previewTable, runDetailText, runsTable, systemInfoText, varyingParams } from './format';
import { CliError } from './errors';
import { createProgress } from './progress';

export { CliError };

interface GlobalOptions {
  dataDir?: string;
}

const positiveInt = (what: string) => (value: string) => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError(`${what} must be a positive whole number`);
  return n;
};
const idArg = (what: string) => (value: string) => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError(`${what} must be a number like 12 (see \`epochlab ls\`)`);
  return n;
};

export function readSpecFile(path: string): ExperimentSpec {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new CliError(`cannot read ${path}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message}`, 2);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new CliError(`${path} is not valid JSON: ${(error as Error).message}`, 2);
  }
  return parseApiInput('previewExperiment', { spec: raw }).spec;
}

async function withServices<T>(global: GlobalOptions, extra: { concurrency?: number; backend?: BackendChoice }, body: (s: Services) => Promise<T>): Promise<T> {
  const services = await createServices({ dataDir: resolveDataDir(global.dataDir), ...extra });
  try {
    return await body(services);
  } finally {
    await services.close();
  }
}

function print(json: boolean, value: unknown, text: () => string): void {
  process.stdout.write(json ? `${JSON.stringify(value, null, 2)}\n` : `${text()}\n`);
}

export function buildProgram(): Command {
  const program = new Command('epochlab')
    .description('Epochlab: train hyperparameter grids and compare epochs, batch sizes and iterations — offline.')
    .option('--data-dir <dir>', 'data folder (default: the per-user Epochlab folder, or $EPOCHLAB_DATA_DIR)')
    .showHelpAfterError()
    .exitOverride();
  const globals = () => program.opts<GlobalOptions>();

  program
    .command('run')
    .description('train every trial of an experiment spec (JSON) and print a summary table')
    .argument('<spec>', 'experiment spec file (see examples/)')
    .option('--concurrency <n>', 'trials trained at once (default: cores for CPU backends, 1 for GPU)', positiveInt('concurrency'))
    .addOption(new Option('--backend <name>', 'force a backend').choices(['auto', ...BACKEND_NAMES]).default('auto'))
    .option('--json', 'print the result as JSON (no progress bars)')
    .action(async (specPath: string, opts: { concurrency?: number; backend: BackendChoice; json?: boolean }) => {
      const spec = readSpecFile(specPath);
      await withServices(globals(), { concurrency: opts.concurrency, backend: opts.backend }, async (services) => {
        if (services.readOnlyBecause) throw new CliError(services.readOnlyBecause, 1);
        const experiment = await services.api.createExperiment({ spec });
        const detail = await services.api.getExperiment({ experimentId: experiment.id });
        const params = varyingParams(detail.runs.map((r) => r.params));
        const describe = (r: RunSummary) => params.map((p) => `${p}=${r.params[p]}`).join(' ');
        const progress = opts.json ? null : createProgress(detail.runs, process.stderr, describe);
        if (!opts.json) process.stderr.write(`experiment ${experiment.id} "${plain(experiment.name)}": ${detail.runs.length} trial(s)\n`);
        const unsubscribe = services.subscribe((e) => progress?.onEvent(e));
        const interrupt = () => void services.api.cancelExperiment({ experimentId: experiment.id });
        process.once('SIGINT', interrupt);
        try {
          await services.runner.idle();
        } finally {
          process.off('SIGINT', interrupt);
          unsubscribe();
          progress?.stop();
        }
        const final = await services.api.getExperiment({ experimentId: experiment.id });
        print(!!opts.json, final, () => `${runsTable(final.runs)}\n${bestLine(final.runs)}`);
        if (final.runs.some((r) => r.status === 'failed')) throw new CliError('some trials failed (see the table)', 1);
      });
    });

  program
    .command('preview')
    .description('show trials and iteration accounting of a spec without training')
    .argument('<spec>', 'experiment spec file')
    .option('--json', 'print JSON')
    .action(async (specPath: string, opts: { json?: boolean }) => {
      const spec = readSpecFile(specPath);
      await withServices(globals(), {}, async (services) => {
        const preview = await services.api.previewExperiment({ spec });
        print(!!opts.json, preview, () => previewTable(preview));
      });
    });

  program
    .command('ls')
    .description('list experiments')
    .option('--json', 'print JSON')
    .action(async (opts: { json?: boolean }) => {
      await withServices(globals(), {}, async (services) => {
        const list = await services.api.listExperiments({});
        print(!!opts.json, list, () => (list.length ? experimentsTable(list) : 'no experiments yet — try: epochlab run examples/batch-size-sweep.json'));
      });
    });

  program
    .command('show')
    .description('show a run (config, iteration accounting, per-epoch table), or an experiment with --experiment')
    .argument('<id>', 'run id (or experiment id with --experiment)', idArg('id'))
    .option('--experiment', 'the id is an experiment: show its run table')
    .option('--json', 'print JSON')
    .action(async (id: number, opts: { json?: boolean; experiment?: boolean }) => {
      await withServices(globals(), {}, async (services) => {
        if (opts.experiment) {
          const detail = await services.api.getExperiment({ experimentId: id });
          print(!!opts.json, detail, () => `experiment ${detail.id} "${plain(detail.name)}" — ${detail.status}\n${runsTable(detail.runs)}\n${bestLine(detail.runs)}`);
        } else {
          const run = await services.api.getRun({ runId: id });
          print(!!opts.json, run, () => runDetailText(run));
        }
      });
    });

  program
    .command('export')
    .description('export an experiment as CSV (a row per run and epoch) or JSON')
    .argument('<experiment>', 'experiment id', idArg('experiment'))
    .addOption(new Option('--format <format>', 'csv or json').choices(['csv', 'json']).makeOptionMandatory())
    .option('--out <file>', 'write to this file instead of standard output')
    .action(async (experimentId: number, opts: { format: 'csv' | 'json'; out?: string }) => {
      await withServices(globals(), {}, async (services) => {
        const file = await services.api.exportExperiment({ experimentId, format: opts.format });
        if (opts.out) {
          writeFileSync(resolve(opts.out), file.content);
          process.stderr.write(`wrote ${resolve(opts.out)}\n`);
        } else process.stdout.write(file.content);
      });
    });

  program
    .command('resume')
    .description('train what an experiment has left: queued runs, and interrupted or cancelled ones from their last finished epoch')
    .argument('<experiment>', 'experiment id', idArg('experiment'))
    .option('--concurrency <n>', 'trials trained at once', positiveInt('concurrency'))
    .action(async (experimentId: number, opts: { concurrency?: number }) => {
      await withServices(globals(), { concurrency: opts.concurrency }, async (services) => {
        const { queued } = await services.api.resumeExperiment({ experimentId });
        process.stderr.write(`experiment ${experimentId}: ${queued} run(s) to train\n`);
        await services.runner.idle();
        const detail = await services.api.getExperiment({ experimentId });
        process.stdout.write(`${runsTable(detail.runs)}\n`);
      });
    });

  program
    .command('info')
    .description('version, data folder, cores, and which training backends load here (each tried, with the reason when not)')
    .option('--json', 'print JSON')
    .action(async (opts: { json?: boolean }) => {
      await withServices(globals(), {}, async (services) => {
        const info = await services.api.getSystemInfo({});
        print(!!opts.json, info, () => systemInfoText(info));
      });
    });

  const datasets = program
    .command('datasets')
    .description('list datasets (built-in and imported); `datasets import` adds one')
    .option('--json', 'print JSON')
    .action(async (opts: { json?: boolean }) => {
      await withServices(globals(), {}, async (services) => {
        const list = await services.api.listDatasets({});
        print(!!opts.json, list, () => datasetsTable(list));
      });
    });
  datasets
    .command('import')
    .description('import a dataset: IDX (MNIST format, .gz or raw), CSV or NPY')
    .requiredOption('--name <name>', 'a name for the dataset')
    .addOption(new Option('--format <format>', 'file format').choices(['idx', 'csv', 'npy']).makeOptionMandatory())
    .option('--images <file>', 'IDX: the images file')
    .option('--labels <file>', 'IDX: the labels file')
    .option('--file <file>', 'CSV: the file')
    .option('--label-column <column>', 'CSV: label column name or 0-based index (default: label/class/target/y, else the last)')
    .option('--no-header', 'CSV: the first row is data')
    .option('--x <file>', 'NPY: the samples array')
    .option('--y <file>', 'NPY: the labels array')
    .option('--json', 'print JSON')
    .action(async (opts: { name: string; format: 'idx' | 'csv' | 'npy'; images?: string; labels?: string; file?: string; labelColumn?: string; header?: boolean; x?: string; y?: string; json?: boolean }) => {
      const need = (value: string | undefined, flag: string) => {
        if (!value) throw new CliError(`--format ${opts.format} needs ${flag}`, 2);
        return resolve(value);
      };
      const source =
        opts.format === 'idx' ? { format: 'idx' as const, name: opts.name, images: need(opts.images, '--images'), labels: need(opts.labels, '--labels') }
        : opts.format === 'csv' ? {
            format: 'csv' as const, name: opts.name, path: need(opts.file, '--file'),
            ...(opts.labelColumn !== undefined ? { labelColumn: /^\d+$/.test(opts.labelColumn) ? Number(opts.labelColumn) : opts.labelColumn } : {}),
            ...(opts.header === false ? { header: false } : {}),
          }
        : { format: 'npy' as const, name: opts.name, x: need(opts.x, '--x'), y: need(opts.y, '--y') };
      await withServices(globals(), {}, async (services) => {
        const info = await services.importDataset(source);
        print(!!opts.json, info, () => `imported ${plain(info.name)} as ${info.id}: ${info.rows} rows, input [${info.inputShape.join(', ')}], ${info.numClasses} classes`);
      });
    });

  program
    .command('serve')
    .description('serve the Epochlab UI and API to a browser on this machine (token-protected)')
    .option('--host <host>', 'address to bind', '127.0.0.1')
    .option('--port <port>', 'port (0 = any free port)', (v) => {
      const n = Number(v);
      if (!Number.isInteger(n) || n < 0 || n > 65535) throw new InvalidArgumentError('port must be 0..65535');
      return n;
    }, 7717)
    .option('--concurrency <n>', 'trials trained at once', positiveInt('concurrency'))
    .addOption(new Option('--backend <name>', 'force a backend').choices(['auto', ...BACKEND_NAMES]).default('auto'))
    .action(async (opts: { host: string; port: number; concurrency?: number; backend: BackendChoice }) => {
      const { serveCommand } = await import('./serve');
      await serveCommand(globals(), opts);
    });

  return program;
}

function bestLine(runs: RunSummary[]): string {
  const done = runs.filter((r) => FINISHED_STATUSES.has(r.status) && r.bestValLoss !== null);
  if (!done.length) return '';
  const best = done.reduce((a, b) => (b.bestValLoss! < a.bestValLoss! ? b : a));
  const epoch = best.bestEpoch ?? 0;
  const iterations = epoch * best.accounting.iterationsPerEpoch;
  const samples = epoch * best.accounting.samplesPerEpoch;
  return `lowest validation loss: run ${best.id} (${varyingParams(runs.map((r) => r.params)).map((p) => `${p}=${best.params[p]}`).join(' ')}) — ${best.bestValLoss!.toFixed(4)} at epoch ${epoch}, after ${iterations} iterations and ${samples} samples`;
}

/** Runs the CLI; resolves to the exit code. */
export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
    return 0;
  } catch (error) {
    if (error instanceof CommanderError) {
      return error.exitCode === 0 ? 0 : 2;
    }
    if (error instanceof CliError) {
      process.stderr.write(`epochlab: ${error.message}\n`);
      return error.exitCode;
    }
    if (error instanceof ApiError) {
      const details = error.issues.map((i) => `  ${i.path.replace(/^spec\./, '')}: ${i.message}`);
      process.stderr.write(details.length ? `epochlab: invalid input:\n${details.join('\n')}\n` : `epochlab: ${error.message}\n`);
      return error.code === 'invalid' ? 2 : 1;
    }
    process.stderr.write(`epochlab: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
}
