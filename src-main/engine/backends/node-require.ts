/**
 * A `require` that works in every form the engine runs in: a CommonJS bundle (electron-vite's main and
 * worker output, where `require` exists), or ESM (vitest, an .mjs bundle, where it does not).
 * Packages are resolved at run time from node_modules — never bundled — so there is one tfjs.
 */
import { createRequire } from 'node:module';

export function nodeRequire(): NodeJS.Require {
  // esbuild's ESM output defines a stand-in `require` that only throws; a real one has `resolve`.
  if (typeof require === 'function' && typeof require.resolve === 'function') return require;
  return createRequire(import.meta.url);
}

/** First line of an error, without the long "Require stack" that Node appends. */
export function errorReason(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  return message.split('\n')[0].trim() || 'unknown error';
}
