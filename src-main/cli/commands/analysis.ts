/** `epochlab analysis ID`: a run's noise scale, sharpness or LR range test; across an experiment with --experiment. */
import { ANALYSIS_GROUP_BY, type ApiRawInput } from '../../contract';
import { experimentAnalysisText, runAnalysisText } from '../analysis-format';
import { CliError } from '../errors';
import { idArg, idListArg, print, withServices, type CommandContext } from '../shared';
import { Option } from 'commander';

export function registerAnalysis({ program, globals }: CommandContext): void {
  program
    .command('analysis')
    .description('gradient noise scale, sharpness and LR range test of a run; with --experiment: critical batch size, sharpness vs batch size, seed statistics and the LR scaling hint across its runs')
    .argument('<id>', 'run id (or experiment id with --experiment)', idArg('id'))
    .option('--experiment', 'the id is an experiment: analyse its runs together')
    .addOption(new Option('--group-by <param>', 'with --experiment: settings compared by the seed statistics (config: runs that differ only in seed; the default)').choices(ANALYSIS_GROUP_BY))
    .option('--runs <ids>', 'with --experiment: only these runs (comma-separated ids)', idListArg('--runs'))
    .option('--json', 'print JSON')
    .action(async (id: number, opts: { json?: boolean; experiment?: boolean; groupBy?: string; runs?: number[] }) => {
      // Options of the experiment view given for a run would be silently ignored: refuse them.
      const misplaced = [opts.groupBy !== undefined && '--group-by', opts.runs !== undefined && '--runs'].filter(Boolean);
      if (!opts.experiment && misplaced.length) throw new CliError(`${misplaced.join(' and ')} only ${misplaced.length > 1 ? 'apply' : 'applies'} with --experiment`, 2);
      await withServices(globals(), { trains: false }, async (services) => {
        if (opts.experiment) {
          // Validated by the services' API object, as every front door's input (commander checked the choices already).
          const input = { experimentId: id, groupBy: opts.groupBy ?? 'config', ...(opts.runs ? { runIds: opts.runs } : {}) } as ApiRawInput<'getExperimentAnalysis'>;
          const analysis = await services.api.getExperimentAnalysis(input);
          print(!!opts.json, analysis, () => experimentAnalysisText(analysis));
        } else {
          const analysis = await services.api.getRunAnalysis({ runId: id });
          print(!!opts.json, analysis, () => runAnalysisText(analysis));
        }
      });
    });
}
