import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildIcons, ICO_SIZES, iconFiles, iconSvg, PNG_SIZES, readSources, renderIcon, SMALL_DESIGN_MAX_POINTS } from '../../scripts/build-icons.mjs';
import { ICNS_TYPES } from '../../scripts/icon-formats.mjs';
import { colourCounts, decodeIcns, decodeIco, pngDimensions } from './icon-decode';

let out: string;
beforeAll(() => {
  out = mkdtempSync(join(tmpdir(), 'epochlab-icons-'));
  expect(buildIcons({ outDir: out })).toBe(true);
});
afterAll(() => rmSync(out, { recursive: true, force: true }));

describe('the icon set drawn from resources/icon.svg', () => {
  it('writes one Linux PNG per size, each as large as its name says', () => {
    const files = iconFiles(out);
    for (const size of PNG_SIZES) expect(pngDimensions(readFileSync(files.png(size)))).toEqual([size, size]);
  });

  it('writes an ICO with every size Windows asks for, bitmaps below 256 px', () => {
    const frames = decodeIco(readFileSync(iconFiles(out).ico));
    expect(frames.map((f) => f.width)).toEqual(ICO_SIZES);
    expect(frames.map((f) => f.kind)).toEqual(ICO_SIZES.map((s) => (s === 256 ? 'png' : 'bmp')));
  });

  it('still reads at 16 px: a blue tile with transparent corners, a white curve and the amber dot', () => {
    const [sixteen] = decodeIco(readFileSync(iconFiles(out).ico));
    const counts = colourCounts(sixteen.rgba!);
    expect(sixteen.rgba![3]).toBe(0); // top-left corner, outside the rounded tile
    expect(sixteen.mask![0]).toBe(1);
    expect(counts.blue).toBeGreaterThan(100);
    expect(counts.white).toBeGreaterThanOrEqual(8);
    expect(counts.amber).toBeGreaterThanOrEqual(2);
  });

  it('writes an ICNS with every point size at 1x and 2x, the Retina entries at twice the pixels', () => {
    const entries = decodeIcns(readFileSync(iconFiles(out).icns));
    expect(entries.map((e) => e.type)).toEqual(ICNS_TYPES.map((t) => t.type));
    entries.forEach((e, i) => expect(pngDimensions(e.data)).toEqual([ICNS_TYPES[i].pixels, ICNS_TYPES[i].pixels]));
  });

  it('is not drawn again while its sources are unchanged, and is when they change', () => {
    expect(buildIcons({ outDir: out })).toBe(false);
    const sources = readSources();
    expect(buildIcons({ outDir: out, sources: { ...sources, small: sources.small.replace('#fab005', '#fab006') } })).toBe(true);
    expect(buildIcons({ outDir: out, sources })).toBe(true);
  });
});

describe('iconSvg', () => {
  const sources = readSources();

  it('uses the small drawing up to 32 points and the large one above', () => {
    expect(iconSvg(sources, SMALL_DESIGN_MAX_POINTS, 'full')).toBe(sources.small);
    expect(iconSvg(sources, SMALL_DESIGN_MAX_POINTS + 1, 'apple')).toBe(sources.large);
  });

  it('crops the large drawing to its tile, without the shadow, for Windows and Linux', () => {
    const full = iconSvg(sources, 256, 'full');
    expect(full).not.toContain('filter="url(#shadow)"');
    expect(full).toContain('viewBox="76 76 872 872"');
    // Apple's framing leaves the grid's margin transparent; the full framing is opaque nearly to the edge.
    const edge = (svg: string) => renderIcon(svg, 256).rgba[(128 * 256 + 12) * 4 + 3];
    expect(edge(full)).toBe(255);
    expect(edge(iconSvg(sources, 256, 'apple'))).toBe(0);
  });

  it('refuses a large drawing it cannot crop', () => {
    expect(() => iconSvg({ ...sources, large: sources.large.replace('viewBox="0 0 1024 1024"', 'viewBox="0 0 512 512"') }, 256, 'full')).toThrow(/must keep/);
  });
});
