/** `epochlab importance EXPERIMENT`: how much each varying hyperparameter explains of the objective (fANOVA). */
import { CliError } from '../errors';
import { importanceTable } from '../format';
import { idArg, print, withServices, type CommandContext } from '../shared';

export function registerImportance({ program, globals }: CommandContext): void {
  program
    .command('importance')
    .description('rank the varying hyperparameters of an experiment by how much of its objective they explain (fANOVA; needs 8 completed trials)')
    .argument('<experiment>', 'experiment id', idArg('experiment'))
    .option('--json', 'print JSON')
    .action(async (experimentId: number, opts: { json?: boolean }) => {
      await withServices(globals(), { trains: false }, async (services) => {
        const result = await services.api.getParamImportance({ experimentId });
        // Not enough trials is exit 1 in both formats; --json still prints the answer (with its `unavailable` reason).
        if (opts.json) print(true, result, () => '');
        if (result.unavailable) throw new CliError(`experiment ${experimentId}: ${result.unavailable}`, 1);
        if (!opts.json) print(false, result, () => importanceTable(result));
      });
    });
}
