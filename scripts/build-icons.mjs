// Renders the app icon from its SVG sources (resources/icon.svg, and resources/icon-small.svg for 32 px and
// under) into build/icons: icon.ico (Windows), icon.icns (macOS) and png/NxN.png (Linux, and the window
// icon). Nothing here is committed: `npm run build` regenerates it when a source or this script changed.
//   node scripts/build-icons.mjs [--out DIR] [--force]
import { Resvg } from '@resvg/resvg-js';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { encodeIcns, encodeIco, ICNS_TYPES, unpremultiply } from './icon-formats.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const DEFAULT_OUT = join(ROOT, 'build', 'icons');
export const SOURCES = { large: join(ROOT, 'resources', 'icon.svg'), small: join(ROOT, 'resources', 'icon-small.svg') };
/** Up to this many points the small drawing is used: the large one's detail blurs into the tile below it. */
export const SMALL_DESIGN_MAX_POINTS = 32;
export const PNG_SIZES = [16, 24, 32, 48, 64, 128, 256, 512, 1024];
export const ICO_SIZES = [16, 20, 24, 32, 40, 48, 64, 256];
/** The PNG the window uses on Linux (packaged as resources/icon.png) and in development. */
export const WINDOW_ICON_SIZE = 256;

const APPLE_VIEWBOX = 'viewBox="0 0 1024 1024"';
const SHADOW = ' filter="url(#shadow)"';
/** Apple's grid leaves 100 px around the tile for its shadow; Windows and Linux icons fill the square. */
const FULL_VIEWBOX = 'viewBox="76 76 872 872"';

/**
 * The SVG text to render: the small drawing up to SMALL_DESIGN_MAX_POINTS, else the large one on Apple's
 * grid ('apple', for ICNS) or cropped to the tile without its shadow ('full').
 */
export function iconSvg(sources, points, framing) {
  if (points <= SMALL_DESIGN_MAX_POINTS) return sources.small;
  if (framing === 'apple') return sources.large;
  if (!sources.large.includes(APPLE_VIEWBOX) || !sources.large.includes(SHADOW)) {
    throw new Error(`resources/icon.svg must keep ${APPLE_VIEWBOX} and the tile's${SHADOW}: the full-bleed framing is cut from them`);
  }
  return sources.large.replace(APPLE_VIEWBOX, FULL_VIEWBOX).replace(SHADOW, '');
}

/** One size: the PNG file and its straight-alpha pixels. */
export function renderIcon(svg, pixels) {
  const image = new Resvg(svg, { fitTo: { mode: 'width', value: pixels }, font: { loadSystemFonts: false } }).render();
  if (image.width !== pixels || image.height !== pixels) throw new Error(`the icon rendered at ${image.width}×${image.height}, not ${pixels} px square`);
  return { size: pixels, png: Buffer.from(image.asPng()), rgba: unpremultiply(image.pixels) };
}

export function readSources(files = SOURCES) {
  return { large: readFileSync(files.large, 'utf8'), small: readFileSync(files.small, 'utf8') };
}

/** Everything the icons depend on: a new hash means they must be drawn again. */
function inputsHash(sources) {
  const hash = createHash('sha256');
  hash.update(sources.large).update('\0').update(sources.small);
  for (const script of ['build-icons.mjs', 'icon-formats.mjs']) hash.update('\0').update(readFileSync(join(ROOT, 'scripts', script)));
  return hash.digest('hex');
}

export function iconFiles(outDir) {
  return {
    ico: join(outDir, 'icon.ico'),
    icns: join(outDir, 'icon.icns'),
    png: (size) => join(outDir, 'png', `${size}x${size}.png`),
    stamp: join(outDir, 'inputs.sha256'),
  };
}

/** Writes every icon into outDir unless it is up to date; returns whether anything was written. */
export function buildIcons({ outDir = DEFAULT_OUT, sources = readSources(), force = false } = {}) {
  const files = iconFiles(outDir);
  const hash = inputsHash(sources);
  const outputs = [files.ico, files.icns, ...PNG_SIZES.map(files.png)];
  if (!force && existsSync(files.stamp) && readFileSync(files.stamp, 'utf8') === hash && outputs.every((f) => existsSync(f))) return false;

  mkdirSync(join(outDir, 'png'), { recursive: true });
  for (const size of PNG_SIZES) writeFileSync(files.png(size), renderIcon(iconSvg(sources, size, 'full'), size).png);
  writeFileSync(files.ico, encodeIco(ICO_SIZES.map((size) => renderIcon(iconSvg(sources, size, 'full'), size))));
  writeFileSync(files.icns, encodeIcns(ICNS_TYPES.map(({ type, pixels, points }) => ({ type, png: renderIcon(iconSvg(sources, points, 'apple'), pixels).png }))));
  writeFileSync(files.stamp, hash);
  return true;
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  const args = process.argv.slice(2);
  const outAt = args.indexOf('--out');
  const outDir = outAt >= 0 ? resolve(args[outAt + 1]) : DEFAULT_OUT;
  const wrote = buildIcons({ outDir, force: args.includes('--force') });
  console.log(wrote ? `icons written to ${outDir}` : `icons in ${outDir} are up to date`);
}
