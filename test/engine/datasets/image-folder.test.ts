// Image folders (docs/reliability.md G3): small generated trees with every bad case, as folders and as .zip.
import { mkdirSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { IMAGE_FOLDER_LIMITS, type ImportProgress, type ImportSourceOf } from '../../../src-main/contract';
import { loadDataset } from '../../../src-main/engine/datasets/catalog';
import { importDataset } from '../../../src-main/engine/datasets/import';
import { openZip } from '../../../src-main/engine/datasets/zip';
import { contextIn, useTempDir } from './helpers';
import { jpegBytes, jpegClaiming, pngBytes, pngClaiming, solid, zipBytes, type ZipEntrySpec } from './image-files';

const dir = useTempDir();
const RED = pngBytes(6, 4, solid(6, 4, [255, 0, 0, 255]));
const BLUE = pngBytes(3, 3, solid(3, 3, [0, 0, 255, 255]));
const GREEN_JPEG = jpegBytes(16, 8, solid(16, 8, [0, 255, 0, 255]));

function write(root: string, files: Record<string, Uint8Array | string>): string {
  for (const [path, bytes] of Object.entries(files)) {
    mkdirSync(join(root, path, '..'), { recursive: true });
    writeFileSync(join(root, path), bytes);
  }
  return root;
}

function source(folder: string, extra: Partial<ImportSourceOf<'image-folder'>> = {}): ImportSourceOf<'image-folder'> {
  return { format: 'image-folder', name: 'pets', folder, width: 4, height: 4, color: 'rgb', ...extra };
}

const GOOD_TREE = {
  'cat/a.png': RED, 'cat/b.PNG': RED, 'cat/nested/deeper/c.png': RED,
  'dog/x.jpg': GREEN_JPEG, 'dog/y.jpeg': GREEN_JPEG, 'eel/z.png': BLUE,
};

describe('image folder import', () => {
  it('reads one class per sub-folder, in name order, resized and in the chosen colour', async () => {
    const root = write(join(dir(), 'pets'), GOOD_TREE);
    const { dataset, skipped } = await importDataset(source(root), contextIn(dir()));
    expect(skipped.total).toBe(0);
    expect(dataset).toMatchObject({ kind: 'image', inputShape: [4, 4, 3], classNames: ['cat', 'dog', 'eel'], classCounts: [3, 2, 1], rows: 6 });
    expect(dataset.description).toMatch(/^Image folder pets: 6 images resized to 4 × 4 rgb, 3 classes\.$/);
    const ds = await loadDataset({ id: dataset.id }, contextIn(dir()));
    expect(Array.from(ds.y)).toEqual([0, 0, 0, 1, 1, 2]);
    // Row 0 is all red, row 5 all blue; JPEG green within compression noise.
    expect(Array.from(ds.x.subarray(0, 3))).toEqual([1, 0, 0]);
    expect(Array.from(ds.x.subarray(5 * 48, 5 * 48 + 3))).toEqual([0, 0, 1]);
    expect(ds.x[3 * 48 + 1]).toBeGreaterThan(0.97);

    const gray = await importDataset(source(root, { color: 'grayscale', width: 5, height: 2 }), contextIn(dir()));
    expect(gray.dataset.inputShape).toEqual([2, 5, 1]);
    expect((await loadDataset({ id: gray.dataset.id }, contextIn(dir()))).x[0]).toBeCloseTo(76 / 255, 6);
  });

  it('skips and reports empty, corrupt, truncated, non-image, stray and bomb files, and reads the rest', async () => {
    const root = write(join(dir(), 'messy'), {
      ...GOOD_TREE,
      'cat/empty.png': new Uint8Array(),
      'cat/garbage.png': 'this is not a png',
      'dog/cut.jpg': GREEN_JPEG.subarray(0, GREEN_JPEG.length - 30),
      'dog/notes.txt': 'hello',
      'dog/.DS_Store': 'mac',
      'README.md': 'a stray file at the top',
      'eel/bomb.png': pngClaiming(50_000, 50_000),
      'eel/bomb.jpg': jpegClaiming(65_000, 65_000),
    });
    const progress: ImportProgress[] = [];
    const { dataset, skipped } = await importDataset(source(root), contextIn(dir()), (p) => progress.push(p));
    expect(dataset.classCounts).toEqual([3, 2, 1]);
    expect(skipped.byReason).toEqual({ empty: 1, corrupt: 2, 'not-image': 2, 'outside-class': 1, 'too-large': 2 });
    expect(skipped.total).toBe(8);
    const byFile = Object.fromEntries(skipped.examples.map((e) => [e.file, e]));
    expect(byFile['cat/garbage.png'].detail).toMatch(/not a PNG or JPEG/);
    expect(byFile['dog/cut.jpg'].detail).toMatch(/truncated/);
    expect(byFile['eel/bomb.png'].detail).toMatch(/50000 × 50000 pixels is over the limit/);
    expect(byFile['README.md'].reason).toBe('outside-class');
    expect(dataset.description).toMatch(/; 8 files skipped: 2 not a PNG or JPEG file, 1 not in a class sub-folder, 1 empty file, 2 corrupt or unreadable image, 2 over the pixel or size limit \(decompression bomb\?\)\.$/);
    expect(progress.at(-1)?.phase).toBe('storing');
    expect(progress.filter((p) => p.phase === 'reading').map((p) => p.total)).toContain(11);
  });

  it('follows no link out of the folder or into a loop, and reports them', async () => {
    const outside = write(join(dir(), 'outside'), { 'secret.png': BLUE });
    const root = write(join(dir(), 'linked'), GOOD_TREE);
    symlinkSync(join(outside, 'secret.png'), join(root, 'cat', 'secret.png'));
    symlinkSync(outside, join(root, 'stolen'));
    symlinkSync(join(root, 'dog'), join(root, 'dog', 'loop'));
    symlinkSync(join(root, 'nowhere.png'), join(root, 'eel', 'broken.png'));
    symlinkSync(join(root, 'cat', 'a.png'), join(root, 'eel', 'inside.png')); // inside the folder: followed
    const { dataset, skipped } = await importDataset(source(root), contextIn(dir()));
    expect(dataset.classNames).toEqual(['cat', 'dog', 'eel']);
    expect(dataset.classCounts).toEqual([3, 2, 2]);
    expect(skipped.byReason).toEqual({ link: 4 });
    expect(skipped.examples.map((e) => `${e.file}: ${e.detail}`).sort()).toEqual([
      'cat/secret.png: a link out of the folder, not followed',
      'dog/loop: a link back into a folder above it (a loop), not followed',
      'eel/broken.png: a link to nothing (broken), not followed',
      'stolen: a link out of the folder, not followed',
    ]);
  });

  it('keeps Unicode folder and file names (class names in NFC)', async () => {
    const root = write(join(dir(), 'données'), { 'chat-été/猫 1.png': RED, 'cafe\u0301/x.png': BLUE, 'Ωmega/🐟.jpg': GREEN_JPEG });
    const { dataset } = await importDataset(source(root), contextIn(dir()));
    expect(dataset.classNames).toEqual(['café', 'chat-été', 'Ωmega']);
    expect(dataset.description).toMatch(/^Image folder données:/);
  });

  it('refuses a folder without class folders, one without a readable image, and a size Epochlab cannot hold', async () => {
    const flat = write(join(dir(), 'flat'), { 'a.png': RED });
    await expect(importDataset(source(flat), contextIn(dir()))).rejects.toThrow(/flat has no class sub-folders: put the images of each class in a sub-folder/);
    const bad = write(join(dir(), 'bad'), { 'cat/a.png': 'nope', 'dog/b.txt': 'x' });
    await expect(importDataset(source(bad), contextIn(dir()))).rejects.toThrow(/bad: no readable PNG or JPEG images in its class folders; 2 files skipped: .* — e\.g\. .*cat\/a\.png/);
    // 350 images of 512 × 512 × 3 are more values than a dataset may hold (2^28): refused before any is decoded.
    const crowd = write(join(dir(), 'crowd'), Object.fromEntries(Array.from({ length: 350 }, (_, i) => [`c${i % 2}/${i}.png`, BLUE])));
    await expect(importDataset(source(crowd, { width: 512, height: 512 }), contextIn(dir()))).rejects.toThrow(/350 images of 512 × 512 × 3 are 275251200 values, more than Epochlab holds \(268435456\); choose a smaller size or grayscale/);
    await expect(importDataset(source(join(dir(), 'missing')), contextIn(dir()))).rejects.toThrow(/no such folder or \.zip file/);
    // Nothing half-imported: only the successful imports' folders.
    expect(readdirSync(join(dir(), 'datasets')).filter((n) => n.startsWith('.'))).toEqual([]);
  });
});

describe('image folder as a .zip', () => {
  const entries = (prefix: string): ZipEntrySpec[] => Object.entries(GOOD_TREE).map(([name, data]) => ({ name: `${prefix}${name}`, data: Buffer.from(data) }));
  const zip = (name: string, spec: ZipEntrySpec[]) => {
    const path = join(dir(), name);
    writeFileSync(path, zipBytes(spec));
    return path;
  };

  it('reads the same data as the folder, with or without one top folder around the classes', async () => {
    const folder = await importDataset(source(write(join(dir(), 'pets'), GOOD_TREE)), contextIn(dir()));
    const bare = await importDataset(source(zip('bare.zip', entries(''))), contextIn(dir()));
    const wrapped = await importDataset(source(zip('wrapped.zip', [{ name: 'pets/' }, ...entries('pets/'), { name: '__MACOSX/pets/._a.png', data: Buffer.from('x') }])), contextIn(dir()));
    expect(bare.dataset.fingerprint).toBe(folder.dataset.fingerprint);
    expect(wrapped.dataset.fingerprint).toBe(folder.dataset.fingerprint);
    expect(wrapped.skipped.total).toBe(0);
  });

  it('skips links inside the archive and reports bad entries like files', async () => {
    const { dataset, skipped } = await importDataset(source(zip('links.zip', [
      ...entries(''), { name: 'cat/link.png', data: Buffer.from('/etc/passwd'), mode: 0o120777 }, { name: 'dog/empty.jpg' }, { name: 'stray.txt', data: Buffer.from('x') },
    ])), contextIn(dir()));
    expect(dataset.rows).toBe(6);
    expect(skipped.byReason).toEqual({ link: 1, empty: 1, 'outside-class': 1 });
  });

  it('reads UTF-8 names without the UTF-8 flag (as macOS and Info-ZIP write them) as UTF-8, and CP437 names as CP437', async () => {
    const { dataset } = await importDataset(source(zip('finder.zip', [
      { name: 'chat-été/1.png', data: RED, nameBytes: 'utf8-unflagged' },
      { name: '猫/2.png', data: BLUE, nameBytes: 'utf8-unflagged' },
      // "Ä" is 0x8e in CP437 and not valid UTF-8 on its own.
      { name: 'Äpfel/3.png', data: GREEN_JPEG, nameBytes: Uint8Array.from([0x8e, ...Buffer.from('pfel/3.png')]) },
    ])), contextIn(dir()));
    expect(dataset.classNames).toEqual(['chat-été', 'Äpfel', '猫']);
  });

  it('refuses archives that climb out, or are zip bombs', async () => {
    const ctx = contextIn(dir());
    await expect(importDataset(source(zip('climb.zip', [...entries(''), { name: 'cat/../../evil.png', data: RED }])), ctx)).rejects.toThrow(/climb\.zip: refused: invalid relative path: cat\/\.\.\/\.\.\/evil\.png/);
    await expect(importDataset(source(zip('abs.zip', [{ name: '/etc/cat/a.png', data: RED }])), ctx)).rejects.toThrow(/abs\.zip: refused: absolute path/);
    const zeros = new Uint8Array(8 * 1024 * 1024);
    await expect(importDataset(source(zip('ratio.zip', [...entries(''), { name: 'cat/huge.png', data: zeros }])), ctx)).rejects.toThrow(/ratio\.zip: entry "cat\/huge\.png" inflates \d+ times .*zip bomb/);
    await expect(importDataset(source(zip('overlap.zip', [...entries(''), { name: 'dog/again.jpg', sameDataAs: 3 }])), ctx)).rejects.toThrow(/overlap\.zip: entries overlap one another; refused as a zip bomb/);
    await expect(importDataset(source(join(dir(), 'nozip.zip')), ctx)).rejects.toThrow(/no such folder or \.zip file/);
    writeFileSync(join(dir(), 'fake.zip'), 'not a zip at all');
    await expect(importDataset(source(join(dir(), 'fake.zip')), ctx)).rejects.toThrow(/fake\.zip: not a readable \.zip file/);
  });

  it('refuses too many entries and too many declared bytes before reading any', async () => {
    const path = zip('small.zip', entries(''));
    await expect(openZip(path, { ...IMAGE_FOLDER_LIMITS, maxZipEntries: 5 })).rejects.toThrow(/small\.zip: 6 entries, more than the 5 an import accepts/);
    await expect(openZip(path, { ...IMAGE_FOLDER_LIMITS, maxZipBytes: 200 })).rejects.toThrow(/small\.zip: its entries declare more than 200 bytes in all; refused as a zip bomb/);
    const ok = await openZip(path);
    expect(ok.entries.map((e) => e.name)).toEqual(Object.keys(GOOD_TREE));
    ok.close();
  });
});
