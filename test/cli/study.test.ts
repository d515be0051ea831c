// Studies through the real `epochlab` command: extend and importance from the terminal, and a TPE study
// killed with SIGKILL that resumes to its trial count.
import { spawn } from 'node:child_process';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CLI_SCRIPT, moonsSpec, openServices, tempDataDir } from '../services/harness';
import { cliIn, specFileIn, waitForCount } from './helpers';

let data: ReturnType<typeof tempDataDir>;
beforeEach(() => {
  data = tempDataDir();
});
afterEach(() => data.cleanup());

const cli = cliIn(() => data.dir, 180_000);
const specFile = (spec: unknown) => specFileIn(data.dir, spec);
describe('epochlab CLI: studies', () => {
  it('grows a grid with extend, refuses what a study cannot take, and prints importance or says why not', () => {
    const run = cli('run', specFile(moonsSpec({ learningRate: [0.05, 1e-6], optimizer: ['adam', 'rmsprop'], epochs: 2 })), '--backend', 'cpu', '--json');
    expect(run.status, run.stderr).toBe(0);
    const few = cli('importance', '1');
    expect(few.status).toBe(1);
    expect(few.stderr).toMatch(/importance needs at least 8 completed trials with a val_loss; this experiment has 4/);
    const fewJson = cli('importance', '1', '--json');
    expect(fewJson.status).toBe(1);
    expect(JSON.parse(fewJson.stdout)).toMatchObject({ trials: 4, importances: [], unavailable: expect.stringMatching(/at least 8 completed trials/) });

    const grown = cli('extend', '1', '--add', 'learningRate=0.01,0.003', '--backend', 'cpu', '--json');
    expect(grown.status, grown.stderr).toBe(0);
    const detail = JSON.parse(grown.stdout) as { runs: Array<{ status: string; params: { learningRate: number } }>; plannedTrials: number };
    expect(detail.runs.map((r) => r.status)).toEqual(Array(8).fill('completed'));
    expect(detail.plannedTrials).toBe(8);
    const importance = cli('importance', '1');
    expect(importance.status, importance.stderr).toBe(0);
    expect(importance.stdout).toMatch(/fANOVA over 8 completed trials/);
    expect(importance.stdout).toMatch(/learningRate\s*│\s*0\.\d{3}/);
    const importanceJson = cli('importance', '1', '--json');
    expect(importanceJson.status, importanceJson.stderr).toBe(0);
    const answer = JSON.parse(importanceJson.stdout) as { trials: number; importances: Array<{ param: string; importance: number }> };
    expect(answer.trials).toBe(8);
    expect(answer.importances.map((i) => i.param).sort()).toEqual(['learningRate', 'optimizer']);
    expect(answer.importances.reduce((a, i) => a + i.importance, 0)).toBeCloseTo(1, 6);
    expect(cli('importance', '99').status).toBe(1);
    expect(cli('importance', 'x').status).toBe(2);

    const again = cli('extend', '1', '--add', 'learningRate=0.01');
    expect(again.status).toBe(2);
    expect(again.stderr).toMatch(/add: these values are in the grid already/);
    expect(cli('extend', '1', '--trials', '3').status).toBe(2);
    expect(cli('extend', '1').status).toBe(2);
    expect(cli('extend', '1', '--add', 'nonsense').status).toBe(2);
    expect(cli('extend', '1', '--add', 'batchSize=2.5').stderr).toMatch(/add\.batchSize/);
    expect(cli('extend', '99', '--trials', '2').status).toBe(1);
    for (const command of ['extend', 'importance']) expect(cli(command, '--help').stdout).toMatch(/^Usage: epochlab/);
  }, 300_000);

  it('kill -9 in the middle of a TPE study: interrupted after restart, resume continues to its trial count', async () => {
    const spec = specFile(moonsSpec(
      { learningRate: { from: 0.001, to: 0.1, scale: 'log' }, batchSize: [8, 16], epochs: 40 },
      { name: 'tpe', search: { method: 'tpe', trials: 3, seed: 1, startupTrials: 2 } },
    ));
    const child = spawn(process.execPath, [CLI_SCRIPT, '--data-dir', data.dir, 'run', spec, '--backend', 'cpu', '--concurrency', '1'], { stdio: ['ignore', 'pipe', 'pipe'] });
    // Kill once the second trial has been proposed and has trained a little.
    await waitForCount(data.dir, 'SELECT COUNT(*) FROM iteration_metrics m JOIN runs r ON r.id = m.run_id WHERE r.idx = 1', 20, 150_000, 'the second trial never started');
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));

    const services = await openServices(data.dir, { concurrency: 1 });
    const before = await services.api.getExperiment({ experimentId: 1 });
    expect(before.status).toBe('interrupted');
    expect(before.runs.map((r) => r.status)).toEqual(['completed', 'interrupted']);
    expect(before.plannedTrials).toBe(3);
    const { queued } = await services.api.resumeExperiment({ experimentId: 1 });
    expect(queued).toBe(1); // the interrupted run; the third trial comes when it ends (concurrency 1)
    await services.runner.idle();
    const after = await services.api.getExperiment({ experimentId: 1 });
    expect(after.runs.map((r) => r.status)).toEqual(['completed', 'completed', 'completed']);
    expect(after.runs[0].endedAt).toBe(before.runs[0].endedAt);
    expect(after.status).toBe('finished');
    await services.close();
  }, 300_000);
});
