import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { aboutDialog, COPYRIGHT, DEV_WINDOW_ICON, PACKAGED_WINDOW_ICON, setAboutPanel, showAbout, windowIconPath } from '../../src-main/app/identity';
import { WINDOW_ICON_SIZE } from '../../scripts/build-icons.mjs';
import { fake, resetFake } from './fake-electron';

vi.mock('electron', async () => (await import('./fake-electron')).fake);

beforeEach(() => resetFake());

const mainDir = path.resolve('/opt/epochlab/out/main');
const everything = () => true;

describe('windowIconPath', () => {
  it('leaves macOS to the bundle icon and a packaged Windows app to its .exe icon', () => {
    expect(windowIconPath({ platform: 'darwin', isPackaged: true, resourcesPath: '/Applications/Epochlab.app/Contents/Resources', mainDir, exists: everything })).toBeUndefined();
    expect(windowIconPath({ platform: 'darwin', isPackaged: false, resourcesPath: undefined, mainDir, exists: everything })).toBeUndefined();
    expect(windowIconPath({ platform: 'win32', isPackaged: true, resourcesPath: 'C:\\Program Files\\Epochlab\\resources', mainDir, exists: everything })).toBeUndefined();
  });

  it('gives a packaged Linux window the icon packaged beside the asar', () => {
    expect(windowIconPath({ platform: 'linux', isPackaged: true, resourcesPath: '/opt/Epochlab/resources', mainDir, exists: everything })).toBe(path.join('/opt/Epochlab/resources', 'icon.png'));
  });

  it('uses the generated icon in a clone, and none when it has not been built', () => {
    const expected = path.resolve('/opt/epochlab/build/icons/png/256x256.png');
    expect(windowIconPath({ platform: 'linux', isPackaged: false, resourcesPath: undefined, mainDir, exists: everything })).toBe(expected);
    expect(windowIconPath({ platform: 'win32', isPackaged: false, resourcesPath: undefined, mainDir, exists: everything })).toBe(expected);
    expect(windowIconPath({ platform: 'linux', isPackaged: false, resourcesPath: undefined, mainDir, exists: () => false })).toBeUndefined();
  });

  it('names the files that build-icons.mjs writes and electron-builder.yml packages', () => {
    expect(DEV_WINDOW_ICON).toBe(`build/icons/png/${WINDOW_ICON_SIZE}x${WINDOW_ICON_SIZE}.png`);
    const yml = parse(readFileSync('electron-builder.yml', 'utf8')) as { copyright: string; linux: { extraResources: Array<{ from: string; to: string }> } };
    expect(yml.linux.extraResources).toContainEqual({ from: DEV_WINDOW_ICON, to: PACKAGED_WINDOW_ICON });
    expect(yml.copyright).toBe(COPYRIGHT);
  });
});

describe('About', () => {
  const context = { version: '1.2.3', versions: { ...process.versions, electron: '45.5.0', chrome: '140.0.0.0' }, dataDir: 'C:\\Users\\Zoë\\AppData\\Roaming\\Epochlab', icon: '/opt/Epochlab/resources/icon.png' };

  it('shows the version first, then the runtime, the data folder and the copyright', () => {
    const box = aboutDialog(context);
    expect(box.message).toBe('Epochlab 1.2.3');
    expect(box.detail).toContain('Electron 45.5.0 · Chromium 140.0.0.0');
    expect(box.detail).toContain('Data folder: C:\\Users\\Zoë\\AppData\\Roaming\\Epochlab');
    expect(box.detail).toContain(COPYRIGHT);
    expect(box.icon).toBe(context.icon);
    expect(aboutDialog({ ...context, icon: undefined })).not.toHaveProperty('icon');
  });

  it('sets the system About panel and opens the dialog from the menu', () => {
    setAboutPanel(context);
    expect(fake.app.setAboutPanelOptions).toHaveBeenCalledWith(expect.objectContaining({ applicationName: 'Epochlab', applicationVersion: '1.2.3', iconPath: context.icon }));
    showAbout(context);
    expect(fake.dialog.showMessageBox).toHaveBeenCalledWith(expect.objectContaining({ message: 'Epochlab 1.2.3' }));
  });
});
