/** `epochlab tag ID TAG…`: add (or with --remove, remove) tags on a run, or on an experiment with --experiment. */
import { tagSchema } from '../../contract';
import { CliError } from '../errors';
import { tagsText } from '../format';
import { idArg, print, withServices, type CommandContext } from '../shared';

/** Checks each tag here so the message names it ("tag "two words": …") rather than a list position. */
function checkedTags(tags: string[]): string[] {
  return tags.map((tag) => {
    const result = tagSchema.safeParse(tag);
    if (!result.success) throw new CliError(`tag "${tag}": ${result.error.issues[0]?.message ?? 'not a tag'}`, 2);
    return result.data;
  });
}

export function registerTag({ program, globals }: CommandContext): void {
  program
    .command('tag')
    .description('add tags to a run (or an experiment with --experiment); --remove takes them off; prints the tags')
    .argument('<id>', 'run id (or experiment id with --experiment)', idArg('id'))
    .argument('[tags...]', 'tags to add: one word each (letters, digits, _ - . + /)')
    .option('--remove <tags...>', 'tags to remove')
    .option('--experiment', 'the id is an experiment')
    .option('--json', 'print JSON')
    .action(async (id: number, add: string[], opts: { remove?: string[]; experiment?: boolean; json?: boolean }) => {
      const change = { add: checkedTags(add), remove: checkedTags(opts.remove ?? []) };
      await withServices(globals(), { trains: false, annotates: true }, async (services) => {
        const { tags } = opts.experiment
          ? await services.api.tagExperiment({ experimentId: id, ...change })
          : await services.api.tagRun({ runId: id, ...change });
        print(!!opts.json, { tags }, () => `${opts.experiment ? 'experiment' : 'run'} ${id}: ${tags.length ? tagsText(tags) : 'no tags'}`);
      });
    });
}
