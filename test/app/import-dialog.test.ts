import { beforeEach, describe, expect, it, vi } from 'vitest';
import { chooseImportSource, datasetNameFromPath } from '../../src-main/app/import-dialog';
import { fake, resetFake } from './fake-electron';

vi.mock('electron', async () => (await import('./fake-electron')).fake);

beforeEach(() => resetFake());

function picks(...files: Array<string | null>): void {
  for (const file of files) {
    fake.dialog.showOpenDialog.mockResolvedValueOnce(file === null ? { canceled: true, filePaths: [] } : { canceled: false, filePaths: [file] });
  }
}

describe('chooseImportSource', () => {
  it('asks for images then labels for IDX', async () => {
    picks('/d/train-images-idx3-ubyte.gz', '/d/train-labels-idx1-ubyte.gz');
    expect(await chooseImportSource('idx', 'mnist', {}, null)).toEqual({ format: 'idx', name: 'mnist', images: '/d/train-images-idx3-ubyte.gz', labels: '/d/train-labels-idx1-ubyte.gz' });
    expect(fake.dialog.showOpenDialog).toHaveBeenCalledTimes(2);
  });

  it('stops at the first cancel', async () => {
    picks(null);
    expect(await chooseImportSource('idx', 'mnist', {}, null)).toBeNull();
    expect(fake.dialog.showOpenDialog).toHaveBeenCalledTimes(1);
    picks('/d/x.npy', null);
    expect(await chooseImportSource('npy', 'xy', {}, null)).toBeNull();
  });

  it('asks for one CSV file and names the dataset after it when no name is given', async () => {
    picks('/d/Iris Data.csv');
    expect(await chooseImportSource('csv', null, {}, null)).toEqual({ format: 'csv', name: 'Iris Data', path: '/d/Iris Data.csv' });
    const options = fake.dialog.showOpenDialog.mock.calls[0][0] as { filters: Array<{ extensions: string[] }>; properties: string[] };
    expect(options.filters[0].extensions).toContain('csv');
    expect(options.properties).toEqual(['openFile']);
  });

  it('asks for x then y for NPY', async () => {
    picks('/d/x.npy', '/d/y.npy');
    expect(await chooseImportSource('npy', null, {}, null)).toEqual({ format: 'npy', name: 'x', x: '/d/x.npy', y: '/d/y.npy' });
  });

  it('asks for a folder for an image folder, with the options the form gave', async () => {
    picks('/d/flowers');
    expect(await chooseImportSource('image-folder', null, { width: 64, color: 'grayscale' }, null)).toEqual({
      format: 'image-folder', name: 'flowers', folder: '/d/flowers', width: 64, color: 'grayscale',
    });
    const options = fake.dialog.showOpenDialog.mock.calls[0][0] as { properties: string[]; title: string };
    expect(options.properties).toEqual(['openDirectory']);
    expect(options.title).toBe('Choose the image folder');
  });

  it('numbers the steps of a two-file format', async () => {
    picks('/d/x.npy', '/d/y.npy');
    await chooseImportSource('npy', null, {}, null);
    const titles = fake.dialog.showOpenDialog.mock.calls.map((c) => (c[0] as { title: string }).title);
    expect(titles).toEqual(['Choose the NPY file of samples (x) (1 of 2)', 'Choose the NPY file of labels (y) (2 of 2)']);
  });
});

describe('datasetNameFromPath', () => {
  it('drops extensions and the IDX suffix', () => {
    expect(datasetNameFromPath('/d/train-images-idx3-ubyte.gz')).toBe('train-images');
    expect(datasetNameFromPath('/d/t10k-images.idx3-ubyte')).toBe('t10k-images');
    expect(datasetNameFromPath('C:/data/iris.csv')).toBe('iris');
    expect(datasetNameFromPath('/d/.csv')).toBe('imported');
    expect(datasetNameFromPath(`/d/${'n'.repeat(300)}.npy`)).toHaveLength(120);
    expect(datasetNameFromPath('/d/flowers.zip')).toBe('flowers');
    expect(datasetNameFromPath('/d/flowers')).toBe('flowers');
  });
});
