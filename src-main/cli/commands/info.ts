/** `epochlab info`: version, data folder, cores and the backends that load here. */
import { systemInfoText } from '../format';
import { print, withServices, type CommandContext } from '../shared';

export function registerInfo({ program, globals }: CommandContext): void {
  program
    .command('info')
    .description('version, data folder, cores, and which training backends load here (each tried, with the reason when not)')
    .option('--json', 'print JSON')
    .action(async (opts: { json?: boolean }) => {
      await withServices(globals(), { trains: false }, async (services) => {
        const info = await services.api.getSystemInfo({});
        print(!!opts.json, info, () => systemInfoText(info));
      });
    });
}
