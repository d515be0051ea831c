/**
 * The CLI equivalent of what the UI shows, ready to paste: with `--data-dir` when this Epochlab was started
 * with a folder of its own (serve mode with --data-dir), so the command acts on the same data.
 */
import type { SystemInfo } from '../contract';

/** Quotes a word for a POSIX shell when it needs it. */
export function shellWord(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

export function cliCommand(args: readonly (string | number)[], system: Pick<SystemInfo, 'cliDataDir'> | null): string {
  const dataDir = system?.cliDataDir ? ['--data-dir', system.cliDataDir] : [];
  return ['epochlab', ...dataDir, ...args.map(String)].map(shellWord).join(' ');
}
