/** `epochlab datasets` and `epochlab datasets import`. */
import { Option } from 'commander';
import { resolve } from 'node:path';
import { CliError } from '../errors';
import { datasetsTable, plain } from '../format';
import { print, withServices, type CommandContext } from '../shared';

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
      await withServices(globals(), { trains: false }, async (services) => {
        const info = await services.importDataset(source);
        print(!!opts.json, info, () => `imported ${plain(info.name)} as ${info.id}: ${info.rows} rows, input [${info.inputShape.join(', ')}], ${info.numClasses} classes`);
      });
    });
}
