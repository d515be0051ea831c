/** `epochlab note ID [TEXT]`: set, clear or print the notes of a run, or of an experiment with --experiment. */
import { MAX_NOTES_LENGTH } from '../../contract';
import { CliError } from '../errors';
import { plainLines } from '../format';
import { idArg, print, withServices, type CommandContext } from '../shared';

export function registerNote({ program, globals }: CommandContext): void {
  program
    .command('note')
    .description('set the notes of a run (or an experiment with --experiment); without text, print them')
    .argument('<id>', 'run id (or experiment id with --experiment)', idArg('id'))
    .argument('[text]', `the notes (at most ${MAX_NOTES_LENGTH.toLocaleString('en-US')} characters); they replace the old ones`)
    .option('--append', 'add the text as a new line after the notes already there')
    .option('--clear', 'remove the notes')
    .option('--experiment', 'the id is an experiment')
    .option('--json', 'print JSON')
    .action(async (id: number, text: string | undefined, opts: { append?: boolean; clear?: boolean; experiment?: boolean; json?: boolean }) => {
      if (opts.clear && text !== undefined) throw new CliError('give either a text or --clear, not both', 2);
      if (opts.append && text === undefined) throw new CliError('--append needs a text', 2);
      await withServices(globals(), { trains: false, annotates: true }, async (services) => {
        const current = opts.experiment
          ? (await services.api.getExperiment({ experimentId: id })).notes
          : (await services.api.getRun({ runId: id })).notes;
        let notes = current;
        if (opts.clear) notes = '';
        else if (text !== undefined) notes = opts.append && current ? `${current}\n${text}` : text;
        if (notes !== current) {
          notes = opts.experiment
            ? (await services.api.setExperimentNotes({ experimentId: id, notes })).notes
            : (await services.api.setRunNotes({ runId: id, notes })).notes;
        }
        print(!!opts.json, { notes }, () => plainLines(notes) || '(no notes)');
      });
    });
}
