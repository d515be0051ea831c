/** `epochlab export EXPERIMENT --format csv|json`. */
import { Option } from 'commander';
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { idArg, withServices, type CommandContext } from '../shared';

export function registerExport({ program, globals }: CommandContext): void {
  program
    .command('export')
    .description('export an experiment as CSV (a row per run and epoch) or JSON')
    .argument('<experiment>', 'experiment id', idArg('experiment'))
    .addOption(new Option('--format <format>', 'csv or json').choices(['csv', 'json']).makeOptionMandatory())
    .option('--out <file>', 'write to this file instead of standard output')
    .action(async (experimentId: number, opts: { format: 'csv' | 'json'; out?: string }) => {
      await withServices(globals(), { trains: false }, async (services) => {
        const file = await services.api.exportExperiment({ experimentId, format: opts.format });
        if (opts.out) {
          writeFileSync(resolve(opts.out), file.content);
          process.stderr.write(`wrote ${resolve(opts.out)}\n`);
        } else process.stdout.write(file.content);
      });
    });
}
