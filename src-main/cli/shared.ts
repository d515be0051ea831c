/** What every CLI command shares: global options, argument parsers, the services' lifetime, printing. */
import { InvalidArgumentError, Option, type Command } from 'commander';
import { readFileSync } from 'node:fs';
import {
  BACKEND_NAMES, DEFAULT_QUEUE_NAME, FINISHED_STATUSES, ISOLATIONS, QUEUE_URL_ENV, canBeBest, paramsLabel, parseQueueAddress, queueNameSchema,
  runDisplayId, varyingParams, type BackendChoice, type ExperimentSpecInput, type Isolation, type QueueAddress, type RunSummary,
} from '../contract';
import { createServices, type Services } from '../services/create-services';
import { resolveDataDir } from '../services/data-dir';
import { CliError } from './errors';
import { runInterruptibly, type InterruptSignal } from './interrupt';

export interface GlobalOptions {
  dataDir?: string;
}

/** What a command module gets: the program to add itself to, and the global options once parsed. */
export interface CommandContext {
  program: Command;
  globals: () => GlobalOptions;
}

export const positiveInt = (what: string) => (value: string) => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError(`${what} must be a positive whole number`);
  return n;
};
export const idArg = (what: string) => (value: string) => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError(`${what} must be a number like 12 (see \`epochlab ls\`)`);
  return n;
};
/** A comma-separated list of ids, each as idArg takes one. */
export const idListArg = (what: string) => (value: string) => {
  const ids = value.split(',').map((s) => Number(s.trim()));
  if (!ids.every((n) => Number.isInteger(n) && n >= 1)) throw new InvalidArgumentError(`${what} must be comma-separated ids like 1,2,3 (see \`epochlab show\`)`);
  return ids;
};
export const backendOption = () => new Option('--backend <name>', 'force a backend').choices(['auto', ...BACKEND_NAMES]).default('auto');
export const isolationOption = () =>
  new Option('--isolation <how>', 'train trials in worker threads or in a process each (default: process for tensorflow backends, thread otherwise)').choices([...ISOLATIONS]);

/**
 * `--queue redis://…` (or $EPOCHLAB_QUEUE). Parsed in the command, not by commander: commander's message
 * would echo the whole argument, password included.
 */
export const queueOption = (what: string) =>
  new Option('--queue <url>', `${what} (redis://[user:password@]host[:port][/db], rediss:// for TLS)`).env(QUEUE_URL_ENV);
export const queueNameOption = () =>
  new Option('--queue-name <name>', 'BullMQ queue name, to keep several teams apart on one Redis').default(DEFAULT_QUEUE_NAME).argParser((value) => {
    const parsed = queueNameSchema.safeParse(value);
    if (!parsed.success) throw new InvalidArgumentError(parsed.error.issues[0].message);
    return parsed.data;
  });
/** What --queue and --queue-name give a command: the queue, or none; a bad address exits 2 naming the field. */
export function queueOf(opts: { queue?: string; queueName?: string }): ServicesFor['queue'] {
  if (opts.queue === undefined) return undefined;
  try {
    return { address: parseQueueAddress(opts.queue), name: opts.queueName };
  } catch (error) {
    throw new CliError((error as Error).message, 2);
  }
}

/**
 * The JSON of a spec file, unchecked: the services' API validates it (once) when the command calls it, and a
 * field error exits 2 like any invalid input.
 */
export function readSpecFile(path: string): ExperimentSpecInput {
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
  return raw as ExperimentSpecInput;
}

export interface ServicesFor {
  /** run, resume, serve: take the data folder's lock and stop cleanly on Ctrl-C (interrupt.ts); every other command only reads. */
  trains: boolean;
  /** tag, note: write tags and notes without training (no lock; see ServiceOptions.annotates). */
  annotates?: boolean;
  concurrency?: number;
  backend?: BackendChoice;
  isolation?: Isolation;
  /** Train on remote workers through this queue (run, resume, serve). */
  queue?: { address: QueueAddress; name?: string };
}

/**
 * Opens the services for one command, runs `body`, closes them. A training command gets the interrupt
 * policy and a promise of the first Ctrl-C/SIGTERM; a reading one never takes the training lock.
 */
export async function withServices<T>(
  global: GlobalOptions,
  purpose: ServicesFor,
  body: (services: Services, stopping: Promise<InterruptSignal>) => Promise<T>,
): Promise<T> {
  const { trains, ...extra } = purpose;
  const services = await createServices({ dataDir: resolveDataDir(global.dataDir), trains, ...extra });
  if (services.readNote) process.stderr.write(`note: ${services.readNote}\n`);
  if (trains) return runInterruptibly(services, (stopping) => body(services, stopping));
  try {
    return await body(services, new Promise<never>(() => undefined));
  } finally {
    await services.close();
  }
}

/** How to write a command for the user to type next: with --data-dir when one was given. */
export function commandLine(global: GlobalOptions, args: string): string {
  return global.dataDir ? `epochlab --data-dir ${JSON.stringify(global.dataDir)} ${args}` : `epochlab ${args}`;
}

export function print(json: boolean, value: unknown, text: () => string): void {
  process.stdout.write(json ? `${JSON.stringify(value, null, 2)}\n` : `${text()}\n`);
}

export function bestLine(runs: RunSummary[]): string {
  const done = runs.filter((r) => FINISHED_STATUSES.has(r.status) && canBeBest(r.status) && r.bestValLoss !== null);
  if (!done.length) return '';
  const best = done.reduce((a, b) => (b.bestValLoss! < a.bestValLoss! ? b : a));
  const epoch = best.bestEpoch ?? 0;
  const iterations = epoch * best.accounting.iterationsPerEpoch;
  const samples = epoch * best.accounting.samplesPerEpoch;
  const params = paramsLabel(best.params, varyingParams(runs));
  return `lowest validation loss: ${runDisplayId(best)}${params ? ` (${params})` : ''} — ${best.bestValLoss!.toFixed(4)} at epoch ${epoch}, after ${iterations} iterations and ${samples} samples`;
}
