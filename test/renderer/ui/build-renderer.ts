/** Builds the renderer once before the browser tests, exactly as serve mode will serve it. */
import { build } from 'vite';
import { fileURLToPath } from 'node:url';

export default async function setup(): Promise<void> {
  if (process.env.EPOCHLAB_UI_SKIP_BUILD === '1') return;
  await build({ configFile: fileURLToPath(new URL('../../../src-renderer/vite.config.ts', import.meta.url)), logLevel: 'warn' });
}
