/** What `epochlab workers` shows: the workers online on a queue and how many trials wait, train, ended. */
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { DEFAULT_QUEUE_NAME, workerPresenceSchema, type QueueAddress, type WorkerPresence } from '../../contract';
import { checkRedis, redisOptions } from './connection';
import { presencePattern } from './keys';

export interface QueueStatus {
  queue: string;
  address: string;
  workers: WorkerPresence[];
  jobs: { waiting: number; active: number; completed: number; failed: number; delayed: number };
}

export async function queueStatus(address: QueueAddress, queueName = DEFAULT_QUEUE_NAME): Promise<QueueStatus> {
  await checkRedis(address);
  const connection = redisOptions(address);
  const redis = new Redis(connection);
  const queue = new Queue(queueName, { connection });
  try {
    const keys: string[] = [];
    let cursor = '0';
    do {
      const [next, found] = await redis.scan(cursor, 'MATCH', presencePattern(queueName), 'COUNT', 200);
      cursor = next;
      keys.push(...found);
    } while (cursor !== '0' && keys.length < 10_000);
    const values = keys.length ? await redis.mget(keys) : [];
    // Presence records are written by machines we do not control: only well-formed ones are shown.
    const workers = values.flatMap((text) => {
      try {
        const parsed = workerPresenceSchema.safeParse(JSON.parse(text ?? ''));
        return parsed.success ? [parsed.data] : [];
      } catch {
        return [];
      }
    }).sort((a, b) => a.id.localeCompare(b.id));
    const counts = await queue.getJobCounts('waiting', 'active', 'completed', 'failed', 'delayed');
    return {
      queue: queueName,
      address: address.shown,
      workers,
      jobs: { waiting: counts.waiting ?? 0, active: counts.active ?? 0, completed: counts.completed ?? 0, failed: counts.failed ?? 0, delayed: counts.delayed ?? 0 },
    };
  } finally {
    await queue.close().catch(() => undefined);
    redis.disconnect();
  }
}
