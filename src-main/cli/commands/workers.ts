/** `epochlab workers --queue redis://…`: the workers online on a queue, what they train, and the queue's depth. */
import type { QueueStatus } from '../../services/remote/queue-status';
import { CliError } from '../errors';
import { print, queueNameOption, queueOf, queueOption, type CommandContext } from '../shared';

export function registerWorkers({ program }: CommandContext): void {
  program
    .command('workers')
    .description('list the workers online on a Redis queue (host, backend, trials training) and how many trials wait')
    .addOption(queueOption('the queue to look at'))
    .addOption(queueNameOption())
    .option('--json', 'print JSON')
    .action(async (opts: { queue?: string; queueName: string; json?: boolean }) => {
      const queue = queueOf(opts);
      if (!queue) throw new CliError('give the queue with --queue redis://host:6379 (or set EPOCHLAB_QUEUE)', 2);
      let status: QueueStatus;
      try {
        const { queueStatus } = await import('../../services/remote/queue-status');
        status = await queueStatus(queue.address, opts.queueName);
      } catch (error) {
        throw new CliError(error instanceof Error ? error.message : String(error), 1);
      }
      print(!!opts.json, status, () => statusText(status));
    });
}

function statusText(status: QueueStatus): string {
  const { jobs } = status;
  const lines = [`queue "${status.queue}" on ${status.address}: ${jobs.waiting} waiting, ${jobs.active} training, ${jobs.completed} completed, ${jobs.failed} failed`];
  if (!status.workers.length) lines.push('no worker online (start one with `epochlab worker --queue …`)');
  for (const w of status.workers) {
    lines.push(`  ${w.id}  host ${w.host}  backend ${w.backend}  ${w.running.length}/${w.concurrency} training  since ${w.startedAt}`);
  }
  return lines.join('\n');
}
