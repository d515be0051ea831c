import { beforeEach, describe, expect, it } from 'vitest';
import { createPinia, setActivePinia } from 'pinia';
import { ApiError, type DatasetInfo, type ImportReport } from '../../../src-renderer/src/contract';
import type { UploadableFile } from '../../../src-renderer/src/api/client';
import { setApiClient } from '../../../src-renderer/src/stores/client';
import { useDatasetsStore, type ImportActivity } from '../../../src-renderer/src/stores/datasets';
import { fakeClient, type FakeClient } from '../fake-client';

const imported: DatasetInfo = {
  id: 'imp-0123456789ab', name: 'My pets', source: 'imported', kind: 'image', inputShape: [8, 8, 1], numClasses: 2,
  classNames: ['cat', 'dog'], rows: 2, classCounts: [1, 1], description: '', fingerprint: 'f',
};
const report: ImportReport = { dataset: imported, skipped: { total: 0, byReason: {}, examples: [] } };
const file = (name: string, size: number): UploadableFile => ({ name, size, slice: () => new Blob([]) });

let client: FakeClient;
let uploads: Array<{ name: string; format: string; input: string }>;
let activity: Array<ImportActivity | null>;
beforeEach(() => {
  setActivePinia(createPinia());
  uploads = [];
  activity = [];
  client = fakeClient(
    { listDatasets: () => [imported], importUpload: () => report, discardUpload: () => ({ discarded: true }) },
    {
      upload: async (f, target, onProgress) => {
        uploads.push({ name: f.name, ...target });
        activity.push(useDatasetsStore().activity);
        onProgress(f.size / 2, f.size);
        activity.push(useDatasetsStore().activity);
        onProgress(f.size, f.size);
        return `up-${String(uploads.length).padStart(24, '0')}`;
      },
    },
  );
  setApiClient(client);
});

describe('datasets store', () => {
  it('names an imported dataset by its name, not its id, once the list is loaded', async () => {
    const store = useDatasetsStore();
    expect(store.nameOf(imported.id)).toBe(imported.id);
    store.ensureLoaded();
    await expect.poll(() => store.loaded).toBe(true);
    expect(store.nameOf(imported.id)).toBe('My pets');
    expect(store.nameOf('spiral')).toBe('spiral');
  });

  it('uploads one file per input of the format, with progress, then imports them by id', async () => {
    const store = useDatasetsStore();
    const result = await store.importUploads('npy', 'Arrays', { x: file('x.npy', 100), y: file('y.npy', 10) }, {});
    expect(result).toEqual(report);
    expect(uploads).toEqual([{ name: 'x.npy', format: 'npy', input: 'x' }, { name: 'y.npy', format: 'npy', input: 'y' }]);
    expect(activity[1]).toEqual({ label: 'Uploading x.npy', done: 50, total: 100 });
    const call = client.calls.find((c) => c.method === 'importUpload');
    expect(call?.input).toEqual({ format: 'npy', name: 'Arrays', uploads: { x: `up-${'0'.repeat(23)}1`, y: `up-${'0'.repeat(23)}2` }, options: {} });
    expect(store.items.map((d) => d.id)).toEqual([imported.id]);
    expect(store.activity).toBeNull();
  });

  it('shows the server’s import progress while its import runs, and drops the uploads when the import fails', async () => {
    const store = useDatasetsStore();
    client.handlers.importUpload = () => {
      client.emit({ type: 'dataset-import', progress: { phase: 'reading', done: 3, total: 9 } });
      expect(store.activity).toEqual({ label: 'Reading', done: 3, total: 9 });
      throw new ApiError('invalid', 'pets.zip: refused: invalid relative path: ../x.png');
    };
    store.handleEvent({ type: 'dataset-import', progress: { phase: 'reading', done: 1, total: 2 } });
    expect(store.activity).toBeNull(); // not ours: no import under way
    client.onEvent((e) => store.handleEvent(e));
    await expect(store.importUploads('image-folder', 'Pets', { folder: file('pets.zip', 10) }, { width: 8 })).rejects.toThrow(/invalid relative path/);
    expect(client.calls.filter((c) => c.method === 'discardUpload').map((c) => c.input)).toEqual([{ uploadId: `up-${'0'.repeat(23)}1` }]);
    expect(store.activity).toBeNull();
  });

  it('says what to run on the server, with its data folder', () => {
    const store = useDatasetsStore();
    expect(store.commandLine('idx', '/srv/epoch lab')).toBe("epochlab --data-dir '/srv/epoch lab' datasets import --format idx --name 'My data' --images train-images-idx3-ubyte.gz --labels train-labels-idx1-ubyte.gz");
    expect(store.commandLine('image-folder', null)).toBe("epochlab datasets import --format image-folder --name 'My data' --folder flowers/");
  });
});
