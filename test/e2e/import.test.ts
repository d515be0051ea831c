// Serve-mode import in the browser (issue 7, issue 13): upload a CSV and an image-folder .zip from the
// import form (never a path), watch the progress, and find the dataset by its name in the picker.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pngBytes, solid, zipBytes } from '../engine/datasets/image-files';
import { launchBrowser, screenshot, startServe, watchedPage, type Served } from './serve-harness';

let served: Served;
let browser: Browser;
let page: Page;
let pageErrors: string[];

beforeAll(async () => {
  served = await startServe();
  browser = await launchBrowser();
  ({ page, errors: pageErrors } = await watchedPage(browser));
  await page.goto(served.url);
  await page.getByText('No experiments yet').waitFor();
});
afterAll(async () => {
  await browser?.close();
  await served?.stop();
});

async function openImport(): Promise<void> {
  // Through the list, so the form (and its import panel) is mounted afresh.
  await page.goto(`${served.origin}/#/`);
  await page.goto(`${served.origin}/#/new`);
  await page.locator('[data-test=import-toggle]').click();
  await page.locator('[data-test=dataset-import]').waitFor();
}

async function chooseFormat(label: string): Promise<void> {
  await page.locator('[data-test=import-format]').click();
  await page.locator('.n-base-select-option', { hasText: label }).click();
}

describe('importing a dataset from the browser', () => {
  it('uploads a CSV and selects it by name', async () => {
    await openImport();
    const rows = Array.from({ length: 600 }, (_, i) => `${i % 7},${(i * 13) % 11},${i % 3 === 0 ? 'setosa' : 'versicolor'}`);
    await page.locator('[data-test=import-name]').locator('input').fill('Browser flowers');
    await page.locator('[data-test=upload-path]').setInputFiles({ name: 'flowers.csv', mimeType: 'text/csv', buffer: Buffer.from(`a,b,species\n${rows.join('\n')}\n`) });
    await page.locator('[data-test=upload-import]').click();
    await page.locator('.n-message', { hasText: 'Imported Browser flowers: 600 rows.' }).waitFor();
    // The picker now holds it, shown by name (its id means nothing to a person).
    await expect.poll(async () => page.locator('[data-test=dataset-select]').innerText()).toMatch(/Browser flowers — 600 rows \(imported\)/);
    await page.locator('[data-test=dataset-info]').getByText(/2 classes/).waitFor();
  });

  it('uploads an image folder as a .zip, with its options, and lists what it skipped', async () => {
    await openImport();
    await chooseFormat('Image folder');
    const red = pngBytes(10, 10, solid(10, 10, [230, 20, 20, 255]));
    const blue = pngBytes(10, 10, solid(10, 10, [20, 20, 230, 255]));
    const entries = [
      ...Array.from({ length: 20 }, (_, i) => ({ name: `pets/cat/${i}.png`, data: red })),
      ...Array.from({ length: 20 }, (_, i) => ({ name: `pets/dog/${i}.png`, data: blue })),
      { name: 'pets/dog/broken.png', data: Buffer.from('not a png') },
    ];
    await page.locator('[data-test=import-name]').locator('input').fill('Browser pets');
    await page.locator('[data-test=import-option-width] input').fill('12');
    await page.locator('[data-test=import-option-height] input').fill('12');
    await page.locator('[data-test=upload-folder]').setInputFiles({ name: 'pets.zip', mimeType: 'application/zip', buffer: zipBytes(entries) });
    await page.locator('[data-test=upload-import]').click();
    await page.locator('[data-test=import-skipped]').getByText('1 file skipped: 1 corrupt or unreadable image').waitFor();
    await page.locator('[data-test=import-skipped]').getByText('dog/broken.png').waitFor();
    await expect.poll(async () => page.locator('[data-test=dataset-select]').innerText()).toMatch(/Browser pets — 40 rows/);
    await page.locator('[data-test=dataset-info]').getByText(/\[12 × 12 × 3\]/).waitFor();
    await page.locator('[data-test=dataset-import] details summary').click();
    expect(await page.locator('[data-test=import-command]').innerText()).toMatch(new RegExp(`^epochlab --data-dir ${served.dataDir.replace(/[/.]/g, '\\$&')} datasets import --format image-folder`));
    await screenshot(page, '07-import-image-folder');
  });

  it('says why a file is refused, naming it', async () => {
    await openImport();
    await page.locator('[data-test=upload-path]').setInputFiles({ name: 'ragged.csv', mimeType: 'text/csv', buffer: Buffer.from('a,b,c\n1,2,x\n3\n') });
    await page.locator('[data-test=upload-import]').click();
    await page.locator('[data-test=import-error]').getByText('ragged.csv: row 2 (line 3) has 1 columns, expected 3 like the header').waitFor();
    expect(pageErrors).toEqual([]);
  });
});
