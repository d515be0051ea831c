/**
 * Fan-out of live events to WebSocket viewers. A viewer that cannot keep up must not make the server buffer
 * without bound (docs/reliability.md H3): once a socket has a lot queued, run-progress events for it are coalesced
 * to the latest one per run and sent when the socket drains; a socket that is hopelessly behind is dropped
 * (the UI reconnects and refetches). Other events are rare and carry state changes, so they are always sent,
 * after any progress still held for the same run so each run's events keep their order.
 */
import type { EpochlabEvent } from '../contract/events';

/** The part of a `ws` WebSocket the fan-out uses, so it can be tested with a fake. */
export interface EventSocket {
  readonly readyState: number;
  readonly bufferedAmount: number;
  send(data: string): void;
  terminate(): void;
}

const OPEN = 1;

export interface FanoutLimits {
  /** Above this many queued bytes, progress events are coalesced instead of sent. */
  highWaterBytes: number;
  /** Above this many queued bytes, the socket is terminated. */
  maxBufferedBytes: number;
}

export const DEFAULT_FANOUT_LIMITS: FanoutLimits = { highWaterBytes: 256 * 1024, maxBufferedBytes: 8 * 1024 * 1024 };

export class EventFanout {
  private readonly pending = new Map<EventSocket, Map<number, string>>();

  constructor(private readonly limits: FanoutLimits = DEFAULT_FANOUT_LIMITS) {}

  add(socket: EventSocket): void {
    this.pending.set(socket, new Map());
  }

  remove(socket: EventSocket): void {
    this.pending.delete(socket);
  }

  get size(): number {
    return this.pending.size;
  }

  /** Progress events held back for a socket (for tests and diagnostics). */
  heldFor(socket: EventSocket): number {
    return this.pending.get(socket)?.size ?? 0;
  }

  publish(event: EpochlabEvent): void {
    const data = JSON.stringify(event);
    for (const [socket, held] of this.pending) {
      if (!this.usable(socket)) continue;
      if (event.type === 'run-progress') {
        if (socket.bufferedAmount > this.limits.highWaterBytes) {
          held.set(event.runId, data);
        } else {
          held.delete(event.runId);
          socket.send(data);
        }
        continue;
      }
      if ('runId' in event) {
        const stale = held.get(event.runId);
        if (stale !== undefined) {
          held.delete(event.runId);
          socket.send(stale);
        }
      }
      socket.send(data);
    }
  }

  /** Sends held progress to sockets that have drained; called on a timer. */
  flush(): void {
    for (const [socket, held] of this.pending) {
      if (held.size === 0 || !this.usable(socket)) continue;
      if (socket.bufferedAmount > this.limits.highWaterBytes) continue;
      for (const data of held.values()) socket.send(data);
      held.clear();
    }
  }

  private usable(socket: EventSocket): boolean {
    if (socket.readyState !== OPEN) return false;
    if (socket.bufferedAmount > this.limits.maxBufferedBytes) {
      socket.terminate();
      this.pending.delete(socket);
      return false;
    }
    return true;
  }
}
