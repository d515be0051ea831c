/**
 * The desktop app's settings: `settings.json` in the data folder, edited by hand for now. It holds what the
 * CLI takes as flags — today how trials are isolated (`"isolation": "thread" | "process"`; without it,
 * processes for the TensorFlow backends and threads otherwise). A file that cannot be read or is invalid
 * is reported and ignored: a setting never stops the app from starting.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { ISOLATIONS } from '../contract';

export const SETTINGS_FILE = 'settings.json';

export const appSettingsSchema = z.strictObject({
  isolation: z.enum(ISOLATIONS, { error: () => `isolation must be one of: ${ISOLATIONS.join(', ')}` }).optional(),
});
export type AppSettings = z.infer<typeof appSettingsSchema>;

export function readAppSettings(dataDir: string, log: (line: string) => void): AppSettings {
  const path = join(dataDir, SETTINGS_FILE);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') log(`warning: cannot read ${path} (${(error as Error).message}); using the default settings`);
    return {};
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    log(`warning: ${path} is not valid JSON (${(error as Error).message}); using the default settings`);
    return {};
  }
  const parsed = appSettingsSchema.safeParse(raw);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join('.') || '(file)'}: ${i.message}`).join('; ');
    log(`warning: ${path}: ${issues}; using the default settings`);
    return {};
  }
  return parsed.data;
}
