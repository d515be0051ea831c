import { beforeEach, describe, expect, it, vi } from 'vitest';
import { describeStartupFailure, reportStartupFailure } from '../../src-main/app/startup-error';
import { StoreError } from '../../src-main/store/errors';
import { fake, resetFake } from './fake-electron';

vi.mock('electron', async () => (await import('./fake-electron')).fake);

beforeEach(() => resetFake());

describe('describeStartupFailure', () => {
  it('explains each store error and says nothing was changed', () => {
    const cases: Array<[StoreError, RegExp]> = [
      [new StoreError('newer-version', 'db is at version 9'), /newer version/],
      [new StoreError('corrupt', 'not a database'), /damaged/],
      [new StoreError('locked', 'busy'), /in use by another program/],
    ];
    for (const [error, title] of cases) {
      const failure = describeStartupFailure(error, '/home/u/.config/Epochlab');
      expect(failure.title).toMatch(title);
      expect(failure.detail).toContain(error.message);
      expect(failure.detail).toContain('not changed');
      expect(failure.detail).toContain('/home/u/.config/Epochlab');
    }
    expect(describeStartupFailure(new Error('boom'), '/d').title).toMatch(/could not start/);
  });
});

describe('reportStartupFailure', () => {
  it('offers Quit and Open data folder, and opens the folder when asked', async () => {
    fake.dialog.showMessageBox.mockResolvedValueOnce({ response: 1, checkboxChecked: false });
    await reportStartupFailure(new StoreError('corrupt', 'bad'), '/data');
    expect(fake.dialog.showMessageBox.mock.calls[0][0]).toMatchObject({ buttons: ['Quit', 'Open data folder'], cancelId: 0 });
    expect(fake.shell.openPath).toHaveBeenCalledWith('/data');
  });

  it('opens nothing on Quit', async () => {
    await reportStartupFailure(new StoreError('locked', 'busy'), '/data');
    expect(fake.shell.openPath).not.toHaveBeenCalled();
  });
});
