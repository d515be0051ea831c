/**
 * Image folders (issue 13, docs/reliability.md G3): importing 100k small PNG files in 10 class folders, and
 * the same images as a .zip. Reports files per second and the process's peak memory above its level before
 * the import, for 10k and 100k files in the same run: the reader streams (one image decoded at a time,
 * rows appended to a staging file), so the peak should barely grow with the number of files — what grows is
 * the list of file names, tens of bytes each.
 *
 * Args: --files 100000  --size 16
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { importDataset } from '../../src-main/engine/datasets/import';
import { zipBytes } from '../../test/engine/datasets/image-files';
import { currentLoad, machineInfo } from '../lib/machine';
import type { BenchOptions, Section, SectionResult } from '../lib/section';

const CLASSES = 10;

function tinyPng(seed: number, side: number): Buffer {
  const png = new PNG({ width: side, height: side });
  for (let i = 0; i < side * side; i++) png.data.set([(seed * 37 + i) % 256, (seed * 11) % 256, i % 256, 255], 4 * i);
  return PNG.sync.write(png);
}

/** A folder of `count` PNGs in CLASSES class folders; Unicode in every tenth name. */
function makeTree(root: string, count: number, side: number): { bytes: number; entries: Array<{ name: string; data: Buffer }> } {
  const images = Array.from({ length: 64 }, (_, i) => tinyPng(i, side));
  for (let c = 0; c < CLASSES; c++) mkdirSync(join(root, `class-${c}`), { recursive: true });
  let bytes = 0;
  const entries: Array<{ name: string; data: Buffer }> = [];
  for (let i = 0; i < count; i++) {
    const name = `class-${i % CLASSES}/${i % 10 === 0 ? `画像-${i}` : `img-${i}`}.png`;
    const data = images[i % images.length];
    writeFileSync(join(root, name), data);
    if (entries.length < 20_000) entries.push({ name, data });
    bytes += data.length;
  }
  return { bytes, entries };
}

interface Measured {
  files: number;
  seconds: number;
  filesPerSecond: number;
  peakRssMiB: number;
  progressReports: number;
}

async function measure(folder: string, dataDir: string, files: number, size: number): Promise<Measured> {
  global.gc?.();
  const base = process.memoryUsage().rss;
  let peak = base;
  const sampler = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 20);
  let reports = 0;
  const t0 = performance.now();
  const report = await importDataset({ format: 'image-folder', name: 'bench', folder, width: size, height: size, color: 'rgb' }, { dataDir }, () => reports++);
  const seconds = (performance.now() - t0) / 1000;
  clearInterval(sampler);
  if (report.dataset.rows !== files) throw new Error(`imported ${report.dataset.rows} of ${files} images`);
  return { files, seconds, filesPerSecond: files / seconds, peakRssMiB: (peak - base) / 2 ** 20, progressReports: reports };
}

export const imageFolderSection: Section = {
  id: 'image-folder',
  title: 'Image folders: 100k files, throughput and peak memory',
  async run(options: BenchOptions): Promise<SectionResult> {
    const machine = machineInfo();
    const big = Number(options.args.files ?? (options.quick ? 10_000 : 100_000));
    const small = Math.max(1000, Math.round(big / 10));
    const size = Number(options.args.size ?? 16);
    const dir = mkdtempSync(join(tmpdir(), 'epochlab-bench-images-'));
    try {
      const rows: Measured[] = [];
      let zipResult: Measured | null = null;
      for (const files of [small, big]) {
        options.log(`image-folder: writing ${files} PNG files`);
        const root = join(dir, `tree-${files}`);
        const tree = makeTree(root, files, size);
        options.log(`image-folder: importing ${files} files (${(tree.bytes / 2 ** 20).toFixed(1)} MiB)`);
        rows.push(await measure(root, join(dir, `data-${files}`), files, size));
        if (files === small) {
          const zip = join(dir, 'tree.zip');
          writeFileSync(zip, zipBytes(tree.entries.slice(0, files)));
          options.log(`image-folder: importing the ${files} files as a .zip`);
          zipResult = await measure(zip, join(dir, 'data-zip'), files, size);
        }
        rmSync(root, { recursive: true, force: true });
      }
      const [few, many] = rows;
      const markdown = [
        `Import of ${size} × ${size} PNG files into ${size} × ${size} × 3, ${CLASSES} classes, on ${machine.cores} cores (load ${machine.loadStart} → ${currentLoad()}).`,
        '',
        '| source | files | seconds | files/s | peak memory above start | progress reports |',
        '| --- | ---: | ---: | ---: | ---: | ---: |',
        ...rows.map((r) => `| folder | ${r.files} | ${r.seconds.toFixed(1)} | ${Math.round(r.filesPerSecond)} | ${r.peakRssMiB.toFixed(0)} MiB | ${r.progressReports} |`),
        ...(zipResult ? [`| .zip | ${zipResult.files} | ${zipResult.seconds.toFixed(1)} | ${Math.round(zipResult.filesPerSecond)} | ${zipResult.peakRssMiB.toFixed(0)} MiB | ${zipResult.progressReports} |`] : []),
        '',
        `${many.files / few.files}× the files: ${(many.seconds / few.seconds).toFixed(1)}× the time, ${(many.peakRssMiB / Math.max(1, few.peakRssMiB)).toFixed(1)}× the peak memory.`,
      ].join('\n');
      return { json: { machine, size, classes: CLASSES, folder: rows, zip: zipResult }, markdown };
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
};
