// Imports run in a worker (docs/reliability.md B5): the thread that answers the API never decodes an image.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ImportProgress, ImportSourceOf } from '../../../src-main/contract';
import { importDataset } from '../../../src-main/engine/datasets/import';
import { DatasetError } from '../../../src-main/engine/datasets/types';
import { importInWorker } from '../../../src-main/engine/pool/import';
import { CLI_SCRIPT, WORKER_SCRIPT } from '../../services/harness';
import { contextIn, useTempDir } from '../datasets/helpers';
import { jpegBytes, pngBytes, solid } from '../datasets/image-files';

const dir = useTempDir();

function tree(root: string): string {
  const files: Record<string, Uint8Array | string> = {
    'cat/a.png': pngBytes(6, 4, solid(6, 4, [255, 0, 0, 255])),
    'cat/b.jpg': jpegBytes(16, 8, solid(16, 8, [0, 255, 0, 255])),
    'dog/c.png': pngBytes(3, 3, solid(3, 3, [0, 0, 255, 255])),
    'dog/notes.txt': 'not an image',
  };
  for (const [name, bytes] of Object.entries(files)) {
    mkdirSync(dirname(join(root, name)), { recursive: true });
    writeFileSync(join(root, name), bytes);
  }
  return root;
}

const source = (folder: string): ImportSourceOf<'image-folder'> => ({ format: 'image-folder', name: 'pets', folder, width: 8, height: 8, color: 'rgb' });

describe('importInWorker', () => {
  it('keeps the decoders and the zip reader out of the main thread: the CLI bundle requires none of them', () => {
    const cli = readFileSync(CLI_SCRIPT, 'utf8');
    for (const library of ['jpeg-js', 'pngjs', 'yauzl']) {
      expect(cli).not.toContain(`require("${library}")`);
      expect(readFileSync(WORKER_SCRIPT, 'utf8')).toContain(`require("${library}")`);
    }
  });

  it('imports what the same import on this thread imports, with its progress and its skipped files', async () => {
    const progress: ImportProgress[] = [];
    const inWorker = await importInWorker(WORKER_SCRIPT, source(tree(join(dir(), 'a', 'pets'))), join(dir(), 'a'), (p) => progress.push(p));
    const here = await importDataset(source(tree(join(dir(), 'b', 'pets'))), contextIn(join(dir(), 'b')));
    expect(inWorker.dataset.fingerprint).toBe(here.dataset.fingerprint);
    expect(inWorker.dataset).toMatchObject({ rows: 3, classNames: ['cat', 'dog'], inputShape: [8, 8, 3] });
    expect(inWorker.skipped).toEqual(here.skipped);
    expect(progress.map((p) => p.phase)).toContain('storing');
  });

  it('rejects a refused source with a DatasetError (invalid input), and any other failure with a plain Error', async () => {
    const missing = importInWorker(WORKER_SCRIPT, source(join(dir(), 'missing')), dir(), () => undefined);
    await expect(missing).rejects.toBeInstanceOf(DatasetError);
    await expect(missing).rejects.toThrow(/missing: no such folder or \.zip file/);
    // A data folder that cannot be written: the import fails, and not as the user's input.
    writeFileSync(join(dir(), 'a-file'), 'x');
    const failed = importInWorker(WORKER_SCRIPT, source(tree(join(dir(), 'c', 'pets'))), join(dir(), 'a-file'), () => undefined);
    await expect(failed).rejects.toThrow(Error);
    await expect(failed).rejects.not.toBeInstanceOf(DatasetError);
  });
});
