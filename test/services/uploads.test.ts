import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { UPLOAD_IDLE_MS } from '../../src-main/contract';
import { safeFileName, UploadArea } from '../../src-main/services/uploads';
import { tempDataDir } from './harness';

let data: ReturnType<typeof tempDataDir>;
beforeEach(() => {
  data = tempDataDir();
});
afterEach(() => data.cleanup());

async function* chunks(...parts: string[]): AsyncGenerator<Uint8Array> {
  for (const part of parts) yield Buffer.from(part);
}

describe('UploadArea', () => {
  it('starts empty, whatever a previous process left', () => {
    const dir = join(data.dir, 'uploads');
    mkdirSync(join(dir, 'up-000000000000000000000000'), { recursive: true });
    writeFileSync(join(dir, 'up-000000000000000000000000', 'half.csv'), 'a,b');
    const area = new UploadArea(dir);
    expect(readdirSync(dir)).toEqual([]);
    area.close();
  });

  it('removes an upload left idle, and only that one', async () => {
    let now = 1_000_000;
    const area = new UploadArea(join(data.dir, 'uploads'), () => now);
    const idle = await area.receive({ format: 'csv', input: 'path', filename: 'a.csv', size: '10' }, chunks('12345'));
    now += UPLOAD_IDLE_MS - 1000;
    const recent = await area.receive({ format: 'csv', input: 'path', filename: 'b.csv', size: '10' }, chunks('12345'));
    now += 2000;
    await area.sweep();
    expect(existsSync(join(data.dir, 'uploads', idle.uploadId))).toBe(false);
    expect(existsSync(join(data.dir, 'uploads', recent.uploadId))).toBe(true);
    await expect(area.receive({ uploadId: idle.uploadId, offset: '5' }, chunks('67890'))).rejects.toThrow(/there is no upload/);
    area.close();
  });

  it('keeps the user’s file name, made safe', () => {
    expect(safeFileName('flowers.csv')).toBe('flowers.csv');
    expect(safeFileName('../../etc/passwd')).toBe('passwd');
    expect(safeFileName('C:\\Users\\me\\x.npy')).toBe('x.npy');
    expect(safeFileName('..')).toBe('upload');
    expect(safeFileName('a\u0000b:c?.csv')).toBe('a_b_c_.csv');
    expect(safeFileName('données 猫.zip')).toBe('données 猫.zip');
  });
});
