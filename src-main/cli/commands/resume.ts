/** `epochlab resume EXPERIMENT`: train what an experiment has left. */
import { runsTable } from '../format';
import { commandLine, idArg, positiveInt, withServices, type CommandContext } from '../shared';

export function registerResume({ program, globals }: CommandContext): void {
  program
    .command('resume')
    .description('train what an experiment has left: queued runs, interrupted or cancelled ones from their last consistent resume point, and runs that failed for a full disk')
    .argument('<experiment>', 'experiment id', idArg('experiment'))
    .option('--concurrency <n>', 'trials trained at once', positiveInt('concurrency'))
    .action(async (experimentId: number, opts: { concurrency?: number }) => {
      await withServices(globals(), { trains: true, concurrency: opts.concurrency }, async (services, stopping) => {
        const { queued, notes } = await services.api.resumeExperiment({ experimentId });
        for (const note of notes) process.stderr.write(`note: ${note}\n`);
        process.stderr.write(`experiment ${experimentId}: ${queued} run(s) to train\n`);
        void stopping.then(() => process.stderr.write(`to continue later: ${commandLine(globals(), `resume ${experimentId}`)}\n`));
        await services.runner.idle();
        const detail = await services.api.getExperiment({ experimentId });
        process.stdout.write(`${runsTable(detail.runs)}\n`);
      });
    });
}
