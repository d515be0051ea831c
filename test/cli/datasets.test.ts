// `epochlab datasets import` (issue 7 item 14, issue 13): flags from the format registry, JSON on request,
// and every refusal of a file is invalid input (exit 2) naming the file and the row, column or entry.
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DATASET_FORMATS, DATASET_IMPORT_FORMATS, type ImportReport } from '../../src-main/contract';
import { pngBytes, solid } from '../engine/datasets/image-files';
import { CLI_SCRIPT, tempDataDir } from '../services/harness';

let data: ReturnType<typeof tempDataDir>;
beforeEach(() => {
  data = tempDataDir();
});
afterEach(() => data.cleanup());

function cli(...args: string[]) {
  return spawnSync(process.execPath, [CLI_SCRIPT, '--data-dir', join(data.dir, 'd'), ...args], { encoding: 'utf8', timeout: 120_000 });
}
function file(name: string, contents: string | Uint8Array): string {
  const path = join(data.dir, name);
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, contents);
  return path;
}

describe('epochlab datasets import', () => {
  it('prints JSON with --json after the subcommand or before it', () => {
    const csv = file('flowers.csv', 'a,b,kind\n1,2,x\n3,4,y\n5,6,x\n');
    for (const args of [['datasets', 'import', '--format', 'csv', '--name', 'Flowers', '--file', csv, '--json'], ['datasets', '--json', 'import', '--format', 'csv', '--name', 'Flowers', '--file', csv]]) {
      const result = cli(...args);
      expect(result.status, result.stderr).toBe(0);
      const report = JSON.parse(result.stdout) as ImportReport;
      expect(report.dataset).toMatchObject({ name: 'Flowers', rows: 3, classNames: ['x', 'y'] });
      expect(report.skipped.total).toBe(0);
    }
    expect(cli('datasets', 'import', '--format', 'csv', '--name', 'Flowers', '--file', csv).stdout).toMatch(/^imported Flowers as imp-[0-9a-f]{12}: 3 rows, input \[2\], 2 classes\n$/);
  });

  it('exits 2 for a malformed file of every format, naming the file and where', () => {
    const cases: Array<[string[], RegExp]> = [
      [['--format', 'csv', '--file', file('ragged.csv', 'a,b,c\n1,2,x\n3\n')], /ragged\.csv: row 2 \(line 3\) has 1 columns, expected 3/],
      [['--format', 'csv', '--file', file('text.csv', 'a,b,c\n1,2,x\n3,zz,y\n')], /text\.csv: row 2 \(line 3\), column 2 \("b"\): expected a finite number, got "zz"/],
      [['--format', 'idx', '--images', file('img.idx', 'garbage!'), '--labels', file('lbl.idx', 'x')], /img\.idx: not an IDX file/],
      [['--format', 'npy', '--x', file('x.npy', 'nope nope nope'), '--y', file('y.npy', 'x')], /x\.npy: not a \.npy file/],
      [['--format', 'csv', '--file', join(data.dir, 'missing.csv')], /missing\.csv/],
      [['--format', 'image-folder', '--folder', file('flat/a.png', pngBytes(2, 2, solid(2, 2, [1, 1, 1, 255]))).replace(/\/a\.png$/, '')], /flat has no class sub-folders/],
    ];
    for (const [args, message] of cases) {
      const result = cli('datasets', 'import', '--name', 'bad', ...args);
      expect(result.status, `${args.join(' ')}\n${result.stderr}`).toBe(2);
      expect(result.stderr).toMatch(message);
    }
    // Six CLI processes, each starting an import worker, on a shared 2-core machine.
  }, 180_000);

  it('exits 2 for flags that are missing, do not apply, or hold a bad value, saying which flag', () => {
    const csv = file('a.csv', 'a,b\n1,x\n2,y\n');
    expect(cli('datasets', 'import', '--format', 'idx', '--name', 'n', '--images', csv).stderr).toMatch(/--format idx needs --labels/);
    const foreign = cli('datasets', 'import', '--format', 'csv', '--name', 'n', '--file', csv, '--width', '8');
    expect(foreign.status).toBe(2);
    expect(foreign.stderr).toMatch(/--width does not apply to --format csv \(it takes --file, --label-column, --no-header\)/);
    const folder = file('pets/cat/a.png', pngBytes(2, 2, solid(2, 2, [1, 1, 1, 255]))).replace(/\/cat\/a\.png$/, '');
    const bad = cli('datasets', 'import', '--format', 'image-folder', '--name', '', '--folder', folder, '--width', '9000', '--color', 'sepia');
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/--name: give the dataset a name/);
    expect(bad.stderr).toMatch(/--width: width must be at most 512/);
    expect(bad.stderr).toMatch(/--color: must be one of: rgb, grayscale/);
  });

  it('imports an image folder, reporting what it skipped', () => {
    const png = pngBytes(3, 3, solid(3, 3, [200, 10, 10, 255]));
    file('pets/cat/1.png', png);
    file('pets/cat/broken.png', 'not an image');
    file('pets/dog/2.png', png);
    file('pets/dog/read me.txt', 'x');
    const folder = join(data.dir, 'pets');
    const result = cli('datasets', 'import', '--format', 'image-folder', '--name', 'Pets', '--folder', folder, '--width', '8', '--height', '6', '--color', 'grayscale');
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/imported Pets as imp-[0-9a-f]{12}: 2 rows, input \[6, 8, 1\], 2 classes/);
    expect(result.stdout).toMatch(/2 files skipped: 1 not a PNG or JPEG file, 1 corrupt or unreadable image/);
    expect(result.stdout).toMatch(/ {2}cat\/broken\.png: not a PNG or JPEG/);
  });

  it('offers every format and flag of the registry in its help', () => {
    const help = cli('datasets', 'import', '--help').stdout;
    for (const format of DATASET_IMPORT_FORMATS) {
      expect(help).toContain(`"${format}"`);
      for (const input of DATASET_FORMATS[format].inputs) expect(help).toContain(`--${input.cliFlag} <path>`);
      for (const option of Object.values(DATASET_FORMATS[format].options)) expect(help).toContain(`--${option.cliFlag}`);
    }
  });
});
