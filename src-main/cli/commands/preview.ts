/** `epochlab preview SPEC`: trials and iteration accounting, without training. */
import { previewTable } from '../format';
import { print, readSpecFile, withServices, type CommandContext } from '../shared';

export function registerPreview({ program, globals }: CommandContext): void {
  program
    .command('preview')
    .description('show trials and iteration accounting of a spec without training')
    .argument('<spec>', 'experiment spec file')
    .option('--json', 'print JSON')
    .action(async (specPath: string, opts: { json?: boolean }) => {
      const spec = readSpecFile(specPath);
      await withServices(globals(), { trains: false }, async (services) => {
        const preview = await services.api.previewExperiment({ spec });
        print(!!opts.json, preview, () => previewTable(preview));
      });
    });
}
