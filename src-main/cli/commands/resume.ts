/** `epochlab resume EXPERIMENT`: train what an experiment has left. */
import { runsTable } from '../format';
import { idArg, positiveInt, withServices, type CommandContext } from '../shared';

export function registerResume({ program, globals }: CommandContext): void {
  program
    .command('resume')
    .description('train what an experiment has left: queued runs, and interrupted or cancelled ones from their last finished epoch')
    .argument('<experiment>', 'experiment id', idArg('experiment'))
    .option('--concurrency <n>', 'trials trained at once', positiveInt('concurrency'))
    .action(async (experimentId: number, opts: { concurrency?: number }) => {
      await withServices(globals(), { concurrency: opts.concurrency }, async (services) => {
        const { queued } = await services.api.resumeExperiment({ experimentId });
        process.stderr.write(`experiment ${experimentId}: ${queued} run(s) to train\n`);
        await services.runner.idle();
        const detail = await services.api.getExperiment({ experimentId });
        process.stdout.write(`${runsTable(detail.runs)}\n`);
      });
    });
}
