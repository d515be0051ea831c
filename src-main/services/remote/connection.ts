/**
 * Connections to the Redis that carries the queue. BullMQ needs `maxRetriesPerRequest: null` (commands wait
 * while Redis restarts instead of failing), so whether Redis answers at all is checked once, up front, with a
 * short-lived connection that gives up quickly: an unreachable Redis is a clear error at start, never a hang.
 */
import { Redis } from 'ioredis';
import type { QueueAddress } from '../../contract';

/** How long the up-front check waits for Redis to answer. */
const CHECK_TIMEOUT_MS = 4000;
/** BullMQ's oldest supported Redis. */
const MIN_REDIS = [6, 2] as const;

export function redisOptions(address: QueueAddress) {
  return {
    host: address.host,
    port: address.port,
    db: address.db,
    ...(address.username ? { username: address.username } : {}),
    ...(address.password ? { password: address.password } : {}),
    ...(address.tls ? { tls: {} } : {}),
    maxRetriesPerRequest: null,
    // Reconnect forever, at most every 2 s: a restarted Redis is picked up again (docs/reliability.md R4).
    retryStrategy: (times: number): number => Math.min(200 * times, 2000),
  };
}

/** Connects once, asks Redis its version; throws an Error that names the (password-free) address and why. */
export async function checkRedis(address: QueueAddress): Promise<void> {
  const client = new Redis({
    ...redisOptions(address),
    lazyConnect: true,
    connectTimeout: CHECK_TIMEOUT_MS,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
    enableOfflineQueue: false,
  });
  // ioredis rejects with "Connection is closed." once it gives up; the error event says why (ECONNREFUSED…).
  let cause = '';
  client.on('error', (error: Error) => (cause ||= error.message));
  try {
    await withTimeout(client.connect(), CHECK_TIMEOUT_MS);
    const info = await withTimeout(client.info('server'), CHECK_TIMEOUT_MS);
    const version = /redis_version:(\d+)\.(\d+)/.exec(info);
    if (version && (Number(version[1]) < MIN_REDIS[0] || (Number(version[1]) === MIN_REDIS[0] && Number(version[2]) < MIN_REDIS[1]))) {
      throw new Error(`Redis at ${address.shown} is version ${version[1]}.${version[2]}; the queue needs Redis ${MIN_REDIS.join('.')} or newer`);
    }
  } catch (error) {
    const why = cause || (error instanceof Error ? error.message : String(error));
    if (why.startsWith('Redis at')) throw error;
    throw new Error(`cannot reach the queue's Redis at ${address.shown}: ${why.replace(address.password ?? '\u0000', '***')}`);
  } finally {
    client.disconnect();
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    promise,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${ms / 1000} s`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}
