/**
 * What the user sees when the services cannot start, most often because the database cannot be opened
 * (docs/reliability.md D5, D6). The choice is only ever Quit or Open data folder: the app never offers to replace
 * or "repair" the database, so nothing the user has is lost by clicking through.
 */
import { dialog, shell } from 'electron';

export interface StartupFailure {
  title: string;
  detail: string;
}

function storeErrorCode(error: unknown): string | null {
  if (error instanceof Error && error.name === 'StoreError') {
    const code = (error as Error & { code?: unknown }).code;
    return typeof code === 'string' ? code : null;
  }
  return null;
}

const TITLES: Record<string, [title: string, advice: string]> = {
  'newer-version': ['This database was written by a newer version of Epochlab.', 'Install that version, or move the database file out of the data folder to start with an empty one.'],
  corrupt: ['The Epochlab database is damaged or is not an Epochlab database.', 'Restore it from a backup, or move it out of the data folder to start with an empty one.'],
  locked: ['The Epochlab database is in use by another program.', 'Close the other Epochlab (an `epochlab run` or `epochlab serve` in a terminal) and start again.'],
  readonly: ['Epochlab cannot write to its database.', 'Check the permissions of the data folder and of the database file.'],
  'not-a-file': ['Epochlab cannot open its database: the path is not a file.', 'Move whatever is at that path out of the data folder.'],
  'disk-full': ['The disk holding the Epochlab database is full.', 'Free some space and start again.'],
  io: ['Epochlab cannot read or write its database.', 'Check the disk and the data folder.'],
};

export function describeStartupFailure(error: unknown, dataDir: string): StartupFailure {
  const message = error instanceof Error ? error.message : String(error);
  const known = TITLES[storeErrorCode(error) ?? ''];
  const [title, advice] = known ?? ['Epochlab could not start.', 'Check the data folder, then start again.'];
  return { title, detail: `${message}\n\n${advice} The database was not changed.\n\nData folder: ${dataDir}` };
}

export async function reportStartupFailure(error: unknown, dataDir: string): Promise<void> {
  const { title, detail } = describeStartupFailure(error, dataDir);
  const { response } = await dialog.showMessageBox({
    type: 'error',
    title: 'Epochlab',
    message: title,
    detail,
    buttons: ['Quit', 'Open data folder'],
    defaultId: 0,
    cancelId: 0,
    noLink: true,
  });
  if (response === 1) await shell.openPath(dataDir);
}
