/**
 * The per-user data folder, shared by the desktop app and the CLI, and what lives in it. `--data-dir` or
 * EPOCHLAB_DATA_DIR override the default. Every function takes the `path` flavour and the platform's
 * environment, so the Windows rules are tested with path.win32 on any machine.
 */
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import nodePath from 'node:path';

export const APP_NAME = 'Epochlab';
export const DATABASE_FILE = 'epochlab.sqlite';
export const LOCK_FILE = 'epochlab.lock';

/** node:path, or explicitly path.win32 / path.posix. */
export type PathFlavour = nodePath.PlatformPath;

export interface Host {
  platform: NodeJS.Platform;
  env: NodeJS.ProcessEnv;
  home: string;
  path: PathFlavour;
  exists(file: string): boolean;
}

export function currentHost(): Host {
  return { platform: process.platform, env: process.env, home: homedir(), path: nodePath, exists: existsSync };
}

/** The path flavour a platform's paths are written in. */
export function pathFor(platform: NodeJS.Platform): PathFlavour {
  return platform === 'win32' ? nodePath.win32 : nodePath.posix;
}

/** An environment variable holding a folder, ignored when empty or relative (XDG: "relative paths are invalid"). */
function absoluteDir(value: string | undefined, path: PathFlavour): string | null {
  return value && path.isAbsolute(value) ? value : null;
}

/**
 * Where the data lives by default, by each platform's convention for application data:
 * Windows %APPDATA%\Epochlab (roaming, as Electron's userData), macOS ~/Library/Application Support/Epochlab,
 * elsewhere $XDG_DATA_HOME/Epochlab (~/.local/share/Epochlab): runs and checkpoints are data, not settings.
 * Epochlab 0.1 kept them in $XDG_CONFIG_HOME/Epochlab; a database found there, with none in the new place,
 * keeps that folder in use, so an upgrade never hides anyone's runs.
 */
export function defaultDataDir(host: Host = currentHost()): string {
  const { path, env, home } = host;
  if (host.platform === 'win32') return path.join(absoluteDir(env.APPDATA, path) ?? path.join(home, 'AppData', 'Roaming'), APP_NAME);
  if (host.platform === 'darwin') return path.join(home, 'Library', 'Application Support', APP_NAME);
  const current = path.join(absoluteDir(env.XDG_DATA_HOME, path) ?? path.join(home, '.local', 'share'), APP_NAME);
  const legacy = path.join(absoluteDir(env.XDG_CONFIG_HOME, path) ?? path.join(home, '.config'), APP_NAME);
  if (!host.exists(databasePath(current, path)) && host.exists(databasePath(legacy, path))) return legacy;
  return current;
}

/** `--data-dir`, else EPOCHLAB_DATA_DIR, else the default; relative paths are taken from the working folder. */
export function resolveDataDir(explicit?: string, host: Host = currentHost()): string {
  if (explicit) return host.path.resolve(explicit);
  if (host.env.EPOCHLAB_DATA_DIR) return host.path.resolve(host.env.EPOCHLAB_DATA_DIR);
  return defaultDataDir(host);
}

export function databasePath(dataDir: string, path: PathFlavour = nodePath): string {
  return path.join(dataDir, DATABASE_FILE);
}

export function lockPath(dataDir: string, path: PathFlavour = nodePath): string {
  return path.join(dataDir, LOCK_FILE);
}

/**
 * A file or folder of the data folder from its stored name. Names are kept with '/' (the database is the
 * same file on every OS, e.g. `checkpoints/run-3/best`) and joined here with the platform's separator.
 */
export function inDataDir(dataDir: string, stored: string, path: PathFlavour = nodePath): string {
  return path.join(dataDir, ...stored.split('/'));
}

/** The folder as a `--data-dir` flag must name it for another command to use it, or null for the default. */
export function dataDirFlag(dataDir: string, host: Host = currentHost()): string | null {
  const resolved = host.path.resolve(dataDir);
  return resolved === defaultDataDir(host) ? null : resolved;
}
