/**
 * The per-user data folder, shared by the desktop app and the CLI: the same path Electron gives as
 * app.getPath('userData') for an app named Epochlab. `--data-dir` or EPOCHLAB_DATA_DIR override it.
 */
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

export const APP_NAME = 'Epochlab';
export const DATABASE_FILE = 'epochlab.sqlite';

export function resolveDataDir(explicit?: string, env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string {
  if (explicit) return resolve(explicit);
  if (env.EPOCHLAB_DATA_DIR) return resolve(env.EPOCHLAB_DATA_DIR);
  const home = homedir();
  if (platform === 'win32') return join(env.APPDATA ?? join(home, 'AppData', 'Roaming'), APP_NAME);
  if (platform === 'darwin') return join(home, 'Library', 'Application Support', APP_NAME);
  return join(env.XDG_CONFIG_HOME ?? join(home, '.config'), APP_NAME);
}

export function databasePath(dataDir: string): string {
  return join(dataDir, DATABASE_FILE);
}
