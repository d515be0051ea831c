/** `epochlab resume EXPERIMENT`: train what an experiment has left. */
import type { BackendChoice, Isolation } from '../../contract';
import { runsTable } from '../format';
import { backendOption, commandLine, idArg, isolationOption, queueNameOption, queueOf, queueOption, positiveInt, withServices, type CommandContext } from '../shared';

export function registerResume({ program, globals }: CommandContext): void {
  program
    .command('resume')
    .description('train what an experiment has left: queued runs, interrupted or cancelled ones from their last consistent resume point, runs that failed for a full disk, and the trials a TPE study has yet to propose')
    .argument('<experiment>', 'experiment id', idArg('experiment'))
    .option('--concurrency <n>', 'trials trained at once', positiveInt('concurrency'))
    .addOption(backendOption())
    .addOption(isolationOption())
    .addOption(queueOption('train on `epochlab worker`s through this Redis queue instead of here'))
    .addOption(queueNameOption())
    .action(async (experimentId: number, opts: { concurrency?: number; backend: BackendChoice; isolation?: Isolation; queue?: string; queueName?: string }) => {
      await withServices(globals(), { trains: true, concurrency: opts.concurrency, backend: opts.backend, isolation: opts.isolation, queue: queueOf(opts) }, async (services, stopping) => {
        const { queued, notes } = await services.api.resumeExperiment({ experimentId });
        for (const note of notes) process.stderr.write(`note: ${note}\n`);
        const { plannedTrials, runs } = await services.api.getExperiment({ experimentId });
        const proposed = plannedTrials > runs.length ? `; TPE proposes ${plannedTrials - runs.length} more as workers free up` : '';
        process.stderr.write(`experiment ${experimentId}: ${queued} run(s) to train${proposed}\n`);
        void stopping.then(() => process.stderr.write(`to continue later: ${commandLine(globals(), `resume ${experimentId}`)}\n`));
        await services.runner.idle();
        const detail = await services.api.getExperiment({ experimentId });
        process.stdout.write(`${runsTable(detail.runs)}\n`);
      });
    });
}
