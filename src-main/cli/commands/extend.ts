/** `epochlab extend EXPERIMENT`: grow a study (more TPE or random trials, more grid values) and train what it adds. */
import { InvalidArgumentError } from 'commander';
import { CliError } from '../errors';
import { runsTable } from '../format';
import { backendOption, bestLine, commandLine, idArg, isolationOption, positiveInt, print, withServices, type CommandContext } from '../shared';
import type { BackendChoice, Isolation } from '../../contract';

type Added = Record<string, Array<number | string>>;

/** `learningRate=0.3,0.1` → { learningRate: [0.3, 0.1] }; repeated flags add up. */
function addedValues(text: string, previous: Added = {}): Added {
  const match = /^([A-Za-z]+)=(.+)$/.exec(text.trim());
  if (!match) throw new InvalidArgumentError('give values as field=v1,v2 (e.g. learningRate=0.3,0.1)');
  const values = match[2].split(',').map((v) => v.trim()).filter(Boolean).map((v) => (v !== '' && Number.isFinite(Number(v)) ? Number(v) : v));
  if (!values.length) throw new InvalidArgumentError(`no values for ${match[1]}`);
  return { ...previous, [match[1]]: [...(previous[match[1]] ?? []), ...values] };
}

export function registerExtend({ program, globals }: CommandContext): void {
  program
    .command('extend')
    .description('grow a study and train what it adds: --trials N for random or TPE (continuing from what is stored), --add field=values for a grid; stored runs are not trained again')
    .argument('<experiment>', 'experiment id', idArg('experiment'))
    .option('--trials <n>', 'random or TPE: this many more configurations', positiveInt('trials'))
    .option('--add <field=values>', 'grid: values to add to a field, e.g. learningRate=0.3,0.1 (repeatable)', addedValues)
    .option('--concurrency <n>', 'trials trained at once', positiveInt('concurrency'))
    .addOption(backendOption())
    .addOption(isolationOption())
    .option('--json', 'print the experiment as JSON when done')
    .action(async (experimentId: number, opts: { trials?: number; add?: Added; concurrency?: number; backend: BackendChoice; isolation?: Isolation; json?: boolean }) => {
      if (opts.trials === undefined && opts.add === undefined) throw new CliError('say what to add: --trials N (random, TPE) or --add field=values (grid)', 2);
      await withServices(globals(), { trains: true, concurrency: opts.concurrency, backend: opts.backend, isolation: opts.isolation }, async (services, stopping) => {
        if (services.readOnlyBecause) throw new CliError(services.readOnlyBecause, 1);
        const stored = new Set((await services.api.getExperiment({ experimentId })).runs.map((r) => r.id));
        const { added, plannedTrials } = await services.api.extendExperiment({ experimentId, trials: opts.trials, add: opts.add });
        if (!opts.json) process.stderr.write(`experiment ${experimentId}: ${added} trial(s) added, ${plannedTrials} planned in all\n`);
        let interrupted = false;
        void stopping.then(() => {
          interrupted = true;
        });
        await services.runner.idle();
        const detail = await services.api.getExperiment({ experimentId });
        print(!!opts.json, detail, () => [runsTable(detail.runs), bestLine(detail.runs)].filter(Boolean).join('\n'));
        if (interrupted) process.stderr.write(`to continue: ${commandLine(globals(), `resume ${experimentId}`)}\n`);
        else if (detail.runs.some((r) => !stored.has(r.id) && r.status === 'failed')) throw new CliError('some added trials failed (see the table)', 1);
      });
    });
}
