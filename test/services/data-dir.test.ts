import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { dataDirFlag, databasePath, defaultDataDir, inDataDir, lockPath, pathFor, resolveDataDir, type Host } from '../../src-main/services/data-dir';

function host(platform: NodeJS.Platform, home: string, env: NodeJS.ProcessEnv = {}, existing: string[] = []): Host {
  return { platform, env, home, path: pathFor(platform), exists: (file) => existing.includes(file) };
}

describe('the default data folder', () => {
  it('is %APPDATA%\\Epochlab on Windows, whatever the user name', () => {
    const appData = 'C:\\Users\\Zoë Müller-Łukasz\\AppData\\Roaming';
    expect(defaultDataDir(host('win32', 'C:\\Users\\Zoë Müller-Łukasz', { APPDATA: appData }))).toBe(`${appData}\\Epochlab`);
    expect(defaultDataDir(host('win32', 'C:\\Users\\李雷', { APPDATA: 'C:\\Users\\李雷\\AppData\\Roaming' }))).toBe('C:\\Users\\李雷\\AppData\\Roaming\\Epochlab');
  });

  it('falls back to the home folder on Windows when APPDATA is unset or not absolute', () => {
    expect(defaultDataDir(host('win32', 'D:\\Home\\ana'))).toBe('D:\\Home\\ana\\AppData\\Roaming\\Epochlab');
    expect(defaultDataDir(host('win32', 'D:\\Home\\ana', { APPDATA: 'AppData' }))).toBe('D:\\Home\\ana\\AppData\\Roaming\\Epochlab');
  });

  it('is ~/Library/Application Support/Epochlab on macOS', () => {
    expect(defaultDataDir(host('darwin', '/Users/ana', { XDG_DATA_HOME: '/elsewhere' }))).toBe('/Users/ana/Library/Application Support/Epochlab');
  });

  it('is $XDG_DATA_HOME/Epochlab on Linux, ~/.local/share/Epochlab without it or with a relative one', () => {
    expect(defaultDataDir(host('linux', '/home/ana', { XDG_DATA_HOME: '/data/ana' }))).toBe('/data/ana/Epochlab');
    expect(defaultDataDir(host('linux', '/home/ana'))).toBe('/home/ana/.local/share/Epochlab');
    expect(defaultDataDir(host('linux', '/home/ana', { XDG_DATA_HOME: 'relative/share' }))).toBe('/home/ana/.local/share/Epochlab');
    expect(defaultDataDir(host('freebsd', '/home/ana'))).toBe('/home/ana/.local/share/Epochlab');
  });

  it('keeps using the folder of Epochlab 0.1 ($XDG_CONFIG_HOME/Epochlab) while only it has a database', () => {
    const legacyDb = '/home/ana/.config/Epochlab/epochlab.sqlite';
    expect(defaultDataDir(host('linux', '/home/ana', {}, [legacyDb]))).toBe('/home/ana/.config/Epochlab');
    expect(defaultDataDir(host('linux', '/home/ana', { XDG_CONFIG_HOME: '/cfg' }, ['/cfg/Epochlab/epochlab.sqlite']))).toBe('/cfg/Epochlab');
    expect(defaultDataDir(host('linux', '/home/ana', {}, [legacyDb, '/home/ana/.local/share/Epochlab/epochlab.sqlite']))).toBe('/home/ana/.local/share/Epochlab');
  });
});

describe('resolveDataDir', () => {
  it('prefers --data-dir, then EPOCHLAB_DATA_DIR, and normalises Windows separators', () => {
    const win = host('win32', 'C:\\Users\\ana', { APPDATA: 'C:\\Users\\ana\\AppData\\Roaming', EPOCHLAB_DATA_DIR: 'E:/runs/epochlab/' });
    expect(resolveDataDir('D:\\My Experiments\\épochs', win)).toBe('D:\\My Experiments\\épochs');
    expect(resolveDataDir(undefined, win)).toBe('E:\\runs\\epochlab');
    expect(resolveDataDir('\\\\nas\\share\\epochlab', win)).toBe('\\\\nas\\share\\epochlab');
  });

  it('resolves a relative folder against the working folder', () => {
    expect(resolveDataDir('runs', host('linux', '/home/ana'))).toBe(path.posix.resolve('runs'));
    expect(resolveDataDir(undefined, host('linux', '/home/ana', { EPOCHLAB_DATA_DIR: '/srv/epochlab/' }))).toBe('/srv/epochlab');
  });
});

describe('files of the data folder', () => {
  const winDir = 'C:\\Users\\Zoë Müller\\AppData\\Roaming\\Epochlab';
  const macDir = '/Users/ana/Library/Application Support/Epochlab';

  it('puts the database and the lock in the folder, with the platform separator', () => {
    expect(databasePath(winDir, path.win32)).toBe(`${winDir}\\epochlab.sqlite`);
    expect(lockPath(winDir, path.win32)).toBe(`${winDir}\\epochlab.lock`);
    expect(databasePath(macDir, path.posix)).toBe(`${macDir}/epochlab.sqlite`);
    expect(lockPath(macDir, path.posix)).toBe(`${macDir}/epochlab.lock`);
  });

  it('turns stored names (always with /) into paths of the platform', () => {
    expect(inDataDir(winDir, 'checkpoints/run-12/best', path.win32)).toBe(`${winDir}\\checkpoints\\run-12\\best`);
    expect(inDataDir(macDir, 'checkpoints/run-12', path.posix)).toBe(`${macDir}/checkpoints/run-12`);
    expect(inDataDir('D:\\', 'checkpoints/run-1', path.win32)).toBe('D:\\checkpoints\\run-1');
  });
});

describe('the --data-dir a shown command needs', () => {
  it('is none for the default folder, and the absolute folder otherwise, even when EPOCHLAB_DATA_DIR chose it', () => {
    const linux = host('linux', '/home/ana', { EPOCHLAB_DATA_DIR: '/srv/epochlab' });
    expect(dataDirFlag('/home/ana/.local/share/Epochlab', linux)).toBeNull();
    // A reader of the command may not have the variable set: name the folder.
    expect(dataDirFlag('/srv/epochlab', linux)).toBe('/srv/epochlab');
    expect(dataDirFlag('C:\\Users\\ana\\AppData\\Roaming\\Epochlab', host('win32', 'C:\\Users\\ana', { APPDATA: 'C:\\Users\\ana\\AppData\\Roaming' }))).toBeNull();
    expect(dataDirFlag('D:\\runs', host('win32', 'C:\\Users\\ana'))).toBe('D:\\runs');
  });
});
