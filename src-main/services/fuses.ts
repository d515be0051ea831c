/**
 * Electron's fuses, read from a packaged binary (docs/reliability.md A5): switches compiled into the
 * executable that no command line or environment variable can turn back on. electron-builder flips them at
 * packaging time (electron-builder.yml `electronFuses`); the smoke test reads them back from the binary.
 */
import { FuseV1Options, getCurrentFuseWire } from '@electron/fuses';

export type FuseName = keyof typeof FuseV1Options;
export type FuseState = 'on' | 'off' | 'removed' | 'not set' | 'unknown';

/**
 * The fuses Epochlab is packaged with, by @electron/fuses' names; electron-builder.yml `electronFuses`
 * says the same with camel-case keys (a test keeps the two in step).
 */
export const PACKAGED_FUSES: Readonly<Partial<Record<FuseName, boolean>>> = {
  // No ELECTRON_RUN_AS_NODE: the app binary can never be used as a plain Node.js.
  RunAsNode: false,
  EnableCookieEncryption: true,
  // No NODE_OPTIONS and no --inspect: nothing outside the app can inject code into its main process.
  EnableNodeOptionsEnvironmentVariable: false,
  EnableNodeCliInspectArguments: false,
  // The app's code is the signed asar and only that.
  EnableEmbeddedAsarIntegrityValidation: true,
  OnlyLoadAppFromAsar: true,
};

/** The bytes @electron/fuses reads from the wire. */
const STATES: Record<number, FuseState> = { 48: 'off', 49: 'on', 114: 'removed', 144: 'not set' };

/** Every fuse of the binary's wire by name (fuses newer than @electron/fuses are named by index). */
export async function readFuses(binary: string): Promise<Record<string, FuseState>> {
  const wire = (await getCurrentFuseWire(binary)) as unknown as Record<string, unknown>;
  const fuses: Record<string, FuseState> = {};
  for (const [key, value] of Object.entries(wire)) {
    const index = Number(key);
    if (!Number.isInteger(index)) continue; // the `version` entry
    const name = (FuseV1Options as unknown as Record<number, string | undefined>)[index] ?? `fuse${index}`;
    fuses[name] = STATES[value as number] ?? 'unknown';
  }
  return fuses;
}

/** What differs from the packaging policy, one sentence per fuse; empty when the binary matches. */
export function fuseProblems(actual: Record<string, FuseState>, expected: Partial<Record<FuseName, boolean>> = PACKAGED_FUSES): string[] {
  return Object.entries(expected).flatMap(([name, want]) => {
    const wanted: FuseState = want ? 'on' : 'off';
    const found = actual[name];
    if (found === wanted) return [];
    return [`${name} is ${found === undefined ? 'missing from the binary' : found}, expected ${wanted}`];
  });
}
