// Resume through the services (docs/reliability.md E6, D3): a resume point that disagrees with the database is
// passed over with a note for the user, and runs that failed only because the disk was full are queued again.
import Database from 'better-sqlite3';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { diskFullFailure, parseApiInput } from '../../src-main/contract';
import { checkpointDirOf, resumeEpochsIn, resumeFiles } from '../../src-main/engine/training/checkpoint-layout';
import { databasePath } from '../../src-main/services/data-dir';
import { failureReason } from '../../src-main/services/failures';
import { StoreError } from '../../src-main/store';
import { cancelledAfterEpoch, moonsSpec, openServices, tempDataDir } from './harness';

let data: ReturnType<typeof tempDataDir>;
beforeEach(() => {
  data = tempDataDir();
});
afterEach(() => data.cleanup());

describe('resume', () => {
  it('passes over an edited resume point ("epoch": 99), says why, and continues from the one before', async () => {
    const services = await openServices(data.dir, { concurrency: 1 });
    const experiment = { id: await cancelledAfterEpoch(services, moonsSpec({ batchSize: 8, epochs: 40 }), 3) };
    const [cancelled] = (await services.api.getExperiment({ experimentId: experiment.id })).runs;
    const dir = join(data.dir, checkpointDirOf(cancelled.id));
    const [newest, previous] = resumeEpochsIn(dir);
    expect(newest).toBe(cancelled.epochsDone);
    const manifestPath = resumeFiles(dir, newest).json;
    writeFileSync(manifestPath, readFileSync(manifestPath, 'utf8').replace(/"epoch":\d+/, '"epoch":99'));

    const { queued, notes } = await services.api.resumeExperiment({ experimentId: experiment.id });
    expect(queued).toBe(1);
    expect(notes).toEqual([
      `run ${cancelled.id}: the resume point of epoch ${newest} was not used: its manifest says epoch 99 but is filed as epoch ${newest}`,
      `run ${cancelled.id} continues after epoch ${previous}`,
    ]);
    await services.runner.idle();
    const [run] = (await services.api.getExperiment({ experimentId: experiment.id })).runs;
    expect(run.status).toBe('completed');
    const epochs = (await services.api.getEpochMetrics({ runIds: [run.id] }))[run.id];
    expect(epochs.map((e) => e.epoch)).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
    const steps = (await services.api.getIterationSeries({ runIds: [run.id], series: 'loss', maxPoints: 100_000 }))[run.id].map((p) => p.step);
    expect(steps).toEqual(Array.from({ length: run.accounting.totalIterations }, (_, i) => i + 1));
    expect(run.stepsDone).toBe(run.accounting.totalIterations);
    await services.close();
  });

  it('queues runs that failed for a full disk again, and leaves other failures alone', async () => {
    const services = await openServices(data.dir);
    const experiment = await services.api.createExperiment(parseApiInput('createExperiment', { spec: moonsSpec({ batchSize: [32, 64, 128], epochs: 1 }) }));
    await services.runner.idle();
    await services.close();
    const db = new Database(databasePath(data.dir));
    const fail = db.prepare("UPDATE runs SET status = 'failed', error = ? WHERE id = ?");
    fail.run(diskFullFailure('could not save the run\'s metrics: the disk is full (SQLITE_FULL)'), 1);
    fail.run(failureReason('ENOSPC: no space left on device, write'), 2);
    fail.run('the worker crashed: boom', 3);
    db.close();

    const again = await openServices(data.dir);
    const { queued } = await again.api.resumeExperiment({ experimentId: experiment.id });
    expect(queued).toBe(2);
    await again.runner.idle();
    const runs = (await again.api.getExperiment({ experimentId: experiment.id })).runs;
    expect(runs.map((r) => r.status)).toEqual(['completed', 'completed', 'failed']);
    await again.close();
  });
});

describe('disk-full failures', () => {
  it('are recognised from the store and from the worker, and only those', () => {
    expect(failureReason('could not save: x', new StoreError('disk-full', 'x'))).toBe(diskFullFailure('could not save: x'));
    expect(failureReason("ENOSPC: no space left on device, open '/d/checkpoints/run-1/resume-3.bin.tmp'")).toMatch(/^the disk is full \(ENOSPC/);
    expect(failureReason('loss became NaN')).toBe('loss became NaN');
    expect(failureReason(diskFullFailure('x'))).toBe(diskFullFailure('x'));
  });
});
