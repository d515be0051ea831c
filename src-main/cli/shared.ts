/** What every CLI command shares: global options, argument parsers, the services' lifetime, printing. */
import { InvalidArgumentError, Option, type Command } from 'commander';
import { readFileSync } from 'node:fs';
import { BACKEND_NAMES, FINISHED_STATUSES, parseApiInput, type BackendChoice, type ExperimentSpec, type RunSummary } from '../contract';
import { createServices, type Services } from '../services/create-services';
import { resolveDataDir } from '../services/data-dir';
import { varyingParams } from './format';
import { CliError } from './errors';

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
export const backendOption = () => new Option('--backend <name>', 'force a backend').choices(['auto', ...BACKEND_NAMES]).default('auto');

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

export async function withServices<T>(global: GlobalOptions, extra: { concurrency?: number; backend?: BackendChoice }, body: (s: Services) => Promise<T>): Promise<T> {
  const services = await createServices({ dataDir: resolveDataDir(global.dataDir), ...extra });
  try {
    return await body(services);
  } finally {
    await services.close();
  }
}

export function print(json: boolean, value: unknown, text: () => string): void {
  process.stdout.write(json ? `${JSON.stringify(value, null, 2)}\n` : `${text()}\n`);
}

export function bestLine(runs: RunSummary[]): string {
  const done = runs.filter((r) => FINISHED_STATUSES.has(r.status) && r.bestValLoss !== null);
  if (!done.length) return '';
  const best = done.reduce((a, b) => (b.bestValLoss! < a.bestValLoss! ? b : a));
  const epoch = best.bestEpoch ?? 0;
  const iterations = epoch * best.accounting.iterationsPerEpoch;
  const samples = epoch * best.accounting.samplesPerEpoch;
  return `lowest validation loss: run ${best.id} (${varyingParams(runs.map((r) => r.params)).map((p) => `${p}=${best.params[p]}`).join(' ')}) — ${best.bestValLoss!.toFixed(4)} at epoch ${epoch}, after ${iterations} iterations and ${samples} samples`;
}
