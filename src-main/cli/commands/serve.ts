/** `epochlab serve`: the services behind the token-protected HTTP + WebSocket server, until Ctrl-C or SIGTERM (then exit 130 / 143, see interrupt.ts). */
import { InvalidArgumentError } from 'commander';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { BackendChoice, Isolation } from '../../contract';
import { startServer } from '../../server/server';
import { CliError } from '../errors';
import { backendOption, isolationOption, queueNameOption, queueOf, queueOption, positiveInt, withServices, type CommandContext, type GlobalOptions } from '../shared';

interface ServeOptions {
  host: string;
  port: number;
  concurrency?: number;
  backend: BackendChoice;
  isolation?: Isolation;
  queue?: string;
  queueName?: string;
}

export function registerServe({ program, globals }: CommandContext): void {
  program
    .command('serve')
    .description('serve the Epochlab UI and API to a browser on this machine (token-protected)')
    .option('--host <host>', 'address to bind', '127.0.0.1')
    .option('--port <port>', 'port (0 = any free port)', (v) => {
      const n = Number(v);
      if (!Number.isInteger(n) || n < 0 || n > 65535) throw new InvalidArgumentError('port must be 0..65535');
      return n;
    }, 7717)
    .option('--concurrency <n>', 'trials trained at once', positiveInt('concurrency'))
    .addOption(backendOption())
    .addOption(isolationOption())
    .addOption(queueOption('train on `epochlab worker`s through this Redis queue instead of here'))
    .addOption(queueNameOption())
    .action(async (opts: ServeOptions) => serve(globals(), opts));
}

/** The built renderer: out/renderer next to this bundle's out/node. */
export function rendererDir(): string {
  return join(__dirname, '..', 'renderer');
}

async function serve(global: GlobalOptions, opts: ServeOptions): Promise<void> {
  const staticDir = rendererDir();
  if (!existsSync(join(staticDir, 'index.html'))) {
    throw new CliError(`the UI is not built (${staticDir} has no index.html): run \`npm run build\` first`, 1);
  }
  await withServices(global, { trains: true, concurrency: opts.concurrency, backend: opts.backend, isolation: opts.isolation, queue: queueOf(opts) }, async (services, stopping) => {
    if (services.readOnlyBecause) process.stderr.write(`warning: ${services.readOnlyBecause}; serving read-only\n`);
    let server: Awaited<ReturnType<typeof startServer>>;
    try {
      server = await startServer(services, { host: opts.host, port: opts.port, staticDir, log: (line) => process.stderr.write(`${line}\n`) });
    } catch (error) {
      throw new CliError(error instanceof Error ? error.message : String(error), 1);
    }
    process.stdout.write(`Epochlab is serving at ${server.url}\nOpen that address in a browser on this machine. Press Ctrl-C to stop.\n`);
    await stopping;
    await server.close();
  });
}
