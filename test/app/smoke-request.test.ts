import { describe, expect, it } from 'vitest';
import { smokeTestRequest } from '../../src-main/app/smoke-request';

describe('smokeTestRequest', () => {
  it('is asked for by --smoke-test or EPOCHLAB_SMOKE_TEST=1, with an optional report file', () => {
    expect(smokeTestRequest(['electron', '.'], {})).toBeNull();
    expect(smokeTestRequest(['Epochlab.exe', '--smoke-test'], {})).toEqual({ reportFile: null });
    expect(smokeTestRequest(['epochlab'], { EPOCHLAB_SMOKE_TEST: '1' })).toEqual({ reportFile: null });
    expect(smokeTestRequest(['epochlab'], { EPOCHLAB_SMOKE_TEST: '0' })).toBeNull();
    expect(smokeTestRequest(['epochlab', '--smoke-test', '--smoke-test-report=C:\\Temp\\smoke report.json'], {})).toEqual({ reportFile: 'C:\\Temp\\smoke report.json' });
    expect(smokeTestRequest(['epochlab', '--smoke-test-report=/tmp/r.json'], {})).toBeNull();
  });
});
