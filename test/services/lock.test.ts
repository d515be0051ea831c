import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { acquireLock, trainingOwnerOf } from '../../src-main/services/lock';
import { tempDataDir } from './harness';

let data: ReturnType<typeof tempDataDir>;
beforeEach(() => {
  data = tempDataDir();
});
afterEach(() => data.cleanup());

describe('data-folder lock', () => {
  it('is held by this process until released, then gone', () => {
    const lock = acquireLock(data.dir);
    expect(lock.heldBy).toBeNull();
    expect(trainingOwnerOf(data.dir)).toBe(process.pid);
    lock.release();
    expect(existsSync(join(data.dir, 'epochlab.lock'))).toBe(false);
    expect(trainingOwnerOf(data.dir)).toBeNull();
  });

  it('leaves no exit listener behind once released, however many times it is taken', () => {
    const before = process.listenerCount('exit');
    for (let i = 0; i < 20; i++) acquireLock(data.dir).release();
    expect(process.listenerCount('exit')).toBe(before);
  });
});
