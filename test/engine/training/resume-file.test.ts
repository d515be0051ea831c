// Resume points are checked, never trusted (docs/reliability.md E6): the manifest carries the data's size and
// SHA-256 and is written last; a point must agree with the epochs the database stored; tampered, swapped,
// truncated and half-written points are passed over with their reason, for the previous point or none.
import * as tf from '@tensorflow/tfjs';
import { copyFileSync, cpSync, mkdtempSync, readFileSync, renameSync, rmSync, truncateSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { removeResumePoints, resumeEpochsIn, resumeFiles, tempFileOf } from '../../../src-main/engine/training/checkpoint-layout';
import { chooseResumePoint, type StoredEpoch } from '../../../src-main/engine/training/resume-file';
import { trainTrial } from '../../../src-main/engine/training/train';
import { data, RecordingSink, trialConfig } from './helpers';

const root = mkdtempSync(join(tmpdir(), 'epochlab-resume-'));
const config = trialConfig({ params: { batchSize: 50, epochs: 6, learningRate: 0.02 } });
let stored: StoredEpoch[];
let cancelledRows: number;

beforeAll(async () => {
  await tf.setBackend('cpu');
  // A real run cancelled in epoch 4: points after epochs 2 and 3 are on disk, epochs 1–3 "in the database".
  const sink = new RecordingSink();
  const end = await trainTrial({
    config, data: data(210, 60), sink, isCancelled: () => sink.rows.length >= 17, flushIntervalMs: 0,
    checkpoints: { dataDir: root, relDir: 'original' },
  });
  expect(end.status).toBe('cancelled');
  stored = sink.epochs.map(({ epoch, step, samplesSeen }) => ({ epoch, step, samplesSeen }));
  cancelledRows = sink.rows.length;
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

let copies = 0;
/** A fresh copy of the cancelled run's folder, to tamper with. */
function copy(): string {
  const dir = join(root, `copy-${++copies}`);
  cpSync(join(root, 'original'), dir, { recursive: true });
  return dir;
}
const editManifest = (dir: string, epoch: number, edit: (m: Record<string, unknown>) => void) => {
  const path = resumeFiles(dir, epoch).json;
  const manifest = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
  edit(manifest);
  writeFileSync(path, JSON.stringify(manifest));
};

describe('choosing a resume point', () => {
  it('takes the newest point when it agrees with the database', () => {
    expect(stored.map((e) => e.epoch)).toEqual([1, 2, 3]);
    expect(cancelledRows).toBe(17);
    const dir = copy();
    expect(resumeEpochsIn(dir)).toEqual([3, 2]);
    const choice = chooseResumePoint(dir, stored);
    expect(choice.point?.epoch).toBe(3);
    expect(choice.discarded).toEqual([]);
  });

  it('refuses an edited manifest ("epoch": 99) and falls back to the point before', () => {
    const dir = copy();
    editManifest(dir, 3, (m) => {
      m.epoch = 99;
    });
    const choice = chooseResumePoint(dir, stored);
    expect(choice.discarded).toEqual([{ epoch: 3, reason: 'its manifest says epoch 99 but is filed as epoch 3' }]);
    expect(choice.point?.epoch).toBe(2);
  });

  it('refuses a point the database does not hold, even when its files agree with each other', () => {
    const dir = copy();
    editManifest(dir, 3, (m) => {
      m.epoch = 99;
    });
    renameSync(resumeFiles(dir, 3).json, resumeFiles(dir, 99).json);
    renameSync(resumeFiles(dir, 3).bin, resumeFiles(dir, 99).bin);
    const choice = chooseResumePoint(dir, stored);
    expect(choice.discarded).toEqual([{ epoch: 99, reason: 'it is at epoch 99 but the database holds epochs 1–3 of this run' }]);
    expect(choice.point?.epoch).toBe(2);
  });

  it('refuses a point whose counters disagree with the stored epoch row', () => {
    const dir = copy();
    editManifest(dir, 3, (m) => {
      m.step = 1;
    });
    expect(chooseResumePoint(dir, stored).discarded[0].reason).toBe(`it is at step 1 but the database has epoch 3 ending at step ${stored[2].step}`);
  });

  it('refuses swapped and truncated weights by their size and content hash', () => {
    const swapped = copy();
    copyFileSync(resumeFiles(swapped, 2).bin, resumeFiles(swapped, 3).bin);
    expect(chooseResumePoint(swapped, stored)).toMatchObject({ point: { epoch: 2 }, discarded: [{ epoch: 3, reason: "its weights file does not match its manifest's content hash" }] });
    const truncated = copy();
    truncateSync(resumeFiles(truncated, 3).bin, 100);
    expect(chooseResumePoint(truncated, stored).discarded[0].reason).toMatch(/^its weights file has 100 bytes, not the \d+ its manifest describes$/);
  });

  it('after a kill between the writes, uses the last complete point and clears the half-written one', () => {
    // Killed after the data of epoch 3 was renamed into place, before its manifest: no point 3 exists.
    const dataOnly = copy();
    rmSync(resumeFiles(dataOnly, 3).json);
    writeFileSync(tempFileOf(resumeFiles(dataOnly, 3).json), '{"format": "epochlab-resume-v2", "epo');
    expect(chooseResumePoint(dataOnly, stored)).toMatchObject({ point: { epoch: 2 }, discarded: [] });
    removeResumePoints(dataOnly, (epoch) => epoch === 2);
    expect(existsSync(resumeFiles(dataOnly, 3).bin)).toBe(false);
    expect(existsSync(tempFileOf(resumeFiles(dataOnly, 3).json))).toBe(false);
    expect(resumeEpochsIn(dataOnly)).toEqual([2]);
    // Killed after the point of epoch 3, before its epoch row reached the database.
    expect(chooseResumePoint(copy(), stored.slice(0, 2))).toMatchObject({
      point: { epoch: 2 }, discarded: [{ epoch: 3, reason: 'it is at epoch 3 but the database holds epochs 1–2 of this run' }],
    });
    // A manifest whose data never arrived.
    const manifestOnly = copy();
    rmSync(resumeFiles(manifestOnly, 3).bin);
    expect(chooseResumePoint(manifestOnly, stored).discarded[0]).toEqual({ epoch: 3, reason: 'its weights file is missing' });
  });

  it('gives no point, with every reason, when none agrees', () => {
    const dir = copy();
    writeFileSync(resumeFiles(dir, 3).json, 'not json');
    editManifest(dir, 2, (m) => {
      delete m.data;
    });
    const choice = chooseResumePoint(dir, stored);
    expect(choice.point).toBeNull();
    expect(choice.discarded.map((d) => d.epoch)).toEqual([3, 2]);
    expect(choice.discarded[0].reason).toMatch(/^its manifest cannot be read/);
    expect(choice.discarded[1].reason).toBe('its manifest has no content hash');
  });
});

describe('loading a resume point in the worker', () => {
  it('continues from a checked point, and refuses one whose data was swapped after the services chose it', async () => {
    const good = copy();
    removeResumePoints(good, (epoch) => epoch === 3);
    const sink = new RecordingSink();
    const end = await trainTrial({ config, data: data(210, 60), sink, isCancelled: () => false, flushIntervalMs: 0, checkpoints: { dataDir: root, relDir: good.slice(root.length + 1) }, resume: true });
    expect(end.status).toBe('completed');
    expect(sink.epochs.map((e) => e.epoch)).toEqual([4, 5, 6]);

    const bad = copy();
    removeResumePoints(bad, (epoch) => epoch === 3);
    writeFileSync(resumeFiles(bad, 3).bin, Buffer.alloc(readFileSync(resumeFiles(bad, 3).bin).length));
    const refused = await trainTrial({ config, data: data(210, 60), sink: new RecordingSink(), isCancelled: () => false, flushIntervalMs: 0, checkpoints: { dataDir: root, relDir: bad.slice(root.length + 1) }, resume: true });
    expect(refused.status).toBe('failed');
    expect(refused.status === 'failed' && refused.reason).toMatch(/the resume point of epoch 3 is unusable: its weights file does not match its manifest's content hash/);
  });
});
