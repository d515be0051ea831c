import { describe, expect, it } from 'vitest';
import { experimentProgress, type EpochlabEvent } from '../../src-main/contract';
import { EventFanout, type EventSocket } from '../../src-main/server/events';

class FakeSocket implements EventSocket {
  readyState = 1;
  bufferedAmount = 0;
  sent: EpochlabEvent[] = [];
  terminated = false;
  send(data: string): void {
    this.sent.push(JSON.parse(data) as EpochlabEvent);
  }
  terminate(): void {
    this.terminated = true;
    this.readyState = 3;
  }
}

const limits = { highWaterBytes: 1000, maxBufferedBytes: 10_000 };
const progress = (runId: number, step: number): EpochlabEvent => ({
  type: 'run-progress', experimentId: 1, runId, step, totalSteps: 10, epoch: 1, loss: 1, elapsedMs: 0, samplesPerSecond: 1, experimentProgress: experimentProgress({}),
});
const steps = (socket: FakeSocket) => socket.sent.map((e) => (e.type === 'run-progress' ? `${e.runId}:${e.step}` : e.type));

describe('EventFanout', () => {
  it('sends everything to a socket that keeps up', () => {
    const fanout = new EventFanout(limits);
    const fast = new FakeSocket();
    fanout.add(fast);
    for (let step = 1; step <= 5; step += 1) fanout.publish(progress(1, step));
    expect(steps(fast)).toEqual(['1:1', '1:2', '1:3', '1:4', '1:5']);
  });

  it('coalesces progress to the latest per run for a slow socket, and sends it once drained', () => {
    const fanout = new EventFanout(limits);
    const slow = new FakeSocket();
    const fast = new FakeSocket();
    fanout.add(slow);
    fanout.add(fast);
    slow.bufferedAmount = 5000;
    for (let step = 1; step <= 1000; step += 1) {
      fanout.publish(progress(1, step));
      fanout.publish(progress(2, step));
    }
    expect(slow.sent).toEqual([]);
    expect(fanout.heldFor(slow)).toBe(2);
    expect(fast.sent).toHaveLength(2000);

    fanout.flush();
    expect(slow.sent).toEqual([]);
    slow.bufferedAmount = 0;
    fanout.flush();
    expect(steps(slow)).toEqual(['1:1000', '2:1000']);
    expect(fanout.heldFor(slow)).toBe(0);
  });

  it('sends held progress for a run before that run\'s next state change', () => {
    const fanout = new EventFanout(limits);
    const slow = new FakeSocket();
    fanout.add(slow);
    slow.bufferedAmount = 5000;
    fanout.publish(progress(1, 9));
    fanout.publish(progress(2, 4));
    fanout.publish({ type: 'run-status', experimentId: 1, runId: 1, status: 'completed', error: null, endReason: null });
    expect(steps(slow)).toEqual(['1:9', 'run-status']);
    expect(fanout.heldFor(slow)).toBe(1);
  });

  it('terminates a socket that is hopelessly behind and forgets it', () => {
    const fanout = new EventFanout(limits);
    const stuck = new FakeSocket();
    fanout.add(stuck);
    stuck.bufferedAmount = 20_000;
    fanout.publish({ type: 'experiment-status', experimentId: 1, status: 'finished', progress: experimentProgress({}) });
    expect(stuck.terminated).toBe(true);
    expect(stuck.sent).toEqual([]);
    expect(fanout.size).toBe(0);
  });

  it('skips sockets that are not open', () => {
    const fanout = new EventFanout(limits);
    const closing = new FakeSocket();
    closing.readyState = 2;
    fanout.add(closing);
    fanout.publish(progress(1, 1));
    expect(closing.sent).toEqual([]);
  });
});
