/** `epochlab run SPEC`: train every trial of a spec and print the run table. */
import { paramsLabel, varyingParams, type BackendChoice, type Isolation, type RunSummary } from '../../contract';
import { CliError } from '../errors';
import { plain, runsTable } from '../format';
import { createProgress } from '../progress';
import { backendOption, bestLine, commandLine, isolationOption, queueNameOption, queueOf, queueOption, positiveInt, print, readSpecFile, withServices, type CommandContext } from '../shared';

export function registerRun({ program, globals }: CommandContext): void {
  program
    .command('run')
    .description('train every trial of an experiment spec (JSON) and print a summary table; Ctrl-C cancels the trials (resumable) and exits 130')
    .argument('<spec>', 'experiment spec file (see examples/)')
    .option('--concurrency <n>', 'trials trained at once (default: cores for CPU backends, 1 for GPU)', positiveInt('concurrency'))
    .addOption(backendOption())
    .addOption(isolationOption())
    .addOption(queueOption('train on `epochlab worker`s through this Redis queue instead of here'))
    .addOption(queueNameOption())
    .option('--json', 'print the result as JSON (no progress bars)')
    .action(async (specPath: string, opts: { concurrency?: number; backend: BackendChoice; isolation?: Isolation; queue?: string; queueName?: string; json?: boolean }) => {
      const spec = readSpecFile(specPath);
      await withServices(globals(), { trains: true, concurrency: opts.concurrency, backend: opts.backend, isolation: opts.isolation, queue: queueOf(opts) }, async (services, stopping) => {
        if (services.readOnlyBecause) throw new CliError(services.readOnlyBecause, 1);
        const experiment = await services.api.createExperiment({ spec });
        const detail = await services.api.getExperiment({ experimentId: experiment.id });
        const params = varyingParams(detail.runs);
        const describe = (r: RunSummary) => paramsLabel(r.params, params);
        const progress = opts.json ? null : createProgress(detail.runs, process.stderr, describe, detail.plannedTrials);
        if (!opts.json) {
          const proposed = detail.plannedTrials > detail.runs.length ? ', proposed by TPE as workers free up' : '';
          process.stderr.write(`experiment ${experiment.id} "${plain(experiment.name)}": ${detail.plannedTrials} trial(s)${proposed}\n`);
          for (const warning of experiment.warnings) process.stderr.write(`warning: ${warning}\n`);
        }
        let interrupted = false;
        void stopping.then(() => {
          interrupted = true;
        });
        const unsubscribe = services.subscribe((e) => {
          // TPE stores its trials as it proposes them: fetch each new one once.
          if (progress && e.type === 'run-status' && !progress.has(e.runId)) {
            void services.api.getRun({ runId: e.runId }).then((run) => progress.addRun(run), () => undefined);
          }
          progress?.onEvent(e);
        });
        try {
          await services.runner.idle();
        } finally {
          unsubscribe();
          progress?.stop();
        }
        const final = await services.api.getExperiment({ experimentId: experiment.id });
        print(!!opts.json, final, () => [runsTable(final.runs), bestLine(final.runs)].filter(Boolean).join('\n'));
        if (interrupted) process.stderr.write(`to continue: ${commandLine(globals(), `resume ${experiment.id}`)}\n`);
        else if (final.runs.some((r) => r.status === 'failed')) throw new CliError('some trials failed (see the table)', 1);
      });
    });
}
