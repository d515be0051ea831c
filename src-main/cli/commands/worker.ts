/**
 * `epochlab worker --queue redis://…`: trains trials other machines' coordinators put on the queue, with
 * this machine's backend, until Ctrl-C. The first Ctrl-C stops taking trials and lets the running ones
 * finish; a second leaves at once, and BullMQ gives those trials to another worker (docs/reliability.md R3).
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { BackendChoice, Isolation } from '../../contract';
import { resolveDataDir } from '../../services/data-dir';
import type { QueueWorker } from '../../services/remote/queue-worker';
import { defaultConcurrency, defaultIsolation } from '../../services/system';
import { CliError } from '../errors';
import { interruptedExitCode, INTERRUPT_SIGNALS, type InterruptSignal } from '../interrupt';
import { backendOption, isolationOption, positiveInt, queueNameOption, queueOf, queueOption, type CommandContext } from '../shared';

interface WorkerOptions {
  queue?: string;
  queueName: string;
  concurrency?: number;
  backend: BackendChoice;
  isolation?: Isolation;
  stallSeconds: number;
}

export function registerWorker({ program, globals }: CommandContext): void {
  program
    .command('worker')
    .description('train trials from a Redis queue that `run`/`resume`/`serve --queue` fill, until Ctrl-C (first: finish running trials; second: leave now, they go back to the queue)')
    .addOption(queueOption('the queue to take trials from'))
    .addOption(queueNameOption())
    .option('--concurrency <n>', 'trials trained at once (default: cores for CPU backends, 1 for GPU)', positiveInt('concurrency'))
    .addOption(backendOption())
    .addOption(isolationOption())
    .option('--stall-seconds <n>', 'a worker silent this long is presumed dead and its trials re-queued (use the same value on every worker)', positiveInt('stall seconds'), 30)
    .action(async (opts: WorkerOptions) => runWorker(globals().dataDir, opts));
}

async function runWorker(dataDirOption: string | undefined, opts: WorkerOptions): Promise<void> {
  const queue = queueOf(opts);
  if (!queue) throw new CliError('give the queue with --queue redis://host:6379 (or set EPOCHLAB_QUEUE)', 2);
  const dataDir = resolveDataDir(dataDirOption);
  mkdirSync(dataDir, { recursive: true });
  const concurrency = opts.concurrency ?? defaultConcurrency(opts.backend);
  const log = (line: string) => process.stderr.write(`${line}\n`);
  let worker: QueueWorker;
  try {
    // Loaded here, not with the CLI: bullmq and ioredis are only for the queue's commands.
    const { QueueWorker } = await import('../../services/remote/queue-worker');
    worker = await QueueWorker.start({
      address: queue.address, queueName: opts.queueName, concurrency, backend: opts.backend,
      isolation: opts.isolation ?? defaultIsolation(opts.backend), dataDir,
      workerScript: join(__dirname, 'worker.js'), stallSeconds: opts.stallSeconds, log,
    });
  } catch (error) {
    throw new CliError(error instanceof Error ? error.message : String(error), 1);
  }
  log(`worker ${worker.id}: taking trials from queue "${opts.queueName}" on ${queue.address.shown} (${concurrency} at once, backend ${opts.backend}); Ctrl-C to stop`);
  const signal = await new Promise<InterruptSignal>((resolve) => {
    for (const name of INTERRUPT_SIGNALS) process.once(name, () => resolve(name));
  });
  log(`stopping: finishing ${worker.runningJobIds.length} running trial(s); press Ctrl-C again to leave now (they go back to the queue)`);
  for (const name of INTERRUPT_SIGNALS) process.once(name, () => process.exit(interruptedExitCode(name)));
  await worker.close();
  throw new CliError(`stopped by ${signal}`, interruptedExitCode(signal));
}
