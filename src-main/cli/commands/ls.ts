/** `epochlab ls`: the experiments in the data folder. */
import { experimentsTable } from '../format';
import { print, withServices, type CommandContext } from '../shared';

export function registerLs({ program, globals }: CommandContext): void {
  program
    .command('ls')
    .description('list experiments')
    .option('--json', 'print JSON')
    .action(async (opts: { json?: boolean }) => {
      await withServices(globals(), { trains: false }, async (services) => {
        const list = await services.api.listExperiments({});
        print(!!opts.json, list, () => (list.length ? experimentsTable(list) : 'no experiments yet — try: epochlab run examples/batch-size-sweep.json'));
      });
    });
}
