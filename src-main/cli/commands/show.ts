/** `epochlab show ID`: one run, or an experiment's run table with --experiment. */
import { plain, runDetailText, runsTable } from '../format';
import { canResumeExperiment } from '../../contract';
import { bestLine, commandLine, idArg, print, withServices, type CommandContext } from '../shared';

export function registerShow({ program, globals }: CommandContext): void {
  program
    .command('show')
    .description('show a run (config, iteration accounting, per-epoch table), or an experiment with --experiment')
    .argument('<id>', 'run id (or experiment id with --experiment)', idArg('id'))
    .option('--experiment', 'the id is an experiment: show its run table')
    .option('--json', 'print JSON')
    .action(async (id: number, opts: { json?: boolean; experiment?: boolean }) => {
      await withServices(globals(), { trains: false }, async (services) => {
        if (opts.experiment) {
          const detail = await services.api.getExperiment({ experimentId: id });
          // What is left can be continued: the same rule as the app's Resume button.
          const leftover = canResumeExperiment(detail.status)
            ? `\n${detail.progress.unfinishedTrials} of ${detail.trialCount} trials unfinished; to continue: ${commandLine(globals(), `resume ${detail.id}`)}`
            : '';
          print(!!opts.json, detail, () => `experiment ${detail.id} "${plain(detail.name)}" — ${detail.status}\n${runsTable(detail.runs)}\n${bestLine(detail.runs)}${leftover}`);
        } else {
          const run = await services.api.getRun({ runId: id });
          print(!!opts.json, run, () => runDetailText(run));
        }
      });
    });
}
