/** `epochlab datasets` and `epochlab datasets import`, whose flags come from the format registry. */
import { Option, type Command } from 'commander';
import { resolve } from 'node:path';
import {
  ApiError, DATASET_FORMATS, DATASET_IMPORT_FORMATS, describeSkipped,
  type DatasetFormat, type DatasetImportFormat, type DatasetImportSource, type ImportOption, type ImportProgress, type ImportReport,
} from '../../contract';
import { CliError } from '../errors';
import { datasetsTable, plain } from '../format';
import { print, withServices, type CommandContext } from '../shared';

type FlagUse = { key: string; kind: 'input' } | { key: string; kind: 'option'; spec: ImportOption };
interface Flag {
  option: Option;
  /** Formats that take it, with what it is for each. */
  uses: Map<DatasetImportFormat, FlagUse>;
}

/** One CLI flag per registry input and option; formats that share a flag share its Option. */
function registryFlags(): Map<string, Flag> {
  const found = new Map<string, { usage: string; uses: Map<DatasetImportFormat, FlagUse>; help: string[] }>();
  const add = (flag: string, usage: string, format: DatasetImportFormat, use: FlagUse, help: string) => {
    const entry = found.get(flag) ?? { usage, uses: new Map<DatasetImportFormat, FlagUse>(), help: [] as string[] };
    entry.uses.set(format, use);
    entry.help.push(`${format}: ${help}`);
    found.set(flag, entry);
  };
  for (const format of DATASET_IMPORT_FORMATS) {
    const { inputs, options } = DATASET_FORMATS[format] as DatasetFormat;
    for (const input of inputs) add(input.cliFlag, `--${input.cliFlag} <path>`, format, { key: input.key, kind: 'input' }, `the ${input.label}`);
    for (const [key, spec] of Object.entries(options)) {
      const usage = spec.type === 'flag' ? `--${spec.cliFlag}` : `--${spec.cliFlag} <${spec.type === 'choice' ? spec.choices.join('|') : 'value'}>`;
      const help = spec.type === 'integer' || spec.type === 'choice' ? `${spec.help} (default ${spec.default})` : spec.help;
      add(spec.cliFlag, usage, format, { key, kind: 'option', spec }, help);
    }
  }
  return new Map([...found].map(([flag, f]) => [flag, { option: new Option(f.usage, f.help.join('; ')), uses: f.uses }]));
}

/** An option's text as the value the registry's schema checks (which words the refusal). */
function optionValue(spec: ImportOption, text: unknown): unknown {
  if (spec.type === 'flag') return spec.value;
  if (typeof text !== 'string') return text;
  if (spec.type === 'integer') return /^[+-]?\d+$/.test(text.trim()) ? Number(text) : text;
  if (spec.type === 'column') return /^\d+$/.test(text.trim()) ? Number(text) : text;
  return text;
}

function sourceFromFlags(command: Command, flags: Map<string, Flag>, format: DatasetImportFormat, name: string): Record<string, unknown> {
  const given = (option: Option) => command.getOptionValueSource(option.attributeName()) === 'cli';
  const foreign = [...flags].filter(([, f]) => !f.uses.has(format) && given(f.option)).map(([flag]) => `--${flag}`);
  if (foreign.length) {
    const takes = [...flags].filter(([, f]) => f.uses.has(format)).map(([flag]) => `--${flag}`);
    throw new CliError(`${foreign.join(', ')} do${foreign.length === 1 ? 'es' : ''} not apply to --format ${format} (it takes ${takes.join(', ')})`, 2);
  }
  const source: Record<string, unknown> = { format, name };
  for (const [flag, { option, uses }] of flags) {
    const use = uses.get(format);
    if (!use) continue;
    const value: unknown = command.getOptionValue(option.attributeName());
    if (use.kind === 'input') {
      if (!given(option)) throw new CliError(`--format ${format} needs --${flag}`, 2);
      source[use.key] = resolve(String(value));
    } else if (given(option)) {
      source[use.key] = optionValue(use.spec, value);
    }
  }
  return source;
}

/** A refusal of the source's fields, said with the flags the user typed (the registry's keys mean nothing to them). */
function asFlags(error: ApiError, flags: Map<string, Flag>, format: DatasetImportFormat): CliError {
  const flagOf = (key: string) => (key === 'name' ? 'name' : [...flags].find(([, f]) => f.uses.get(format)?.key === key)?.[0]);
  const lines = error.issues.map((i) => `${flagOf(i.path) ? `--${flagOf(i.path)}` : i.path}: ${i.message}`);
  return new CliError(`invalid input:\n  ${lines.join('\n  ')}`, 2);
}

function progressLine(json: boolean): ((p: ImportProgress) => void) | undefined {
  if (json || !process.stderr.isTTY) return undefined;
  return (p) => process.stderr.write(`\r${p.phase} ${p.done}${p.total !== null ? `/${p.total}` : ''}\u001b[K${p.phase === 'storing' ? '\n' : ''}`);
}

function reportText(report: ImportReport): string {
  const d = report.dataset;
  const lines = [`imported ${plain(d.name)} as ${d.id}: ${d.rows} rows, input [${d.inputShape.join(', ')}], ${d.numClasses} classes`];
  const skipped = describeSkipped(report.skipped);
  if (skipped) lines.push(skipped, ...report.skipped.examples.map((e) => `  ${plain(e.file)}: ${plain(e.detail)}`));
  return lines.join('\n');
}

export function registerDatasets({ program, globals }: CommandContext): void {
  const datasets = program
    .command('datasets')
    .description('list datasets (built-in and imported); `datasets import` adds one')
    .option('--json', 'print JSON')
    .action(async (opts: { json?: boolean }) => {
      await withServices(globals(), { trains: false }, async (services) => {
        const list = await services.api.listDatasets({});
        print(!!opts.json, list, () => datasetsTable(list));
      });
    });
  const flags = registryFlags();
  const formatsHelp = DATASET_IMPORT_FORMATS.map((f) => `${f}: ${DATASET_FORMATS[f].help}`).join('; ');
  const importCommand = datasets
    .command('import')
    .description(`import a dataset — ${formatsHelp}`)
    .requiredOption('--name <name>', 'a name for the dataset')
    .addOption(new Option('--format <format>', 'what the files are').choices(DATASET_IMPORT_FORMATS).makeOptionMandatory());
  for (const { option } of flags.values()) importCommand.addOption(option);
  importCommand
    .option('--json', 'print JSON')
    .action(async (opts: { name: string; format: DatasetImportFormat }, command: Command) => {
      // `datasets --json import …` and `datasets import … --json` both mean JSON.
      const json = !!command.optsWithGlobals<{ json?: boolean }>().json;
      const source = sourceFromFlags(command, flags, opts.format, opts.name);
      await withServices(globals(), { trains: false }, async (services) => {
        const report = await services.importDataset(source as DatasetImportSource, progressLine(json)).catch((error: unknown) => {
          throw error instanceof ApiError && error.issues.length ? asFlags(error, flags, opts.format) : error;
        });
        print(json, report, () => reportText(report));
      });
    });
}
